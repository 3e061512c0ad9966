"""E-mail on AWS: a verified SES identity with Easy DKIM per sender domain, a configuration set whose
bounces and complaints reach the feedback function, senders per platform in the sending functions'
environment (never a .localhost one; no sender stops the synth), and an alarm on e-mails given up."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import App, assertions

from infra import wiring
from infra.config import InvalidEnvironment, cdk_json_context, deployment_from_context
from infra.stacks.mail import MailStack
from tests.infra.conftest import ALARM_EMAIL, DEV_CONTEXT, Assembly
from tests.infra.test_data_and_api import function_resource


def test_every_platform_domain_is_an_ses_identity_with_easy_dkim_and_the_configuration_set(
    assembly: Assembly,
) -> None:
    identities = assembly.resources("mail", "AWS::SES::EmailIdentity").values()
    (configuration_set_id,) = assembly.resources("mail", "AWS::SES::ConfigurationSet")

    assert sorted(i["Properties"]["EmailIdentity"] for i in identities) == ["loyalty.lu", "oms.lu"]
    for identity in identities:
        properties = identity["Properties"]
        assert properties["DkimAttributes"] == {"SigningEnabled": True}
        assert properties["DkimSigningAttributes"] == {"NextSigningKeyLength": "RSA_2048_BIT"}
        assert properties["ConfigurationSetAttributes"] == {
            "ConfigurationSetName": {"Ref": configuration_set_id}
        }


def test_without_a_hosted_zone_the_dkim_records_are_outputs_for_the_operator(assembly: Assembly) -> None:
    outputs = assembly.template("mail")["Outputs"]
    dkim = [o for o in outputs.values() if "DkimDNSTokenName" in json.dumps(o["Value"])]

    assert len(dkim) == 6  # three CNAMEs for each of the two domains
    assert not assembly.resources("mail", "AWS::Route53::RecordSet")


def test_bounces_and_complaints_reach_the_feedback_function_through_an_encrypted_topic(
    assembly: Assembly,
) -> None:
    (configuration_set,) = assembly.resources("mail", "AWS::SES::ConfigurationSet").values()
    (destination,) = assembly.resources("mail", "AWS::SES::ConfigurationSetEventDestination").values()
    (topic_id, topic), *_ = assembly.resources("mail", "AWS::SNS::Topic").items()
    (subscription,) = assembly.resources("api", "AWS::SNS::Subscription").values()

    assert configuration_set["Properties"]["Name"] == f"{assembly.prefix}-mail"
    event = destination["Properties"]["EventDestination"]
    assert sorted(event["MatchingEventTypes"]) == ["bounce", "complaint"]
    assert event["SnsDestination"] == {"TopicARN": {"Ref": topic_id}}
    assert "KmsMasterKeyId" in topic["Properties"]
    assert subscription["Properties"]["Protocol"] == "lambda"
    endpoint = json.dumps(subscription["Properties"]["Endpoint"])
    assert "Functionmailfeedback" in endpoint and ":live" in endpoint
    assert wiring.function("mail_feedback").mail_feedback


@pytest.mark.parametrize("name", [fn.name for fn in wiring.FUNCTIONS if fn.email])
def test_sending_functions_get_each_platform_s_sender_and_the_configuration_set(
    assembly: Assembly, name: str
) -> None:
    env = function_resource(assembly, name)["Properties"]["Environment"]["Variables"]

    # each declared platform's mailFrom (cdk.json platforms) is its domain's sender
    assert json.loads(env["ORION_MAIL_SENDERS"]) == {
        "loyalty.lu": "Loyalty+ <no-reply@loyalty.lu>",
        "oms.lu": "OMS <no-reply@oms.lu>",
    }
    assert env["ORION_MAIL_CONFIGURATION_SET"] == f"{assembly.prefix}-mail"
    assert "localhost" not in json.dumps(env)


def test_sending_is_allowed_only_from_the_configured_senders(assembly: Assembly) -> None:
    policies = json.dumps(assembly.resources("api", "AWS::IAM::Policy"))

    assert '"ses:FromAddress": ["no-reply@loyalty.lu", "no-reply@oms.lu"]' in policies
    assert f"configuration-set/{assembly.prefix}-mail" in policies


def test_dev_sends_from_its_configured_default_sender(dev_assembly: Assembly) -> None:
    env = function_resource(dev_assembly, "outbox_sender")["Properties"]["Environment"]["Variables"]
    (identity,) = dev_assembly.resources("mail", "AWS::SES::EmailIdentity").values()

    assert env["ORION_MAIL_FROM"] == cdk_json_context()["environments"]["dev"]["mailFrom"]
    assert json.loads(env["ORION_MAIL_SENDERS"]) == {"dev.oms.lu": "OMS dev <no-reply@dev.oms.lu>"}
    assert identity["Properties"]["EmailIdentity"] == "dev.oms.lu"


def test_an_environment_without_any_sender_does_not_synthesise() -> None:
    from infra.app import build_app

    with pytest.raises(InvalidEnvironment, match="mailFrom: no e-mail sender"):
        build_app({**DEV_CONTEXT, "mailFrom": "", "platforms": []})


def test_e_mails_given_up_raise_an_alarm(assembly: Assembly) -> None:
    alarms = assembly.resources("observability", "AWS::CloudWatch::Alarm").values()
    [given_up] = [a for a in alarms if "EmailsGivenUp" in json.dumps(a["Properties"]["AlarmName"])]

    [query] = given_up["Properties"]["Metrics"]
    assert "SUM(EmailsGivenUp)" in query["Expression"] and '"Orion"' in query["Expression"]
    assert given_up["Properties"]["AlarmActions"]


def mail_template(**context: Any) -> assertions.Template:
    deployment = deployment_from_context(
        {**cdk_json_context(), "env": "prod", "alarmEmail": ALARM_EMAIL, **context}
    )
    stack = MailStack(App(), "mail", deployment=deployment)
    return assertions.Template.from_stack(stack)


def test_a_configured_hosted_zone_gets_the_dkim_records_instead_of_outputs() -> None:
    template = mail_template(
        platformDomains=["oms.lu"], platforms=[], mailHostedZones={"oms.lu": "Z0123456789ABC"}
    )

    template.resource_count_is("AWS::Route53::RecordSet", 3)
    template.has_resource_properties(
        "AWS::Route53::RecordSet", {"Type": "CNAME", "HostedZoneId": "Z0123456789ABC"}
    )
    assert not [o for o in template.to_json().get("Outputs", {}) if o.startswith("Dkim")]


def test_a_platform_s_sender_can_be_overridden_and_must_be_a_real_address() -> None:
    prod = deployment_from_context(
        {
            **cdk_json_context(),
            "env": "prod",
            "alarmEmail": ALARM_EMAIL,
            "mailSenders": {"oms.lu": "OMS shop <shop@oms.lu>"},
        }
    )

    assert prod.mail_senders == {
        "oms.lu": "OMS shop <shop@oms.lu>",
        "loyalty.lu": "Loyalty+ <no-reply@loyalty.lu>",
    }
    assert prod.mail_domains == ("loyalty.lu", "oms.lu")
    for sender in ("no-reply@orion.localhost", "not an address"):
        with pytest.raises(InvalidEnvironment, match=r"mailFrom: mail sender .* is not an address"):
            deployment_from_context(
                {**cdk_json_context(), "env": "prod", "alarmEmail": ALARM_EMAIL, "mailFrom": sender}
            )
