"""Mail stack: an SES domain identity with Easy DKIM per sender domain, and the configuration set every
e-mail goes out with, whose bounce and complaint events reach the mail feedback function (SNS)."""

from __future__ import annotations

from aws_cdk import CfnOutput, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra.config import Deployment


def configuration_set_name(deployment: Deployment) -> str:
    """Deterministic, so the sending functions are given it without a reference to this stack."""
    return f"{deployment.prefix}-mail"


class MailStack(Stack):
    """What e-mail on AWS needs besides the functions: verified sender domains and feedback."""

    def __init__(
        self, scope: Construct, construct_id: str, *, deployment: Deployment, **kwargs: object
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.deployment = deployment
        # Bounce and complaint notifications name recipients (personal data): encrypted at rest with a
        # key of our own, which SES may use to publish (the topic's grant adds it to the key policy).
        self.key = kms.Key(
            self,
            "FeedbackKey",
            description=f"{deployment.prefix}: SES bounce and complaint notifications",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.DESTROY if not deployment.retain_data else RemovalPolicy.RETAIN,
        )
        self.topic = sns.Topic(
            self,
            "Feedback",
            display_name=f"{deployment.prefix} mail feedback",
            master_key=self.key,
            enforce_ssl=True,
        )
        self.topic.grant_publish(iam.ServicePrincipal("ses.amazonaws.com"))
        self.configuration_set = ses.ConfigurationSet(
            self,
            "ConfigurationSet",
            configuration_set_name=configuration_set_name(deployment),
            tls_policy=ses.ConfigurationSetTlsPolicy.REQUIRE,
            reputation_metrics=True,
            # SES's account-level list as well as ours: it also stops addresses other senders bounced.
            suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
        )
        self.configuration_set.add_event_destination(
            "BouncesAndComplaints",
            configuration_set_event_destination_name="bounces-and-complaints",
            destination=ses.EventDestination.sns_topic(self.topic),
            events=[ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
        )
        self.identities: dict[str, ses.EmailIdentity] = {}
        for domain in deployment.mail_domains:
            self.identities[domain] = self._identity(domain)

    def _identity(self, domain: str) -> ses.EmailIdentity:
        zone_id = self.deployment.mail_hosted_zones.get(domain)
        construct_id = domain.replace(".", "-")
        if zone_id:
            zone = route53.PublicHostedZone.from_hosted_zone_attributes(
                self, f"Zone-{construct_id}", hosted_zone_id=zone_id, zone_name=domain
            )
            identity = ses.Identity.public_hosted_zone(zone)
        else:
            identity = ses.Identity.domain(domain)
        email_identity = ses.EmailIdentity(
            self,
            f"Identity-{construct_id}",
            identity=identity,
            dkim_identity=ses.DkimIdentity.easy_dkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
            dkim_signing=True,
            configuration_set=self.configuration_set,
        )
        if not zone_id:
            # No zone to write to: the operator publishes these three CNAMEs (docs/operations.md).
            for index, record in enumerate(email_identity.dkim_records, start=1):
                CfnOutput(
                    self,
                    f"Dkim-{construct_id}-{index}",
                    description=f"DKIM CNAME {index} of 3 for {domain}: publish '<name> CNAME <value>'",
                    value=f"{record.name} CNAME {record.value}",
                )
        return email_identity
