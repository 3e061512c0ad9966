"""Storefront stack: CloudFront in front of the shopper routes of the HTTP API.

A CloudFront Function copies the viewer's Host to X-Forwarded-Host (and drops viewer-sent
X-Forwarded-Host / X-Origin-Verify); the origin gets the origin-verify secret as a custom header, so
the API trusts X-Forwarded-Host only from CloudFront. Pages are cached per host. With platform domains in
the environment, the distribution is a CloudFront SaaS Manager multi-tenant distribution
(``connection_mode=tenant-only``) on one connection group: each platform domain is a tenant with a
managed certificate and its store subdomains one wildcard tenant; store custom domains become tenants at
run time when they verify (orion.tenancy.edge), so a deploy never lists nor deletes them. Without domains
it is a standard distribution on its cloudfront.net name (dev).
"""

from __future__ import annotations

from aws_cdk import Annotations, Aws, CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ssm as ssm
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra import wiring
from infra.config import Deployment
from infra.edge import MEDIA_REQUEST_JS, VIEWER_REQUEST_JS
from infra.stacks.api import RUNTIME, ApiStack, function_code
from infra.stacks.data import bucket_name, edge_parameter_name, secret_name
from infra.stacks.nag import acknowledge, default_policy
from infra.stacks.retention import retention

ORIGIN_VERIFY_HEADER = "X-Origin-Verify"
ORIGIN_SECRET_ROTATION_DAYS = 30
# Served variants never change (a new upload is a new key): CloudFront keeps them as long as they say
# (a year, orion.media.storage.VARIANT_CACHE_CONTROL), and at least a day when an object says nothing.
SERVED_MIN_TTL = Duration.days(1)
SERVED_MAX_TTL = Duration.days(365)
FORWARDED_HOST_HEADER = "X-Forwarded-Host"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' https: data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'self'; object-src 'none'"
)


def tenant_name(domain: str) -> str:
    """A distribution tenant name from its domain (letters, digits and hyphens)."""
    return "orion-" + "".join(c if c.isalnum() else "-" for c in domain.lower()).strip("-")


