"""The one wiring table: every function, route, table, bucket, secret, queue, state machine, event rule
and schedule.

Plain data, no CDK import. The CDK stacks (infra/stacks) build AWS resources from it and the local
cloud (infra/local) builds moto resources and an HTTP gateway from it, so adding a function or a
route is one edit here and both worlds follow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Access(StrEnum):
    """How a function may touch a resource; the CDK turns each into the matching IAM actions."""

    READ = "read"
    WRITE = "write"  # read and write
    PUT = "put"  # write objects only (e.g. reports)
    READ_PUT = "read-put"  # read and write, never delete (objects with their tags: files a function keeps)
    PROBE = "probe"  # metadata only (DescribeTable, HeadBucket): the readiness check reads no data


@dataclass(frozen=True)
class Route:
    """An API Gateway HTTP API route key: ``METHOD /path`` with ``{param}`` and ``{proxy+}``."""

    method: str
    path: str

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Table:
    name: str
    env: str
    local_name: str
    partition_key: str = "PK"
    sort_key: str = "SK"
    gsis: tuple[tuple[str, str, str], ...] = (("GSI1", "GSI1PK", "GSI1SK"), ("GSI2", "GSI2PK", "GSI2SK"))
    ttl_attribute: str = "ttl"


# The object tag the ``expire_tagged`` lifecycle rules filter on (orion.imports.storage.EXPIRY_TAG).
EXPIRY_TAG = "orion-expiry"


@dataclass(frozen=True)
class Bucket:
    name: str
    env: str
    local_name: str
    purpose: str
    event_bridge: bool = False
    # Days after which objects under a prefix expire (lifecycle rules), e.g. {"uploads/": 30}.
    expire_days: Mapping[str, int] = field(default_factory=dict)
    # Days after which objects tagged ``EXPIRY_TAG=<value>`` expire (lifecycle rules filtered on the tag),
    # by tag value, e.g. {"90d": 90}: for objects no prefix singles out (keys under their tenant).
    expire_tagged: Mapping[str, int] = field(default_factory=dict)
    # Object versions kept (a deleted or overwritten theme override can be brought back).
    versioned: bool = False
    # Served to shoppers under this path on every store host (CloudFront's behaviour on AWS, the local
    # gateway in the local cloud): only keys of the shape ``served_keys`` (a regular expression) are
    # given out, without the path prefix; every other key stays private.
    served_at: str | None = None
    served_keys: str | None = None
    # The endings of every served key: the bucket policy lets CloudFront read only such objects, so even
    # a request past the edge's shape check could not fetch anything else.
    served_suffixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Secret:
    name: str
    env: str
    secret_name: str
    description: str


@dataclass(frozen=True)
class Queue:
    """An SQS queue and its dead-letter queue: a message received ``max_receives`` times without being
    deleted moves to the dead-letter queue (alarmed on AWS). A message taken by a consumer is hidden
    for ``visibility_timeout_seconds`` (at least six times the consumer's timeout, as AWS advises for
    Lambda) unless the consumer hides it for another time (its backoff). Server-side encrypted, TLS
    only. ``batch_size`` messages at most per invocation of the function it triggers."""

    name: str
    env: str  # the variable holding the queue's URL
    local_name: str
    purpose: str
    max_receives: int = 5
    visibility_timeout_seconds: int = 720
    batch_size: int = 10


@dataclass(frozen=True)
class Function:
    """One Lambda concern: a thin adapter over orion."""

    name: str
    handler: str
    description: str
    routes: tuple[Route, ...] = ()
    memory_mb: int = 512
    timeout_seconds: int = 10
    tables: Mapping[str, Access] = field(default_factory=dict)
    buckets: Mapping[str, Access] = field(default_factory=dict)
    # Key prefixes under which the function may also list and delete a bucket's objects, by bucket (one
    # it lists in ``buckets``), whatever its access to the rest: e.g. {"uploads": "sources/"}.
    bucket_deletes: Mapping[str, str] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()
    # The per-store secrets (``<STORE_SECRETS prefix>/<platform>/<store>/<name>``, e.g. a store's Stripe
    # keys, orion.payments): READ to use them, WRITE to create, change and delete them too. The function
    # gets the prefix in ORION_STORE_SECRETS_PREFIX.
    store_secrets: Access | None = None
    # State machines (wiring.STATE_MACHINES names) the function may start; it gets their ARN in env.
    state_machines: tuple[str, ...] = ()
    # Shopper functions also answer under path-mode prefixes ("/stores/{store}/cart").
    shopper: bool = False
    # Its handler answers HEAD on its GET routes (as GET without the body), so each gets a HEAD twin.
    answers_head: bool = False
    # May send e-mail through SES (ses:SendEmail from the platforms' sender identities, with the mail
    # configuration set); it gets the senders and the configuration set in its environment.
    email: bool = False
    # Runs the store-domain use cases, which make verified domains CloudFront distribution tenants: it
    # gets the multi-tenant distribution's ids (ORION_EDGE_PARAMETER) and may manage its tenants.
    edge_tenants: bool = False
    # Invoked with the SES bounce and complaint notifications of the mail configuration set (SNS).
    mail_feedback: bool = False
    # Invoked by each deploy (a CloudFormation custom resource) with the environment's declared platforms.
    applies_declarations: bool = False
    # Invoked by operators with their own AWS credentials (make admin, infra/admin.py): the local cloud
    # registers it as a Lambda function too, so the same invoke works against `make run`.
    operator_invoked: bool = False
    # A table (wiring.TABLES name) whose stream invokes the function: its writes of items whose ``kind``
    # (the item's discriminator) is one of ``stream_kinds``, for the events ``stream_events`` (INSERT,
    # MODIFY, REMOVE); the stream carries each item's images before and after the write.
    table_stream: str | None = None
    stream_kinds: tuple[str, ...] = ()
    stream_events: tuple[str, ...] = ("INSERT",)
    stream_batch_size: int = 25  # records per invocation at most
    # A queue (wiring.QUEUES name) whose messages invoke the function in batches (partial batch
    # responses: only the messages it reports failed come back).
    queue_trigger: str | None = None
    # Queues the function may send messages to. It gets the URL of each (and of its trigger) in env.
    queues: tuple[str, ...] = ()
    environment: Mapping[str, str] = field(default_factory=dict)

    @property
    def module(self) -> str:
        return self.handler.rsplit(".", 1)[0]

    @property
    def attribute(self) -> str:
        return self.handler.rsplit(".", 1)[1]


@dataclass(frozen=True)
class StateMachine:
    """A state machine whose ASL comes from ``definition`` (a dotted path to a builder function that
    takes ``{task name: function ARN}`` and returns the ASL document)."""

    name: str
    definition: str
    tasks: Mapping[str, str]  # task name in the ASL -> function name in FUNCTIONS
    env: str


@dataclass(frozen=True)
class Schedule:
    """A recurring invocation of ``target`` with ``input`` (EventBridge Scheduler on AWS, a thread in
    the local cloud). ``expression`` is a Scheduler expression; the local cloud runs ``rate(...)``."""

    name: str
    expression: str
    target: str  # a function in FUNCTIONS
    input: Mapping[str, str]
    description: str = ""


class TargetKind(StrEnum):
    STATE_MACHINE = "state_machine"  # an execution starts with the event as its input
    FUNCTION = "function"  # the function's live alias is invoked asynchronously with the event


@dataclass(frozen=True)
class EventRule:
    """An EventBridge rule: S3 "Object Created" events in ``bucket`` for keys starting with ``prefix``
    (or matching ``wildcard``, EventBridge's pattern where ``*`` is any characters, for keys that start
    with their tenant) start the state machine or invoke the function ``target``."""

    name: str
    bucket: str
    prefix: str
    target: str
    wildcard: str = ""
    target_kind: TargetKind = TargetKind.STATE_MACHINE

    def __post_init__(self) -> None:
        if bool(self.prefix) == bool(self.wildcard):
            raise ValueError(f"rule {self.name}: give a key prefix or a wildcard (not both, not neither)")

    @property
    def key_filter(self) -> dict[str, str]:
        """The EventBridge content filter on the object's key."""
        return {"wildcard": self.wildcard} if self.wildcard else {"prefix": self.prefix}


