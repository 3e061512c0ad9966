"""Observability stack: the alarm topic, alarms on API 5xx, Lambda errors and throttles, failed
imports, e-mails given up, stream lag and dead letters, and one dashboard (with per-tenant orders,
imports and e-mail). X-Ray tracing is switched on where the resources are made (Lambdas, state
machines)."""

from __future__ import annotations

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from infra import wiring
from infra.config import Deployment
from infra.stacks.api import ApiStack, state_machine_arn
from infra.stacks.nag import acknowledge
from orion.observability import NAMESPACE, TENANT_DIMENSIONS

PERIOD = Duration.minutes(5)
# The e-mails orion.outbox gave up (EmailsGivenUp, namespace Orion), summed over every dimension.
EMAILS_GIVEN_UP_QUERY = 'SELECT SUM(EmailsGivenUp) FROM "Orion"'
# A stream consumer this far behind (oldest record's age, ms) delays e-mails noticeably.
ITERATOR_AGE_ALARM_MS = 300_000
# Per-tenant widgets: the tenants with the most of each, so a dashboard with thousands of stores stays
# readable (and cheap: GetMetricData per metric drawn).
TOP_TENANTS = 10


def tenant_search(metric_name: str) -> cloudwatch.MathExpression:
    """Every tenant's series of ``metric_name`` (orion.observability.tenant_metric), summed per
    period, the TOP_TENANTS largest."""
    schema = ",".join((NAMESPACE, *TENANT_DIMENSIONS))
    search = f"SEARCH('{{{schema}}} MetricName=\"{metric_name}\"', 'Sum', {int(PERIOD.to_seconds())})"
    return cloudwatch.MathExpression(
        expression=f"SORT({search}, SUM, DESC, {TOP_TENANTS})",
        label="",
        period=PERIOD,
        using_metrics={},
    )