class StorefrontStack(Stack):
    """The shopper entrance: one distribution, the header rewrite, caching per host, security headers."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        deployment: Deployment,
        api: ApiStack,
        web_acl_arn: str | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.deployment = deployment
        verify_secret = secret_name(deployment, wiring.secret("origin-verify"))
        origin_verify = f"{{{{resolve:secretsmanager:{verify_secret}:SecretString:::}}}}"
        origin = origins.HttpOrigin(
            f"{api.http_api.api_id}.execute-api.{Aws.REGION}.{Aws.URL_SUFFIX}",
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
            custom_headers={ORIGIN_VERIFY_HEADER: origin_verify},
        )
        self.viewer_request = cloudfront.Function(
            self,
            "ViewerRequest",
            code=cloudfront.FunctionCode.from_file(file_path=str(VIEWER_REQUEST_JS)),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            comment="Copy Host to X-Forwarded-Host; drop viewer-sent X-Forwarded-Host and X-Origin-Verify",
        )
        self.cache_policy = cloudfront.CachePolicy(
            self,
            "PagesByHost",
            comment="Shopper pages: cached per viewer host, only when the origin sends s-maxage",
            header_behavior=cloudfront.CacheHeaderBehavior.allow_list(FORWARDED_HOST_HEADER),
            query_string_behavior=cloudfront.CacheQueryStringBehavior.all(),
            cookie_behavior=cloudfront.CacheCookieBehavior.none(),
            default_ttl=Duration.seconds(0),
            min_ttl=Duration.seconds(0),
            max_ttl=Duration.days(1),
            enable_accept_encoding_gzip=True,
            enable_accept_encoding_brotli=True,
        )
        self.headers_policy = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            comment="Security headers on every shopper response",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(730), include_subdomains=True, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.SAMEORIGIN, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
                    override=True,
                ),
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=CONTENT_SECURITY_POLICY, override=False
                ),
            ),
        )
        functions = [
            cloudfront.FunctionAssociation(
                function=self.viewer_request, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
            )
        ]
        pages = cloudfront.BehaviorOptions(
            origin=origin,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cached_methods=cloudfront.CachedMethods.CACHE_GET_HEAD,
            cache_policy=self.cache_policy,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            response_headers_policy=self.headers_policy,
            function_associations=functions,
        )
        uncached = cloudfront.BehaviorOptions(
            origin=origin,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            response_headers_policy=self.headers_policy,
            function_associations=functions,
        )
        self.multi_tenant = bool(deployment.platform_domains)
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"{deployment.prefix} storefront",
            default_behavior=pages,
            # Staff and admin JSON APIs on store hosts: never cached. Served buckets (uploaded images at
            # /media/*): straight from S3, cached for as long as they say.
            additional_behaviors={"/api/*": uncached, **self._served_buckets(deployment)},
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            web_acl_id=web_acl_arn,
        )
        acknowledge(
            self.distribution,
            "AwsSolutions-CFR1",
            "Shops sell across borders by design; geo restrictions are a per-tenant customization.",
        )
        acknowledge(
            self.distribution,
            "AwsSolutions-CFR3",
            "Every request that reaches the origin is in the API access log; edge access logs are left to "
            "the operator (standard logging v2 to CloudWatch) to avoid an ACL-enabled log bucket.",
        )
        if web_acl_arn is None:
            acknowledge(
                self.distribution,
                "AwsSolutions-CFR2",
                "WAF is optional per environment (cdk.json waf); this environment runs without it.",
            )
        acknowledge(
            self.distribution,
            "AwsSolutions-CFR4",
            "The distribution's own certificate is CloudFront's default one (dev: the cloudfront.net name; "
            "tenant-only mode: never served). Shop domains use per-tenant managed certificates.",
        )
        if self.multi_tenant:
            self._tenants()
            self._store_domain_access(api)
        self._origin_secret_rotation(api)
        CfnOutput(
            self,
            "DistributionId",
            value=self.distribution.distribution_id,
            description="The storefront distribution (invalidations, store-domain tenants)",
        )
        CfnOutput(
            self,
            "DistributionDomainName",
            value=self.distribution.distribution_domain_name,
            description="The distribution's own host"
            + (" (tenant-only: shops answer on their tenants' domains)" if self.multi_tenant else ""),
        )

    def _served_buckets(self, deployment: Deployment) -> dict[str, cloudfront.BehaviorOptions]:
        """A behaviour per bucket the wiring serves (``Bucket.served_at``): the bucket as an Origin
        Access Control origin, GET and HEAD only, behind a function that lets only the served key shape
        through (infra/edge/media_request.js) and strips the path prefix, on every host of the
        distribution (every store's domains)."""
        behaviours: dict[str, cloudfront.BehaviorOptions] = {}
        served = [bucket for bucket in wiring.BUCKETS if bucket.served_at]
        if not served:
            return behaviours
        self.served_request = cloudfront.Function(
            self,
            "ServedObjectRequest",
            code=cloudfront.FunctionCode.from_file(file_path=str(MEDIA_REQUEST_JS)),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            comment="Media: only variant keys (<p>/<s>/<id>/<width>.webp|jpg) reach the bucket; others 404",
        )
        self.served_cache_policy = cloudfront.CachePolicy(
            self,
            "ServedObjects",
            comment="Uploaded images: immutable keys, one copy for every host, no query, cookie or header",
            header_behavior=cloudfront.CacheHeaderBehavior.none(),
            query_string_behavior=cloudfront.CacheQueryStringBehavior.none(),
            cookie_behavior=cloudfront.CacheCookieBehavior.none(),
            default_ttl=SERVED_MAX_TTL,
            min_ttl=SERVED_MIN_TTL,
            max_ttl=SERVED_MAX_TTL,
        )
        for bucket in served:
            # The bucket lives in the data stack, whose policy lets CloudFront read (stacks/data.py): the
            # origin names it by its deterministic name, so neither stack refers to the other's resources.
            imported = s3.Bucket.from_bucket_attributes(
                self,
                f"Served-{bucket.name}",
                bucket_name=bucket_name(deployment, bucket),
                region=Aws.REGION,
            )
            origin = origins.S3BucketOrigin.with_origin_access_control(
                imported, origin_access_levels=[cloudfront.AccessLevel.READ, cloudfront.AccessLevel.LIST]
            )
            Annotations.of(self).acknowledge_warning(
                "@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac",
                "The served bucket's policy is written in the data stack (CloudFront reads served keys).",
            )
            behaviours[f"{bucket.served_at}*"] = cloudfront.BehaviorOptions(
                origin=origin,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cached_methods=cloudfront.CachedMethods.CACHE_GET_HEAD,
                cache_policy=self.served_cache_policy,
                response_headers_policy=self.headers_policy,
                compress=False,  # WebP and JPEG are compressed already
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=self.served_request, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ],
            )
        return behaviours

    def _origin_secret_rotation(self, api: ApiStack) -> None:
        """Secrets Manager rotates the origin-verify secret every ORIGIN_SECRET_ROTATION_DAYS days with a
        Lambda that also switches this distribution's origin header (it lives here because it needs the
        distribution's id; the data stack cannot refer to this one)."""
        secret = api.data.secrets["origin-verify"]
        function_name = f"{self.deployment.prefix}-origin-rotation"
        log_group = logs.LogGroup(
            self,
            "OriginRotationLogs",
            log_group_name=f"/aws/lambda/{function_name}",
            retention=retention(self.deployment.log_retention_days),
            removal_policy=RemovalPolicy.DESTROY,
        )
        role = iam.Role(
            self,
            "OriginRotationRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{function_name}: rotates the origin-verify secret and this distribution's header",
        )
        distribution_arn = self.format_arn(
            service="cloudfront",
            region="",
            resource="distribution",
            resource_name=self.distribution.distribution_id,
        )
        policy = iam.Policy(
            self,
            "OriginRotationPolicy",
            roles=[role],
            statements=[
                iam.PolicyStatement(
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[log_group.log_group_arn]
                ),
                iam.PolicyStatement(
                    actions=[
                        "secretsmanager:DescribeSecret",
                        "secretsmanager:GetSecretValue",
                        "secretsmanager:PutSecretValue",
                        "secretsmanager:UpdateSecretVersionStage",
                    ],
                    resources=[secret.secret_arn],
                ),
                iam.PolicyStatement(
                    actions=["cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution"],
                    resources=[distribution_arn],
                ),
            ],
        )
        self.rotation_function = lambda_.Function(
            self,
            "OriginRotation",
            function_name=function_name,
            description="Rotates the origin-verify secret and CloudFront's X-Origin-Verify origin header",
            runtime=RUNTIME,
            architecture=lambda_.Architecture.ARM_64,
            handler="functions.origin_rotation.handler.handler",
            code=function_code(),
            layers=[api.layer],
            memory_size=256,
            timeout=Duration.seconds(60),
            role=role,
            environment={
                "ORION_DISTRIBUTION_ID": self.distribution.distribution_id,
                "ORION_STAGE": self.deployment.name,
                "POWERTOOLS_SERVICE_NAME": "orion-origin-rotation",
                "POWERTOOLS_METRICS_NAMESPACE": "Orion",
                "POWERTOOLS_LOG_LEVEL": "INFO",
            },
            log_group=log_group,
            tracing=lambda_.Tracing.ACTIVE,
        )
        self.rotation_function.node.add_dependency(policy)
        acknowledge(
            default_policy(role),
            "AwsSolutions-IAM5[Resource::*]",
            "X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; "
            "AWS requires *.",
        )
        acknowledge(
            self.rotation_function,
            "AwsSolutions-L1",
            "Pinned to Python 3.13 like every Orion function: the dependency layer's wheels are built "
            "for it.",
        )
        permission = lambda_.CfnPermission(
            self,
            "SecretsManagerInvokesRotation",
            action="lambda:InvokeFunction",
            function_name=self.rotation_function.function_arn,
            principal="secretsmanager.amazonaws.com",
            source_account=Aws.ACCOUNT_ID,
            source_arn=secret.secret_arn,
        )
        self.rotation_schedule = secretsmanager.CfnRotationSchedule(
            self,
            "OriginSecretRotation",
            secret_id=secret.secret_arn,
            rotation_lambda_arn=self.rotation_function.function_arn,
            rotation_rules=secretsmanager.CfnRotationSchedule.RotationRulesProperty(
                schedule_expression=f"rate({ORIGIN_SECRET_ROTATION_DAYS} days)"
            ),
            # The first rotation waits for the schedule (or `aws secretsmanager rotate-secret`), so a
            # deploy never changes the header CloudFormation has just set.
            rotate_immediately_on_update=False,
        )
        self.rotation_schedule.add_dependency(permission)

    def _tenants(self) -> None:
        """CloudFront SaaS Manager: the distribution becomes a template and each domain a tenant."""
        resource = self.distribution.node.default_child
        assert isinstance(resource, cloudfront.CfnDistribution)
        resource.add_property_override("DistributionConfig.ConnectionMode", "tenant-only")
        # Multi-tenant distributions take these from their connection group, not from the template.
        resource.add_property_deletion_override("DistributionConfig.PriceClass")
        resource.add_property_deletion_override("DistributionConfig.IPV6Enabled")
        # One connection group for every tenant: its routing endpoint is what shop domains point at.
        self.connection_group = cloudfront.CfnConnectionGroup(
            self, "ConnectionGroup", name=f"{self.deployment.prefix}-shops", enabled=True, ipv6_enabled=True
        )
        CfnOutput(
            self,
            "ShopDomainsTarget",
            value=self.connection_group.attr_routing_endpoint,
            description="The connection group's endpoint: point shop domains here (CNAME or apex alias)",
        )
        CfnOutput(
            self,
            "ConnectionGroupId",
            value=self.connection_group.attr_id,
            description="The connection group every distribution tenant (platform and store domains) uses",
        )
        self.tenants: dict[str, cloudfront.CfnDistributionTenant] = {}
        for domain in self.deployment.platform_domains:
            # The platform's site, path-mode shops and the admin API (api.<domain>, /api/* uncached).
            self._tenant(
                tenant_name(domain),
                [domain, f"www.{domain}", f"api.{domain}"],
                managed_certificate_request=cloudfront.CfnDistributionTenant.ManagedCertificateRequestProperty(
                    validation_token_host="cloudfront", primary_domain_name=domain
                ),
            )
            # Every store's <store>.<domain>: one wildcard tenant, so stores never add resources here. A
            # managed certificate cannot be a wildcard: the environment names an ACM one (us-east-1).
            certificate = self.deployment.platform_certificates.get(domain)
            if certificate is None:
                Annotations.of(self).add_warning_v2(
                    "orion:wildcard-certificate",
                    f"No platformCertificates entry for {domain}: store subdomains *.{domain} get no tenant.",
                )
                continue
            self._tenant(
                f"orion-stores-{tenant_name(domain).removeprefix('orion-')}",
                [f"*.{domain}"],
                customizations=cloudfront.CfnDistributionTenant.CustomizationsProperty(
                    certificate=cloudfront.CfnDistributionTenant.CertificateProperty(arn=certificate)
                ),
            )

    def _tenant(self, name: str, domains: list[str], **certificate: object) -> None:
        self.tenants[domains[0]] = cloudfront.CfnDistributionTenant(
            self,
            f"Tenant-{name}",
            name=name,
            distribution_id=self.distribution.distribution_id,
            connection_group_id=self.connection_group.attr_id,
            domains=domains,
            enabled=True,
            **certificate,  # type: ignore[arg-type]
        )

    def _store_domain_access(self, api: ApiStack) -> None:
        """What the domain functions need to make store domains tenants of this distribution: its ids (a
        parameter they read at run time, as they deploy first) and the right to manage its tenants."""
        distribution_id = self.distribution.distribution_id
        ssm.StringParameter(
            self,
            "EdgeIds",
            parameter_name=edge_parameter_name(self.deployment),
            description="The storefront's multi-tenant distribution, its connection group and that group's "
            "routing endpoint (store domains)",
            string_value=(
                f'{{"distributionId": "{distribution_id}", '
                f'"connectionGroupId": "{self.connection_group.attr_id}", '
                f'"routingEndpoint": "{self.connection_group.attr_routing_endpoint}"}}'
            ),
        )
        cloudfront_arn = f"arn:{Aws.PARTITION}:cloudfront::{Aws.ACCOUNT_ID}"
        policy = iam.Policy(
            self,
            "StoreDomainTenants",
            roles=[api.roles[fn.name] for fn in wiring.FUNCTIONS if fn.edge_tenants],
            statements=[
                iam.PolicyStatement(
                    actions=[
                        "cloudfront:CreateDistributionTenant",
                        "cloudfront:UpdateDistributionTenant",
                        "cloudfront:DeleteDistributionTenant",
                        "cloudfront:GetDistributionTenant",
                        "cloudfront:GetDistributionTenantByDomain",
                        "cloudfront:ListTagsForResource",
                        "cloudfront:TagResource",
                    ],
                    resources=[
                        f"{cloudfront_arn}:distribution/{distribution_id}",
                        f"{cloudfront_arn}:distribution-tenant/*",
                        f"{cloudfront_arn}:connection-group/{self.connection_group.attr_id}",
                    ],
                )
            ],
        )
        acknowledge(
            policy,
            "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution-tenant/*]",
            "Tenant ids are assigned when a store domain verifies, so they cannot be named here; the "
            "statement names this distribution and its connection group, and the code "
            "(orion.tenancy.edge) changes or deletes only tenants it tagged orion:store itself.",
        )