# Shopper path mode: on a platform host ("oms.lu/stores/wizamart/cart") everywhere, and on a bare
# localhost ("localhost:8000/oms/stores/wizamart/cart") in the local cloud only.
SHOPPER_PREFIXES = ("/stores/{store}",)
LOCAL_SHOPPER_PREFIXES = ("/stores/{store}", "/{platform}/stores/{store}")

TABLES: tuple[Table, ...] = (Table(name="main", env="ORION_TABLE_NAME", local_name="orion"),)

BUCKETS: tuple[Bucket, ...] = (
    Bucket(
        name="templates",
        env="ORION_TEMPLATES_BUCKET",
        local_name="orion-templates",
        # The default theme is packaged with the functions (templates/ in the code asset), never here.
        purpose="storefront theme overrides: platforms/<p>/, stores/<p>/<s>/",
        versioned=True,
    ),
    Bucket(
        name="uploads",
        env="ORION_UPLOADS_BUCKET",
        local_name="orion-uploads",
        purpose="catalogue CSV uploads and import work files",
        event_bridge=True,
        expire_days={"uploads/": 30, "work/": 7},
        expire_tagged={"90d": 90},  # a saved source's run files (sources/<p>/<s>/<source>/runs/...)
    ),
    Bucket(
        name="media",
        env="ORION_MEDIA_BUCKET",
        local_name="orion-media",
        purpose="uploaded images: <p>/<s>/originals/<id> (private), <p>/<s>/<id>/<width>.webp|jpg (served)",
        event_bridge=True,
        served_at="/media/",
        # orion.media.storage.SERVED_KEY; infra/edge/media_request.js holds the same rule.
        served_keys=(
            r"^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]/[a-z0-9][a-z0-9-]{0,38}[a-z0-9]/"
            r"[0-9A-HJKMNP-TV-Z]{26}/[1-9][0-9]{0,4}\.(?:webp|jpg)$"
        ),
        served_suffixes=(".webp", ".jpg"),
    ),
    Bucket(
        name="reports",
        env="ORION_REPORTS_BUCKET",
        local_name="orion-reports",
        purpose="import error reports",
        expire_days={"": 90},
    ),
)