class ObservabilityStack(Stack):
    """What an operator watches; every alarm notifies the alarm topic (e-mail from ``alarmEmail``)."""

    def __init__(
        self, scope: Construct, construct_id: str, *, deployment: Deployment, api: ApiStack, **kwargs: object
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.deployment = deployment
        self.topic = sns.Topic(self, "Alarms", display_name=f"{deployment.prefix} alarms", enforce_ssl=True)
        acknowledge(
            self.topic,
            "AwsSolutions-SNS2",
            "Alarm notifications carry only alarm names and states, no customer data; the AWS-managed "
            "key would block CloudWatch from publishing without an extra key policy.",
        )
        # Required where data is kept (infra/config.py refuses such an environment without one).
        if deployment.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(deployment.alarm_email))
        CfnOutput(
            self,
            "AlarmTopicArn",
            value=self.topic.topic_arn,
            description="Every alarm notifies this topic (alarmEmail is subscribed; add others here)",
        )
        self.alarms: list[cloudwatch.Alarm] = []

        api_5xx = cloudwatch.Metric(
            namespace="AWS/ApiGateway",
            metric_name="5xx",
            dimensions_map={"ApiId": api.http_api.api_id, "Stage": "$default"},
            statistic="Sum",
            period=PERIOD,
        )
        self._alarm("Api5xx", api_5xx, threshold=5, description="The HTTP API answered 5xx")

        errors: list[cloudwatch.IMetric] = []
        throttles: list[cloudwatch.IMetric] = []
        durations: list[cloudwatch.IMetric] = []
        for name, function in api.functions.items():
            error = function.metric_errors(period=PERIOD, statistic="Sum")
            throttle = function.metric_throttles(period=PERIOD, statistic="Sum")
            errors.append(error)
            throttles.append(throttle)
            durations.append(function.metric_duration(period=PERIOD, statistic="p95"))
            self._alarm(f"Errors-{name}", error, threshold=1, description=f"{name} Lambda raised errors")
            self._alarm(
                f"Throttles-{name}", throttle, threshold=1, description=f"{name} Lambda was throttled"
            )

        imports: list[cloudwatch.IMetric] = []
        for machine in wiring.STATE_MACHINES:
            arn = state_machine_arn(self, deployment, machine.name)
            for metric_name in ("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"):
                metric = cloudwatch.Metric(
                    namespace="AWS/States",
                    metric_name=metric_name,
                    dimensions_map={"StateMachineArn": arn},
                    statistic="Sum",
                    period=PERIOD,
                )
                imports.append(metric)
                self._alarm(
                    f"{metric_name}-{machine.name}",
                    metric,
                    threshold=1,
                    description=f"state machine {machine.name}: {metric_name}",
                )

        # The outbox counts each e-mail given up after its last attempt (EmailsGivenUp, per platform and
        # per function that gave up); one Metrics Insights query sums them whatever their dimensions, so
        # a platform created after the deploy is watched too.
        given_up = cloudwatch.MathExpression(
            expression=EMAILS_GIVEN_UP_QUERY,
            using_metrics={},
            label="e-mails given up",
            period=PERIOD,
        )
        self._alarm(
            "EmailsGivenUp",
            given_up,
            threshold=1,
            description="The outbox gave up e-mails after their last attempt (see the admin API's "
            "GET /api/v1/admin/outbox?status=failed)",
        )
        lag: list[cloudwatch.IMetric] = []
        for fn in wiring.FUNCTIONS:
            if not fn.table_stream:
                continue
            name = fn.name
            iterator_age = api.functions[name].metric(
                "IteratorAge", period=Duration.minutes(1), statistic="Maximum"
            )
            lag.append(iterator_age)
            self._alarm(
                f"IteratorAge-{name}",
                iterator_age,
                threshold=ITERATOR_AGE_ALARM_MS,
                description=f"{name} is over {ITERATOR_AGE_ALARM_MS // 60_000} min behind its table stream",
            )
        dead_letters: list[cloudwatch.IMetric] = []
        for what, queue in api.dead_letters.items():
            depth = queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum")
            dead_letters.append(depth)
            self._alarm(
                f"DeadLetters-{what}",
                depth,
                threshold=1,
                description=f"dead letters waiting ({what}): see docs/operations.md, Alarms and dashboards",
            )

        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=f"{deployment.prefix}")
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(title="API 5xx", left=[api_5xx], width=8),
            cloudwatch.GraphWidget(title="Lambda errors", left=errors, width=8),
            cloudwatch.GraphWidget(title="Lambda throttles", left=throttles, width=8),
        )
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(title="Lambda duration p95", left=durations, width=12),
            cloudwatch.GraphWidget(title="Import failures", left=imports or [api_5xx], width=12),
        )
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(title="E-mails given up", left=[given_up], width=24),
        )
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(title="Stream lag (IteratorAge max, ms)", left=lag or [api_5xx], width=12),
            cloudwatch.GraphWidget(title="Dead letters waiting", left=dead_letters or [api_5xx], width=12),
        )
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Orders per store (top 10)", left=[tenant_search("OrdersPlaced")], width=8
            ),
            cloudwatch.GraphWidget(
                title="Imports per store (top 10)",
                left=[tenant_search("ImportsCompleted"), tenant_search("ImportsCompletedWithErrors")],
                right=[tenant_search("ImportsFailed")],
                width=8,
            ),
            cloudwatch.GraphWidget(
                title="E-mail per store (top 10)",
                left=[tenant_search("EmailsSent")],
                right=[tenant_search("EmailsFailed"), tenant_search("EmailsGivenUp")],
                width=8,
            ),
        )
        self.dashboard.add_widgets(
            cloudwatch.AlarmStatusWidget(title="Alarms", alarms=list(self.alarms), width=24),
        )

    def _alarm(self, name: str, metric: cloudwatch.IMetric, *, threshold: float, description: str) -> None:
        alarm = cloudwatch.Alarm(
            self,
            f"Alarm-{name}",
            alarm_name=f"{self.deployment.prefix}-{name}",
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        self.alarms.append(alarm)
