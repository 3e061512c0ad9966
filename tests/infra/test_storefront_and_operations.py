"""Storefront (CloudFront), imports (state machines, rules) and observability stacks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra import wiring
from infra.workflows.definitions import state_machine_definition
from orion.settings import get_settings
from tests.infra.conftest import FAKE_MACHINE, WILDCARD_CERTIFICATE, Assembly


def distribution_config(assembly: Assembly) -> dict[str, Any]:
    (distribution,) = assembly.resources("storefront", "AWS::CloudFront::Distribution").values()
    config: dict[str, Any] = distribution["Properties"]["DistributionConfig"]
    return config


def test_cloudfront_sends_the_origin_verify_secret_and_runs_the_host_function(assembly: Assembly) -> None:
    config = distribution_config(assembly)
    (origin,) = [o for o in config["Origins"] if "CustomOriginConfig" in o]  # the API (the bucket: S3)
    headers = {h["HeaderName"]: h["HeaderValue"] for h in origin["OriginCustomHeaders"]}
    (function,) = [
        f
        for f in assembly.resources("storefront", "AWS::CloudFront::Function").values()
        if "x-forwarded-host" in f["Properties"]["FunctionCode"]
    ]

    assert headers["X-Origin-Verify"].startswith("{{resolve:secretsmanager:orion/prod/origin-verify:")
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    function_arn = {"Fn::GetAtt": [_logical_id(assembly, function), "FunctionARN"]}
    for behavior in [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]:
        (association,) = behavior["FunctionAssociations"]
        assert association["EventType"] == "viewer-request"
        if behavior["TargetOriginId"] == origin["Id"]:
            assert association["FunctionARN"] == function_arn


def _logical_id(assembly: Assembly, resource: dict[str, Any]) -> str:
    return str(next(k for k, v in assembly.template("storefront")["Resources"].items() if v is resource))


def test_pages_are_cached_per_viewer_host_and_carry_security_headers(assembly: Assembly) -> None:
    (policy,) = [
        p
        for p in assembly.resources("storefront", "AWS::CloudFront::CachePolicy").values()
        if p["Properties"]["CachePolicyConfig"]["Comment"].startswith("Shopper pages")
    ]
    key = policy["Properties"]["CachePolicyConfig"]["ParametersInCacheKeyAndForwardedToOrigin"]
    (headers_policy,) = assembly.resources("storefront", "AWS::CloudFront::ResponseHeadersPolicy").values()
    security = headers_policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]

    assert key["HeadersConfig"] == {"HeaderBehavior": "whitelist", "Headers": ["X-Forwarded-Host"]}
    assert key["CookiesConfig"] == {"CookieBehavior": "none"}
    assert security["StrictTransportSecurity"]["IncludeSubdomains"] is True
    assert {"ContentTypeOptions", "FrameOptions", "ReferrerPolicy", "ContentSecurityPolicy"} <= set(security)


def test_platform_domains_are_tenants_and_store_subdomains_one_wildcard_tenant_each(
    assembly: Assembly,
) -> None:
    config = distribution_config(assembly)
    tenants = list(assembly.resources("storefront", "AWS::CloudFront::DistributionTenant").values())
    wildcard = [t["Properties"] for t in tenants if t["Properties"]["Domains"][0].startswith("*.")]
    platform = [t["Properties"] for t in tenants if not t["Properties"]["Domains"][0].startswith("*.")]
    (group,) = assembly.resources("storefront", "AWS::CloudFront::ConnectionGroup")

    assert config["ConnectionMode"] == "tenant-only"
    assert {t["Domains"][0] for t in platform} == {"oms.lu", "loyalty.lu"}
    assert sorted(t["Domains"] for t in wildcard) == [["*.loyalty.lu"], ["*.oms.lu"]]
    for tenant in platform:
        assert tenant["ManagedCertificateRequest"]["ValidationTokenHost"] == "cloudfront"
    for tenant in wildcard:
        assert tenant["Customizations"]["Certificate"]["Arn"] == WILDCARD_CERTIFICATE
    for tenant in platform + wildcard:
        assert tenant["ConnectionGroupId"] == {"Fn::GetAtt": [group, "Id"]}


def test_no_store_is_a_resource_of_the_stack(assembly: Assembly) -> None:
    tenants = assembly.resources("storefront", "AWS::CloudFront::DistributionTenant").values()
    domains = {domain for tenant in tenants for domain in tenant["Properties"]["Domains"]}

    # Store custom domains (the demo's shop.wizamart.lu) and subdomains become tenants at run time.
    assert len(tenants) == 2 * 2
    assert not [d for d in domains if "wizamart" in d]


def test_the_domain_functions_get_the_distribution_ids_and_manage_only_its_tenants(
    assembly: Assembly,
) -> None:
    edge_functions = {fn.name for fn in wiring.FUNCTIONS if fn.edge_tenants}
    (parameter,) = assembly.resources("storefront", "AWS::SSM::Parameter").values()
    (policy,) = [
        p["Properties"]
        for p in assembly.resources("storefront", "AWS::IAM::Policy").values()
        if "cloudfront:CreateDistributionTenant" in json.dumps(p)
    ]
    (statement,) = policy["PolicyDocument"]["Statement"]
    resources = json.dumps(statement["Resource"])
    functions = assembly.resources("api", "AWS::Lambda::Function").values()
    with_parameter = {
        f["Properties"]["FunctionName"].removeprefix(f"{assembly.prefix}-")
        for f in functions
        if "ORION_EDGE_PARAMETER" in f["Properties"].get("Environment", {}).get("Variables", {})
    }

    assert edge_functions == {"scheduled_tasks", "staff_store", "console"}
    assert with_parameter == edge_functions
    assert parameter["Properties"]["Name"] == "/orion/prod/storefront-edge"
    assert len(policy["Roles"]) == len(edge_functions)
    assert "distribution/" in resources and "distribution-tenant/*" in resources
    assert "connection-group/" in resources
    assert not [a for a in statement["Action"] if a.endswith("*") or not a.startswith("cloudfront:")]
    assert "cloudfront:DeleteDistribution" not in statement["Action"]


def test_waf_guards_the_distribution_when_the_environment_asks_for_it(assembly: Assembly) -> None:
    (acl,) = assembly.resources("edge-waf", "AWS::WAFv2::WebACL").values()

    assert acl["Properties"]["Scope"] == "CLOUDFRONT"
    assert "WebACLId" in distribution_config(assembly)


def alarm_metrics(assembly: Assembly) -> set[str]:
    return {
        alarm["Properties"].get("MetricName", "")
        for alarm in assembly.all_resources("AWS::CloudWatch::Alarm").values()
    }


def test_alarms_watch_api_5xx_and_every_function_s_errors_and_throttles(assembly: Assembly) -> None:
    alarms = assembly.resources("observability", "AWS::CloudWatch::Alarm").values()
    names = {json.dumps(alarm["Properties"]["AlarmName"]) for alarm in alarms}

    assert "5xx" in alarm_metrics(assembly)
    for fn in wiring.FUNCTIONS:
        assert any(f"Errors-{fn.name}" in name for name in names)
        assert any(f"Throttles-{fn.name}" in name for name in names)
    for alarm in alarms:
        assert alarm["Properties"]["AlarmActions"], "an alarm nobody hears"
    assert assembly.resources("observability", "AWS::CloudWatch::Dashboard")


def placeholder_of(reference: Any, placeholders: dict[str, str]) -> str:
    """The placeholder of the function whose alias a template reference points at (longest name wins,
    so ``import`` never shadows ``import-prepare``)."""
    text = json.dumps(reference)
    matches = [fn for fn in placeholders if f"Alias{fn.replace('-', '')}" in text]
    assert matches, f"{reference} names no task function's alias"
    return placeholders[max(matches, key=len)]


def test_the_state_machine_runs_the_same_asl_as_the_local_cloud(dev_assembly: Assembly) -> None:
    machines = dev_assembly.resources("imports", "AWS::StepFunctions::StateMachine")
    expected_machines = dev_assembly.machines
    assert len(machines) == len(expected_machines)
    for machine in expected_machines:
        (resource,) = [
            m for m in machines.values() if m["Properties"]["StateMachineName"].endswith(f"-{machine.name}")
        ]
        placeholders = {fn: f"<{fn}>" for fn in machine.tasks.values()}
        pieces = resource["Properties"]["DefinitionString"]
        parts = pieces["Fn::Join"][1] if isinstance(pieces, dict) else [pieces]
        rendered = "".join(
            part if isinstance(part, str) else placeholder_of(part, placeholders) for part in parts
        )

        assert json.loads(rendered) == state_machine_definition(machine, placeholders)
        assert resource["Properties"]["TracingConfiguration"] == {"Enabled": True}
        assert resource["Properties"]["LoggingConfiguration"]["Level"] == "ALL"


def test_upload_events_start_the_machine_with_a_dead_letter_queue(dev_assembly: Assembly) -> None:
    rules = dev_assembly.resources("imports", "AWS::Events::Rule").values()
    expected_rules = dev_assembly.rules
    assert len(rules) == len(expected_rules)
    for rule in rules:
        pattern = rule["Properties"]["EventPattern"]
        (target,) = rule["Properties"]["Targets"]
        assert pattern["detail-type"] == ["Object Created"]
        assert "Arn" in target["DeadLetterConfig"]
    assert {"ExecutionsFailed", "ExecutionsTimedOut"} <= alarm_metrics(dev_assembly)
    assert "ApproximateNumberOfMessagesVisible" in alarm_metrics(dev_assembly)


def test_dev_serves_a_standard_distribution_without_waf(dev_assembly: Assembly) -> None:
    config = distribution_config(dev_assembly)

    assert "ConnectionMode" not in config
    assert "WebACLId" not in config
    assert not dev_assembly.resources("storefront", "AWS::CloudFront::DistributionTenant")
    assert f"{dev_assembly.prefix}-edge-waf" not in dev_assembly.templates


def test_a_function_that_starts_a_machine_gets_its_arn_in_its_environment() -> None:
    starter = wiring.Function(
        name="starter",
        handler="functions.x.handler.handler",
        description="x",
        state_machines=("fake-import",),
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(wiring, "STATE_MACHINES", (FAKE_MACHINE,))
        env = wiring.environment_of(starter, {"state_machine:fake-import": "arn:fake"})

    assert env[FAKE_MACHINE.env] == "arn:fake"


def test_the_fake_machine_never_leaks_into_the_wiring_or_prod(
    assembly: Assembly, dev_assembly: Assembly
) -> None:
    assert FAKE_MACHINE not in wiring.STATE_MACHINES
    assert assembly.machines == wiring.STATE_MACHINES
    assert len(assembly.resources("imports", "AWS::StepFunctions::StateMachine")) == len(
        wiring.STATE_MACHINES
    )


def test_the_origin_secret_rotates_monthly_by_a_function_that_may_touch_it_and_the_distribution(
    assembly: Assembly,
) -> None:
    (schedule,) = assembly.resources("storefront", "AWS::SecretsManager::RotationSchedule").values()
    (function,) = [
        resource
        for resource in assembly.resources("storefront", "AWS::Lambda::Function").values()
        if resource["Properties"]["Handler"] == "functions.origin_rotation.handler.handler"
    ]
    role = function["Properties"]["Role"]["Fn::GetAtt"][0]
    statements = [
        statement
        for policy in assembly.resources("storefront", "AWS::IAM::Policy").values()
        if {"Ref": role} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    by_service: dict[str, set[str]] = {}
    for statement in statements:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = json.dumps(statement["Resource"])
        for action in actions:
            by_service.setdefault(action.split(":")[0], set()).add(resources)
    (permission,) = assembly.resources("storefront", "AWS::Lambda::Permission").values()

    assert schedule["Properties"]["RotationRules"]["ScheduleExpression"] == "rate(30 days)"
    assert schedule["Properties"]["RotateImmediatelyOnUpdate"] is False
    assert "Secretoriginverify" in json.dumps(schedule["Properties"]["SecretId"])
    assert "ORION_DISTRIBUTION_ID" in function["Properties"]["Environment"]["Variables"]
    assert set(by_service) == {"logs", "secretsmanager", "cloudfront", "xray"}
    (secret,) = by_service["secretsmanager"]
    assert "Secretoriginverify" in secret and "jwt" not in secret
    (distribution,) = by_service["cloudfront"]
    assert ":distribution/" in distribution and "Distribution" in distribution
    assert by_service["xray"] == {'"*"'}
    assert permission["Properties"]["Principal"] == "secretsmanager.amazonaws.com"
    assert "Secretoriginverify" in json.dumps(permission["Properties"]["SourceArn"])


def alarm_of(assembly: Assembly, name: str) -> dict[str, Any]:
    for alarm in assembly.resources("observability", "AWS::CloudWatch::Alarm").values():
        if json.dumps(alarm["Properties"]["AlarmName"]).endswith(f'-{name}"'):
            properties: dict[str, Any] = alarm["Properties"]
            return properties
    raise AssertionError(f"no alarm {name}")


def mappings_of(assembly: Assembly, name: str) -> list[dict[str, Any]]:
    """The event source mappings invoking function ``name`` (through its live alias)."""
    return [
        mapping["Properties"]
        for mapping in assembly.resources("api", "AWS::Lambda::EventSourceMapping").values()
        if f"Alias{name.replace('_', '').replace('-', '')}"
        in json.dumps(mapping["Properties"]["FunctionName"])
    ]


def test_stream_failures_go_to_a_queue_and_stream_lag_is_alarmed(assembly: Assembly) -> None:
    (properties,) = mappings_of(assembly, "outbox_sender")
    mapping = {"Properties": properties}
    destination = mapping["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]
    queue_id = destination["Fn::GetAtt"][0]
    lag = alarm_of(assembly, "IteratorAge-outbox_sender")
    depth = alarm_of(assembly, "DeadLetters-stream-outbox_sender")

    assert assembly.template("api")["Resources"][queue_id]["Type"] == "AWS::SQS::Queue"
    assert mapping["Properties"]["MaximumRetryAttempts"] == 5
    assert (lag["MetricName"], lag["Statistic"], lag["Threshold"]) == ("IteratorAge", "Maximum", 300_000)
    assert depth["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert depth["Threshold"] == 1 and depth["AlarmActions"]


def test_every_schedule_has_a_dead_letter_queue_the_scheduler_may_send_to_and_an_alarm(
    assembly: Assembly,
) -> None:
    schedules = assembly.resources("api", "AWS::Scheduler::Schedule").values()
    queues = {json.dumps(s["Properties"]["Target"]["DeadLetterConfig"]["Arn"]) for s in schedules}
    role_id = next(iter(schedules))["Properties"]["Target"]["RoleArn"]["Fn::GetAtt"][0]
    sends = [
        statement
        for policy in assembly.resources("api", "AWS::IAM::Policy").values()
        if {"Ref": role_id} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if statement["Action"] == "sqs:SendMessage"
    ]
    depth = alarm_of(assembly, "DeadLetters-schedules")

    assert len(queues) == 1
    (send,) = sends
    assert json.dumps(send["Resource"]) in queues
    assert depth["MetricName"] == "ApproximateNumberOfMessagesVisible"


def test_the_dashboard_shows_orders_imports_and_email_per_store(assembly: Assembly) -> None:
    (dashboard,) = assembly.resources("observability", "AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])

    for metric in ("OrdersPlaced", "ImportsFailed", "ImportsCompleted", "EmailsSent", "EmailsGivenUp"):
        assert "SEARCH('{Orion,platform,store} MetricName=" in body
        assert f"{metric}" in body, metric
    assert "IteratorAge" in body and "ApproximateNumberOfMessagesVisible" in body


def test_the_stream_invokes_each_function_only_for_its_item_kinds(assembly: Assembly) -> None:
    (outbox,) = mappings_of(assembly, "outbox_sender")
    (changes,) = mappings_of(assembly, "channel_changes")
    outbox_filters = [json.loads(f["Pattern"]) for f in outbox["FilterCriteria"]["Filters"]]
    change_filters = [json.loads(f["Pattern"]) for f in changes["FilterCriteria"]["Filters"]]
    kinds = {"S": ["Product", "Variant", "Page"]}

    assert outbox_filters == [
        {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": ["OutboxEmail"]}}}}
    ]
    assert change_filters == [
        {"eventName": ["INSERT", "MODIFY"], "dynamodb": {"NewImage": {"kind": kinds}}},
        {"eventName": ["REMOVE"], "dynamodb": {"OldImage": {"kind": kinds}}},
    ]
    assert changes["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert changes["BatchSize"] == wiring.function("channel_changes").stream_batch_size
    (table,) = assembly.resources("data", "AWS::DynamoDB::GlobalTable").values()
    assert table["Properties"]["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}


def test_the_channel_queue_has_a_dead_letter_queue_an_alarm_and_a_worker_with_partial_failures(
    assembly: Assembly,
) -> None:
    spec = wiring.queue("channel-changes")
    queues = assembly.resources("api", "AWS::SQS::Queue")
    (queue_id,) = [i for i in queues if i.startswith("Queuechannelchanges")]
    properties = queues[queue_id]["Properties"]
    dead_letters = properties["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
    (worker,) = mappings_of(assembly, "channel_worker")
    depth = alarm_of(assembly, "DeadLetters-queue-channel-changes")
    policies = assembly.resources("api", "AWS::SQS::QueuePolicy").values()

    assert properties["RedrivePolicy"]["maxReceiveCount"] == spec.max_receives
    assert properties["VisibilityTimeout"] == spec.visibility_timeout_seconds
    assert properties["SqsManagedSseEnabled"] is True
    assert queues[dead_letters]["Properties"]["SqsManagedSseEnabled"] is True
    (policy,) = [p for p in policies if {"Ref": queue_id} in p["Properties"]["Queues"]]
    assert any(  # TLS only
        st["Effect"] == "Deny" and st["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for st in policy["Properties"]["PolicyDocument"]["Statement"]
    )
    assert worker["EventSourceArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert (worker["BatchSize"], worker["FunctionResponseTypes"]) == (
        spec.batch_size,
        ["ReportBatchItemFailures"],
    )
    assert depth["MetricName"] == "ApproximateNumberOfMessagesVisible" and depth["AlarmActions"]
    assert json.dumps(depth["Dimensions"]).count(dead_letters) == 1


def test_the_source_runs_queue_has_a_dead_letter_alarm_and_its_runner_outlasts_a_fetch(
    assembly: Assembly,
) -> None:
    spec = wiring.queue("import-source-runs")
    queues = assembly.resources("api", "AWS::SQS::Queue")
    (queue_id,) = [i for i in queues if i.startswith("Queueimportsourceruns")]
    properties = queues[queue_id]["Properties"]
    (runner,) = mappings_of(assembly, "import_source_runner")
    depth = alarm_of(assembly, "DeadLetters-queue-import-source-runs")

    assert properties["RedrivePolicy"]["maxReceiveCount"] == spec.max_receives
    assert properties["VisibilityTimeout"] >= 6 * wiring.function("import_source_runner").timeout_seconds
    assert runner["EventSourceArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert runner["BatchSize"] == 1 and depth["AlarmActions"]
    settings = get_settings()
    per_language = settings.import_source_fetch_attempts * (
        settings.import_source_fetch_deadline_seconds + settings.import_source_retry_after_cap_seconds
    )
    assert wiring.function("import_source_runner").timeout_seconds > 3 * per_language


# Every function whose code sends to a queue, by queue: the channel queue's senders (change events, the
# worker's chunks, the staff API's publishes, the recovery tasks); a saved source's runs and finishes
# (the staff API and the console's "Run now", a re-run from the admin API or the platform console, the
# scheduled tick and watchdog, the import steps that end its jobs, the background publish's steps).
QUEUE_SENDERS = {
    "channel-changes": ("channel_changes", "channel_worker", "staff_channels", "scheduled_tasks"),
    "import-source-runs": (
        "staff_imports",
        "console",
        "admin_api",
        "scheduled_tasks",
        "import-prepare",
        "import-finalize",
        "import-mark-failed",
        "import-publish",
        "import-publish-failed",
    ),
}


@pytest.mark.parametrize(
    ("queue_name", "name"), [(queue, name) for queue, names in QUEUE_SENDERS.items() for name in names]
)
def test_queue_senders_may_send_and_get_the_queues_url(
    assembly: Assembly, queue_name: str, name: str
) -> None:
    from tests.infra.test_data_and_api import function_resource, role_of, statements_of_role

    prefix = "Queue" + queue_name.replace("-", "")
    queue_id = next(i for i in assembly.resources("api", "AWS::SQS::Queue") if i.startswith(prefix))
    resources = [
        resource
        for statement in statements_of_role(assembly, role_of(assembly, name))
        if statement["Action"] == "sqs:SendMessage"
        for resource in (
            statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        )
    ]
    env = function_resource(assembly, name)["Properties"]["Environment"]["Variables"]
    assert {"Fn::GetAtt": [queue_id, "Arn"]} in resources
    assert env[wiring.queue(queue_name).env] == {"Ref": queue_id}