SECRETS: tuple[Secret, ...] = (
    Secret(
        name="origin-verify",
        env="ORION_ORIGIN_VERIFY_SECRET_NAME",
        secret_name="orion/origin-verify",
        description="Value CloudFront sends in X-Origin-Verify so the API trusts X-Forwarded-Host",
    ),
    Secret(
        name="jwt-signing-keys",
        env="ORION_JWT_SECRET_NAME",
        secret_name="orion/jwt-signing-keys",
        description="Signing keys for staff access tokens (JSON: current kid and keys)",
    ),
    Secret(
        name="shopper-signing-key",
        env="ORION_SHOPPER_SIGNING_SECRET_NAME",
        secret_name="orion/shopper-signing-key",
        description="HMAC key for the CSRF tokens of shopper forms (cart, checkout)",
    ),
)

QUEUES: tuple[Queue, ...] = (
    Queue(
        name="channel-changes",
        env="ORION_CHANNEL_QUEUE_URL",
        local_name="orion-channel-changes",
        purpose="items to bring to the stores' channel integrations, and chunks of large publishes",
        max_receives=5,  # with the worker's backoff (30 s doubling, at most 5 min): 12-17 minutes
        visibility_timeout_seconds=720,  # six times the channel worker's timeout
        batch_size=10,
    ),
    Queue(
        name="import-source-runs",
        env="ORION_IMPORT_SOURCE_QUEUE_URL",
        local_name="orion-import-source-runs",
        purpose="runs of the stores' saved import sources (fetch and start), and their finish",
        max_receives=3,  # a run is idempotent per run id: a message that keeps failing is dead-lettered
        visibility_timeout_seconds=3600,  # six times the source runner's timeout
        batch_size=1,  # one source per invocation: its fetches and retries have the whole timeout
    ),
)

# Secrets each store keeps for itself (a store's Stripe keys), all under one prefix per deployment:
# ``orion/<env>/stores/<platform>/<store>/<name>`` (``orion/local/stores/...`` locally).
STORE_SECRETS = "store-secrets"
STORE_SECRETS_ENV = "ORION_STORE_SECRETS_PREFIX"