class EdgeWafStack(Stack):
    """The storefront's AWS WAF web ACL (CLOUDFRONT scope, so it lives in us-east-1)."""

    def __init__(
        self, scope: Construct, construct_id: str, *, deployment: Deployment, **kwargs: object
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        rules = [
            self._managed(priority, name)
            for priority, name in enumerate(
                (
                    "AWSManagedRulesAmazonIpReputationList",
                    "AWSManagedRulesCommonRuleSet",
                    "AWSManagedRulesKnownBadInputsRuleSet",
                )
            )
        ]
        rules.append(
            wafv2.CfnWebACL.RuleProperty(
                name="rate-limit-per-ip",
                priority=len(rules),
                action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        limit=2000, aggregate_key_type="IP"
                    )
                ),
                visibility_config=self._visibility("rate-limit-per-ip"),
            )
        )
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=f"{deployment.prefix}-storefront",
            scope="CLOUDFRONT",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=self._visibility(f"{deployment.prefix}-storefront"),
            rules=rules,
        )

    def _managed(self, priority: int, name: str) -> wafv2.CfnWebACL.RuleProperty:
        return wafv2.CfnWebACL.RuleProperty(
            name=name,
            priority=priority,
            override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
            statement=wafv2.CfnWebACL.StatementProperty(
                managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                    vendor_name="AWS", name=name
                )
            ),
            visibility_config=self._visibility(name),
        )

    @staticmethod
    def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
        return wafv2.CfnWebACL.VisibilityConfigProperty(
            cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
        )