FUNCTIONS: tuple[Function, ...] = (
    Function(
        name="storefront",
        handler="functions.storefront.handler.handler",
        description="Shopper HTML pages (read-only)",
        routes=(Route("GET", "/"), Route("GET", "/{proxy+}")),
        memory_mb=1024,
        tables={"main": Access.READ},
        buckets={"templates": Access.READ},
        secrets=("origin-verify",),
        shopper=True,
        answers_head=True,
    ),
    Function(
        name="checkout",
        handler="functions.checkout.handler.handler",
        description="Shopper cart, checkout and order status (conditional writes, one transaction per order)",
        routes=(
            Route("GET", "/cart"),
            Route("POST", "/cart/items"),
            Route("POST", "/cart/items/{sku}"),
            Route("GET", "/checkout"),
            Route("POST", "/checkout"),
            Route("GET", "/orders/{order_id}"),
            Route("POST", "/orders/{order_id}/pay"),
        ),
        memory_mb=1024,
        timeout_seconds=29,  # a card order waits for Stripe (ORION_STRIPE_TIMEOUT_SECONDS) at most
        tables={"main": Access.WRITE},
        buckets={"templates": Access.READ},
        secrets=("origin-verify", "shopper-signing-key"),
        store_secrets=Access.READ,  # the store's Stripe keys (orion.payments)
        shopper=True,
        answers_head=True,
    ),
    Function(
        name="payments_webhook",
        handler="functions.payments_webhook.handler.handler",
        description="Stripe webhooks on store hosts: signed events move card orders to paid (once per event)",
        routes=(Route("POST", "/payments/stripe/webhook"),),
        timeout_seconds=29,
        tables={"main": Access.WRITE},
        secrets=("origin-verify",),
        store_secrets=Access.READ,  # the store's webhook signing secret
        shopper=True,
    ),
    Function(
        name="channels_webhook",
        handler="functions.channels_webhook.handler.handler",
        description="Channel webhooks on store hosts: Shopify's signed products/update, once per delivery",
        routes=(Route("POST", "/channels/shopify/webhook"),),
        timeout_seconds=29,
        tables={"main": Access.WRITE},
        secrets=("origin-verify",),
        store_secrets=Access.READ,  # the integration's webhook secret
        shopper=True,
    ),
    Function(
        name="account",
        handler="functions.account.handler.handler",
        description="Shopper accounts: sign-up, sign-in, profile, addresses, order history, data export",
        routes=(Route("ANY", "/account"), Route("ANY", "/account/{proxy+}")),
        memory_mb=1024,  # argon2id hashing at sign-up, sign-in and password changes
        tables={"main": Access.WRITE},
        buckets={"templates": Access.READ},
        secrets=("origin-verify", "shopper-signing-key"),
        shopper=True,
    ),
    # --- platform admin and modules ---
    Function(
        name="health",
        handler="functions.health.handler.handler",
        description="Liveness and readiness (table and buckets reachable), for alarms and load checks",
        routes=(Route("GET", "/health"), Route("GET", "/health/ready")),
        answers_head=True,
        memory_mb=256,
        timeout_seconds=5,
        tables={"main": Access.PROBE},
        buckets={
            "templates": Access.PROBE,
            "uploads": Access.PROBE,
            "reports": Access.PROBE,
            "media": Access.PROBE,
        },
        secrets=("origin-verify",),  # the origin gate (functions/common/origin_gate.py)
    ),
    Function(
        name="admin_api",
        handler="functions.admin_api.handler.handler",
        description="Platform admin API: platform, modules, merchants, stores, tiers, users, audit, metrics",
        routes=(Route("ANY", "/api/v1/admin"), Route("ANY", "/api/v1/admin/{proxy+}")),
        tables={"main": Access.WRITE},
        # re-running a failed import copies its uploaded file to the new job's key
        buckets={"uploads": Access.WRITE},
        queues=("import-source-runs",),  # a re-run ends a stuck job: its saved source's run goes on
        secrets=("origin-verify", "jwt-signing-keys"),
    ),
    Function(
        name="admin_bulk_import",
        handler="functions.admin_api.bulk_import.handler",
        description="Platform admin bulk store import: stores, owners and catalogue imports from a CSV",
        routes=(Route("POST", "/api/v1/admin/stores/bulk-import"),),
        memory_mb=1024,
        timeout_seconds=29,
        tables={"main": Access.WRITE},
        buckets={"uploads": Access.WRITE},
        secrets=("origin-verify", "jwt-signing-keys"),
    ),
    Function(
        name="staff_console",
        handler="functions.staff_api.handlers.console.handler",
        description="Staff menu, store dashboard and sales analytics (module- and permission-aware)",
        routes=(
            Route("GET", "/api/v1/menu"),
            Route("GET", "/api/v1/dashboard"),
            Route("GET", "/api/v1/dashboard/low-stock"),
            Route("GET", "/api/v1/analytics"),
        ),
        tables={"main": Access.READ},
        secrets=("origin-verify", "jwt-signing-keys"),
    ),
    Function(
        name="scheduled_tasks",
        handler="functions.scheduler.handler.handler",
        description="Runs the scheduled tasks modules declare, per platform where the module is enabled",
        timeout_seconds=300,
        tables={"main": Access.WRITE},
        # payments.cancel_unpaid cancels PaymentIntents with the store's key; channels.pull reads the
        # integrations' credentials
        store_secrets=Access.READ,
        email=True,  # outbox.retry_undelivered sends again what the outbox sender could not
        edge_tenants=True,  # tenancy.verify_domains
        # channels.retry_failed hands records to the channel worker again; imports.run_due_sources
        # queues the runs of due saved sources
        queues=("channel-changes", "import-source-runs"),
    ),
    # --- staff API (FastAPI + Mangum): one function per concern, each importing only its routers ---
    Function(
        name="staff_auth",
        handler="functions.staff_api.handlers.auth.handler",
        description="Staff sign-in, token refresh, sign-out and profile",
        routes=(Route("ANY", "/api/v1/auth/{proxy+}"),),
        tables={"main": Access.WRITE},
        secrets=("origin-verify", "jwt-signing-keys"),
    ),
    Function(
        name="staff_team",
        handler="functions.staff_api.handlers.team.handler",
        description="Staff team: members, invitations, roles",
        routes=(Route("ANY", "/api/v1/team"), Route("ANY", "/api/v1/team/{proxy+}")),
        tables={"main": Access.WRITE},
        secrets=("origin-verify", "jwt-signing-keys"),
    ),
    Function(
        name="staff_audit",
        handler="functions.staff_api.handlers.audit.handler",
        description="Staff audit log (read)",
        routes=(Route("ANY", "/api/v1/audit"),),
        tables={"main": Access.READ},
        secrets=("origin-verify", "jwt-signing-keys"),
    ),
    Function(
        name="staff_catalog",
        handler="functions.staff_api.handlers.catalog.handler",
        description="Staff catalogue: products, variants, stock, categories",
        routes=(
            Route("ANY", "/api/v1/products"),
            Route("ANY", "/api/v1/products/{proxy+}"),
            Route("ANY", "/api/v1/categories"),
            Route("ANY", "/api/v1/categories/{proxy+}"),
        ),
        tables={"main": Access.WRITE},
        secrets=("origin-verify", "jwt-signing-keys"),
    ),
    Function(
        name="staff_orders",
        handler="functions.staff_api.handlers.orders.handler",
        description="Staff orders: list, detail, transitions (restock on cancel/refund), notes, refunds",
        routes=(Route("ANY", "/api/v1/orders"), Route("ANY", "/api/v1/orders/{proxy+}")),
        timeout_seconds=29,  # a card order's refund is a call to Stripe
        tables={"main": Access.WRITE},
        secrets=("origin-verify", "jwt-signing-keys"),
        store_secrets=Access.READ,  # the store's Stripe key, to refund card orders (orion.payments)
    ),
    Function(
        name="staff_customers",
        handler="functions.staff_api.handlers.customers.handler",
        description="Staff customers: shopper accounts, search, detail with orders, data export, erasure",
        routes=(Route("ANY", "/api/v1/customers"), Route("ANY", "/api/v1/customers/{proxy+}")),
        timeout_seconds=30,  # erasure anonymises every order of the account, one conditional write each
        tables={"main": Access.WRITE},
        secrets=("origin-verify", "jwt-signing-keys"),
    ),
    Function(
        name="staff_content",
        handler="functions.staff_api.handlers.content.handler",
        description="Staff content: CMS pages (tier limits) and theme templates",
        routes=(
            Route("ANY", "/api/v1/pages"),
            Route("ANY", "/api/v1/pages/{proxy+}"),
            Route("ANY", "/api/v1/theme/{proxy+}"),
        ),
        tables={"main": Access.WRITE},
        buckets={"templates": Access.WRITE},
        secrets=("origin-verify", "jwt-signing-keys"),
    ),
    Function(
        name="staff_store",
        handler="functions.staff_api.handlers.store.handler",
        description="Staff store settings and custom domains",
        routes=(
            Route("ANY", "/api/v1/settings"),
            Route("ANY", "/api/v1/settings/shipping"),
            Route("ANY", "/api/v1/domains"),
            Route("ANY", "/api/v1/domains/{proxy+}"),
        ),
        tables={"main": Access.WRITE},
        secrets=("origin-verify", "jwt-signing-keys"),
        edge_tenants=True,  # staff verify and remove domains too
    ),
    Function(
        name="staff_payments",
        handler="functions.staff_api.handlers.payments.handler",
        description="Staff payments: connect, show (masked) and disconnect the store's Stripe account",
        routes=(Route("ANY", "/api/v1/payments"), Route("ANY", "/api/v1/payments/{proxy+}")),
        timeout_seconds=29,  # the keys are checked with a call to Stripe
        tables={"main": Access.WRITE},
        secrets=("origin-verify", "jwt-signing-keys"),
        store_secrets=Access.WRITE,
    ),
    Function(
        name="staff_channels",
        handler="functions.staff_api.handlers.channels.handler",
        description="Staff channels: integrations (credentials masked), publishing, publishing records",
        routes=(Route("ANY", "/api/v1/channels"), Route("ANY", "/api/v1/channels/{proxy+}")),
        timeout_seconds=29,  # a publish of up to 200 products runs within the request
        memory_mb=1024,
        tables={"main": Access.WRITE},
        secrets=("origin-verify", "jwt-signing-keys"),
        store_secrets=Access.WRITE,  # each integration's credentials (write-only, shown masked)
        # a publish of more than 200 products, and a record's retry, go to the channel worker
        queues=("channel-changes",),
    ),
    Function(
        name="staff_imports",
        handler="functions.staff_api.handlers.imports.handler",
        description="Staff catalogue imports: upload form, jobs, staged products, publish",
        routes=(Route("ANY", "/api/v1/imports"), Route("ANY", "/api/v1/imports/{proxy+}")),
        timeout_seconds=29,
        memory_mb=1024,
        tables={"main": Access.WRITE},
        # media: a publish asks for its products' images to be fetched (an empty request object each)
        buckets={"uploads": Access.PUT, "reports": Access.READ, "media": Access.PUT},
        bucket_deletes={"uploads": "sources/"},  # DELETE /imports/sources/{id} deletes the source's files
        secrets=("origin-verify", "jwt-signing-keys"),
        queues=("import-source-runs",),  # POST /imports/sources/{id}/run queues the run
        # A large publish runs in the background: the request goes to the uploads bucket, and the
        # function starts the import-publish state machine.
        state_machines=("import-publish",),
    ),
    Function(
        name="staff_media",
        handler="functions.staff_api.handlers.media.handler",
        description="Staff media: upload images (presigned POST) and follow their processing",
        routes=(Route("ANY", "/api/v1/media"), Route("ANY", "/api/v1/media/{proxy+}")),
        tables={"main": Access.WRITE},
        # The presigned POST is signed with this function's role: the upload is a PutObject it may do.
        buckets={"media": Access.PUT},
        secrets=("origin-verify", "jwt-signing-keys"),
    ),
    # --- the store console: staff run their shop in a browser (/admin/ on every store host) ---
    Function(
        name="console",
        handler="functions.console.handler.handler",
        description="Store and platform consoles and merchant sign-up: server-rendered pages over orion",
        # /admin on a store host is its store console, on the platform's admin host (api.) the platform
        # console; /signup on the platform's own site is the merchant sign-up.
        routes=(
            Route("ANY", "/admin"),
            Route("ANY", "/admin/{proxy+}"),
            Route("ANY", "/signup"),
            Route("ANY", "/signup/{proxy+}"),
        ),
        timeout_seconds=29,
        memory_mb=1024,
        tables={"main": Access.WRITE},
        # uploads: the platform console's import re-run copies a file, its bulk import reads s3:// feeds,
        # deleting a saved source deletes its files; reports: the bulk import keeps its results there;
        # media: product images uploaded from the form
        buckets={
            "templates": Access.WRITE,
            "uploads": Access.WRITE,
            "reports": Access.WRITE,
            "media": Access.PUT,
        },
        secrets=("origin-verify",),
        # the payments page connects the store's Stripe account; the channels pages keep integrations'
        # credentials
        store_secrets=Access.WRITE,
        state_machines=("import-publish",),
        queues=("import-source-runs",),  # a saved source's "Run now" queues the run
        edge_tenants=True,  # the domains page verifies and removes domains
        # Path-mode stores (/stores/<store>/admin/) answer too, like the shop.
        shopper=True,
    ),
    Function(
        name="outbox_sender",
        handler="functions.outbox_sender.handler.handler",
        description="Sends outbox e-mails (invitations, order confirmations) with SES",
        tables={"main": Access.WRITE},
        email=True,
        table_stream="main",
        stream_kinds=("OutboxEmail",),
        stream_events=("INSERT",),
    ),
    # Channels (orion.channels): product and page changes become messages for the channel worker, which
    # brings them to each integration of the store.
    Function(
        name="channel_changes",
        handler="functions.channel_changes.handler.handler",
        description="Channels: product and page changes from the table's stream, queued for the worker",
        memory_mb=256,
        timeout_seconds=60,
        tables={"main": Access.WRITE},  # marks the changed items' synced records outdated
        table_stream="main",
        # (orion.channels.changes keeps these in step with the catalogue's and the CMS's item kinds)
        stream_kinds=("Product", "Variant", "Page"),
        stream_events=("INSERT", "MODIFY", "REMOVE"),
        # An import writes thousands of products: few invocations, each one read per store for them all.
        stream_batch_size=100,
        queues=("channel-changes",),
    ),
    Function(
        name="channel_worker",
        handler="functions.channel_worker.handler.handler",
        description="Channels: publish, update or take back changed items per integration; large publishes",
        memory_mb=1024,
        timeout_seconds=120,
        tables={"main": Access.WRITE},  # orion_site writes into the target store's catalogue
        store_secrets=Access.READ,  # each integration's credentials
        queue_trigger="channel-changes",
        queues=("channel-changes",),  # a retry of the integrations that failed, the next chunk of a job
    ),
    Function(
        name="platform_bootstrap",
        handler="functions.platform_bootstrap.handler.handler",
        description="Applies the declared platforms at deploy time; makes platform admins (sign-in link)",
        timeout_seconds=60,
        tables={"main": Access.WRITE},
        applies_declarations=True,
        operator_invoked=True,
    ),
    Function(
        name="mail_feedback",
        handler="functions.mail_feedback.handler.handler",
        description="SES bounces and complaints: suppresses the address on the platform that sent to it",
        memory_mb=256,
        timeout_seconds=30,
        tables={"main": Access.WRITE},
        mail_feedback=True,
    ),
    Function(
        name="staff_docs",
        handler="functions.staff_api.handlers.docs.handler",
        description="Staff API OpenAPI document and docs; problem+json 404 for unknown API paths",
        routes=(Route("ANY", "/api/v1/{proxy+}"),),
        tables={"main": Access.READ},
        secrets=("origin-verify",),
    ),
    # Uploaded and fetched images: the media bucket's events for originals and fetch requests invoke it
    # (asynchronously, retried).
    Function(
        name="media-process",
        handler="functions.media.process.handler",
        description="Media: check an uploaded or fetched image by decoding it, write WebP and JPEG variants",
        memory_mb=2048,  # a 40-megapixel image decoded, turned and resized (Pillow)
        timeout_seconds=60,
        tables={"main": Access.WRITE},
        buckets={"media": Access.WRITE},
    ),
    # Catalogue imports: the tasks of the `imports` state machine.
    Function(
        name="import-prepare",
        handler="functions.imports.prepare.handler",
        description="Import task: claim the job, detect the file format, write chunks and a manifest",
        memory_mb=1769,
        timeout_seconds=900,
        tables={"main": Access.WRITE},
        buckets={"uploads": Access.WRITE, "reports": Access.PUT},
        queues=("import-source-runs",),  # a saved source's run is finished once its jobs end
    ),
    Function(
        name="import-process-batch",
        handler="functions.imports.process_batch.handler",
        description="Import task: validate one chunk of at most 1,000 rows and stage it",
        memory_mb=1024,
        timeout_seconds=120,
        tables={"main": Access.WRITE},
        buckets={"uploads": Access.WRITE},
    ),
    Function(
        name="import-finalize",
        handler="functions.imports.finalize.handler",
        description="Import task: totals, error report, final job status",
        memory_mb=1024,
        timeout_seconds=300,
        tables={"main": Access.WRITE},
        buckets={"uploads": Access.READ, "reports": Access.PUT},
        queues=("import-source-runs",),  # a saved source's run is finished once its jobs end
    ),
    Function(
        name="import-mark-failed",
        handler="functions.imports.mark_failed.handler",
        description="Import task: end a job FAILED when another task failed after its retries",
        memory_mb=256,
        timeout_seconds=30,
        tables={"main": Access.WRITE},
        queues=("import-source-runs",),  # a saved source's run is finished once its jobs end
    ),
    # Saved import sources (orion.imports.sources): one run per message of the source-runs queue.
    Function(
        name="import_source_runner",
        handler="functions.imports.source_runner.handler",
        description="Import sources: fetch a saved source's feeds and start its imports; finish a run",
        memory_mb=1769,  # a 50 MB feed read for its profile
        # Above every fetch with its retries: 3 tries of 20 s, waits of at most 30 s each, per language.
        timeout_seconds=600,
        tables={"main": Access.WRITE},
        # uploads: the fetched feed at its job's upload key, and the ids the source has listed (read and
        # written, a run's tagged to expire; never deleted: deleting a source is the staff's request)
        buckets={"uploads": Access.READ_PUT, "media": Access.PUT},  # media: image fetch requests
        state_machines=("import-publish",),  # a policy publish of more than 200 products
        queue_trigger="import-source-runs",
    ),
    # Background publishing of staged products: the tasks of the `import-publish` state machine.
    Function(
        name="import-publish",
        handler="functions.imports.publish.handler",
        description="Publish task: publish staged products page by page while the invocation has time",
        memory_mb=1024,
        timeout_seconds=900,
        tables={"main": Access.WRITE},
        buckets={"uploads": Access.READ, "media": Access.PUT},  # media: image fetch requests
        queues=("import-source-runs",),  # a saved source's run goes on with its next language
    ),
    Function(
        name="import-publish-failed",
        handler="functions.imports.publish_failed.handler",
        description="Publish task: end a publish FAILED when its task failed after its retries",
        memory_mb=256,
        timeout_seconds=30,
        tables={"main": Access.WRITE},
        queues=("import-source-runs",),  # a saved source's run goes on (and reports the failure)
    ),
)

# Functions that exist only in the local cloud (dev aids). The CDK never reads this tuple, and their
# handlers live under infra/local, which is not part of the Lambda code asset.
LOCAL_FUNCTIONS: tuple[Function, ...] = (
    Function(
        name="local_outbox",
        handler="infra.local.outbox.handler",
        description="Dev only: the e-mails in the outbox, as JSON",
        routes=(Route("GET", "/_dev/outbox"),),
        tables={"main": Access.READ},
    ),
)

STATE_MACHINES: tuple[StateMachine, ...] = (
    StateMachine(
        name="imports",
        definition="infra.workflows.imports.import_definition",
        tasks={
            "Prepare": "import-prepare",
            "ProcessBatch": "import-process-batch",
            "Finalize": "import-finalize",
            "MarkFailed": "import-mark-failed",
        },
        env="ORION_IMPORT_STATE_MACHINE_ARN",
    ),
    StateMachine(
        name="import-publish",
        definition="infra.workflows.publish.publish_definition",
        tasks={"PublishPages": "import-publish", "MarkPublishFailed": "import-publish-failed"},
        env="ORION_IMPORT_PUBLISH_STATE_MACHINE_ARN",
    ),
)

EVENT_RULES: tuple[EventRule, ...] = (
    EventRule(name="import-uploads", bucket="uploads", prefix="uploads/", target="imports"),
    EventRule(
        name="media-originals",
        bucket="media",
        prefix="",
        wildcard="*/*/originals/*",  # <platform>/<store>/originals/<id>: keys start with their tenant
        target="media-process",
        target_kind=TargetKind.FUNCTION,
    ),
    EventRule(
        name="media-fetches",
        bucket="media",
        prefix="",
        wildcard="*/*/fetches/*",  # <platform>/<store>/fetches/<id>: an import's image address to fetch
        target="media-process",
        target_kind=TargetKind.FUNCTION,
    ),
)

# One schedule per task the modules declare (tests/unit/infra/test_schedules.py keeps them in step).
SCHEDULES: tuple[Schedule, ...] = (
    Schedule(
        name="tenancy-verify-domains",
        expression="rate(15 minutes)",
        target="scheduled_tasks",
        input={"task": "tenancy.verify_domains"},
        description="verify custom domains that serve their verification token",
    ),
    Schedule(
        name="outbox-retry-undelivered",
        expression="rate(5 minutes)",
        target="scheduled_tasks",
        input={"task": "outbox.retry_undelivered"},
        description="send again e-mails whose delivery failed or never happened (backoff, then given up)",
    ),
    Schedule(
        name="imports-fail-stuck-jobs",
        expression="rate(15 minutes)",
        target="scheduled_tasks",
        input={"task": "imports.fail_stuck_jobs"},
        description="end import jobs left PENDING or RUNNING past their deadline as FAILED",
    ),
    Schedule(
        name="imports-run-due-sources",
        expression="rate(5 minutes)",
        target="scheduled_tasks",
        input={"task": "imports.run_due_sources"},
        description="queue a run of each saved import source whose next run is due",
    ),
    Schedule(
        name="channels-retry-failed",
        expression="rate(10 minutes)",
        target="scheduled_tasks",
        input={"task": "channels.retry_failed"},
        description="hand channel records failed for now or outdated to the channel worker again",
    ),
    Schedule(
        name="payments-cancel-unpaid",
        expression="rate(5 minutes)",
        target="scheduled_tasks",
        input={"task": "payments.cancel_unpaid"},
        description="cancel card orders unpaid past ORION_PAYMENT_TIMEOUT_MINUTES, putting their stock back",
    ),
    Schedule(
        name="channels-pull",
        expression="rate(15 minutes)",
        target="scheduled_tasks",
        input={"task": "channels.pull"},
        description="two-way sync: bring destinations' edits back into the stores that turned it on",
    ),
)


def function(name: str) -> Function:
    """The function called ``name``."""
    for fn in FUNCTIONS:
        if fn.name == name:
            return fn
    raise KeyError(name)


def table(name: str) -> Table:
    return next(t for t in TABLES if t.name == name)


def bucket(name: str) -> Bucket:
    return next(b for b in BUCKETS if b.name == name)


def secret(name: str) -> Secret:
    return next(s for s in SECRETS if s.name == name)


def state_machine(name: str) -> StateMachine:
    return next(m for m in STATE_MACHINES if m.name == name)


def queue(name: str) -> Queue:
    return next(q for q in QUEUES if q.name == name)


def queues_of(fn: Function) -> tuple[str, ...]:
    """The queues a function uses: the one that triggers it and those it sends to."""
    return tuple(dict.fromkeys([*([fn.queue_trigger] if fn.queue_trigger else []), *fn.queues]))


def routes_of(fn: Function, *, local: bool = False) -> tuple[Route, ...]:
    """A function's routes, with a HEAD twin of each GET route where the handler answers HEAD (HTTP
    APIs match methods exactly) and the path-mode variants shopper functions also answer."""
    heads = [Route("HEAD", r.path) for r in fn.routes if r.method == "GET"] if fn.answers_head else []
    own = [*fn.routes, *heads]
    if not fn.shopper:
        return tuple(own)
    prefixes = LOCAL_SHOPPER_PREFIXES if local else SHOPPER_PREFIXES
    expanded = list(own)
    for prefix in prefixes:
        for route in own:
            expanded.append(Route(route.method, prefix + ("" if route.path == "/" else route.path)))
    return tuple(expanded)


def environment_of(fn: Function, names: Mapping[str, str]) -> dict[str, str]:
    """The environment variables of a function, given the deployed name of each resource it uses.

    ``names`` maps ``table:<name>``, ``bucket:<name>``, ``secret:<name>``, ``state_machine:<name>`` and
    ``queue:<name>`` (its URL) to the real name, ARN or URL in that world (CloudFormation tokens on
    AWS, local names in the local cloud).
    """
    env = {"POWERTOOLS_SERVICE_NAME": f"orion-{fn.name}", "POWERTOOLS_METRICS_NAMESPACE": "Orion"}
    for name in fn.tables:
        env[table(name).env] = names[f"table:{name}"]
    for name in fn.buckets:
        env[bucket(name).env] = names[f"bucket:{name}"]
    for name in fn.secrets:
        env[secret(name).env] = names[f"secret:{name}"]
    for name in fn.state_machines:
        env[state_machine(name).env] = names[f"state_machine:{name}"]
    for name in queues_of(fn):
        env[queue(name).env] = names[f"queue:{name}"]
    if fn.store_secrets is not None:
        env[STORE_SECRETS_ENV] = names[STORE_SECRETS]
    env.update(fn.environment)
    return env


# Every deployed function is invoked through this alias (triggers, schedules, operators).
LIVE_ALIAS = "live"

# The local cloud and the tests name every resource by its local name, in one fixed account and region.
LOCAL_ACCOUNT = "123456789012"
LOCAL_REGION = "eu-west-1"
# The local cloud's e-mail sender (nothing is really sent there); on AWS each environment names its
# own senders (infra/config.py) and never this address.
LOCAL_MAIL_FROM = "Orion <no-reply@orion.localhost>"


def local_names(region: str = LOCAL_REGION) -> dict[str, str]:
    """The local name of every resource, keyed as :func:`environment_of` expects."""
    names: dict[str, str] = {}
    for table in TABLES:
        names[f"table:{table.name}"] = table.local_name
    for bucket in BUCKETS:
        names[f"bucket:{bucket.name}"] = bucket.local_name
    for secret in SECRETS:
        names[f"secret:{secret.name}"] = secret.secret_name
    names[STORE_SECRETS] = "orion/local/stores"
    for machine in STATE_MACHINES:
        names[f"state_machine:{machine.name}"] = (
            f"arn:aws:states:{region}:{LOCAL_ACCOUNT}:stateMachine:orion-{machine.name}"
        )
    for queue in QUEUES:
        names[f"queue:{queue.name}"] = local_queue_url(queue, region)
    return names


def local_queue_url(queue: Queue, region: str = LOCAL_REGION) -> str:
    """The queue's URL in the local cloud and the tests (moto finds a queue by the URL's last part,
    whichever endpoint the SDK talks to)."""
    return f"https://sqs.{region}.amazonaws.com/{LOCAL_ACCOUNT}/{queue.local_name}"


def local_dead_letter_name(queue: Queue) -> str:
    return f"{queue.local_name}-dead-letters"


def local_environment(region: str = LOCAL_REGION) -> dict[str, str]:
    """Environment variables for every function, merged (they share one process locally)."""
    names = local_names(region)
    env: dict[str, str] = {}
    for fn in FUNCTIONS:
        env.update(environment_of(fn, names))
    for machine in STATE_MACHINES:
        env[machine.env] = names[f"state_machine:{machine.name}"]
    env.pop("POWERTOOLS_SERVICE_NAME", None)
    env["ORION_MAIL_FROM"] = LOCAL_MAIL_FROM
    return env
