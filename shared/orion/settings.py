"""Runtime configuration: one pydantic-settings model, read once per process."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class MissingSetting(RuntimeError):
    """A function asked for a resource its environment does not name (a wiring or deploy mistake)."""


def _resource(variable: str) -> Any:
    return Field(default=None, validation_alias=variable)


def _required(value: str | None, variable: str) -> str:
    if not value:
        raise MissingSetting(
            f"{variable} is not set: the wiring table does not give this function that resource"
        )
    return value


class OrionSettings(BaseSettings):
    """Everything a function needs to know about its environment.

    Values come from environment variables prefixed ``ORION_`` (set per function by the wiring table,
    locally by the local cloud). Nothing here has side effects; AWS clients read it lazily.
    """

    model_config = SettingsConfigDict(env_prefix="ORION_", extra="ignore", frozen=True)

    stage: str = "local"
    # The resources a function uses, named per function by the wiring table (deployed names on AWS,
    # local names in the local cloud). Nothing here has a default: a function asking for one it was
    # not given fails at once, naming the variable (see the properties below).
    table: str | None = _resource("ORION_TABLE_NAME")
    templates: str | None = _resource("ORION_TEMPLATES_BUCKET")
    uploads: str | None = _resource("ORION_UPLOADS_BUCKET")
    reports: str | None = _resource("ORION_REPORTS_BUCKET")
    media: str | None = _resource("ORION_MEDIA_BUCKET")
    # Secrets Manager secret holding the value CloudFront puts in X-Origin-Verify.
    origin_verify_secret: str | None = _resource("ORION_ORIGIN_VERIFY_SECRET_NAME")
    # The CloudFront distribution whose origin header the origin-verify rotation updates.
    distribution: str | None = _resource("ORION_DISTRIBUTION_ID")
    # Secrets Manager secret holding the JWT signing keys.
    jwt_secret: str | None = _resource("ORION_JWT_SECRET_NAME")
    # Secrets Manager secret that signs shopper form tokens (CSRF).
    shopper_signing_secret: str | None = _resource("ORION_SHOPPER_SIGNING_SECRET_NAME")
    # The SQS queue of channel changes (orion.channels): its URL.
    channel_queue: str | None = _resource("ORION_CHANNEL_QUEUE_URL")

    # Lambda always sets AWS_REGION; elsewhere the SDK's own default chain applies when it is unset.
    aws_region: str | None = Field(
        default=None,
        validation_alias=AliasChoices("ORION_AWS_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"),
    )
    # Only set locally (the moto server); on AWS the SDK's own endpoint resolution applies.
    aws_endpoint_url: str | None = Field(
        default=None, validation_alias=AliasChoices("ORION_AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL")
    )

    # The default theme ships with the functions (templates/ in the code asset); the templates bucket
    # holds only platform and store overrides. Set only to render from another folder.
    default_theme_dir: str | None = None
    # Lambda sets LAMBDA_TASK_ROOT to the code root, where the packaged templates/ folder sits.
    lambda_task_root: str | None = Field(default=None, validation_alias="LAMBDA_TASK_ROOT")

    tenant_cache_ttl_seconds: float = 60.0
    template_cache_ttl_seconds: float = 30.0
    render_timeout_seconds: float = 2.0
    # Path-mode tenancy on a bare localhost (``localhost:8000/oms/stores/wizamart/``) is a dev aid only.
    dev_path_mode: bool = False
    # Shopper page caching at CloudFront.
    page_s_maxage_seconds: int = 60
    page_stale_while_revalidate_seconds: int = 300
    # Shopper cookies get Secure and the __Host- prefix; only plain-HTTP local runs turn this off.
    secure_cookies: bool = True
    # Deployed API functions answer only requests CloudFront forwarded (a valid X-Origin-Verify), so the
    # execute-api endpoint cannot bypass CloudFront and its WAF; the local cloud has no CloudFront.
    require_origin_verify: bool = False

    # Staff identity: access tokens are short-lived JWTs; refresh tokens rotate within a family.
    jwt_issuer: str = "orion"
    access_token_ttl_seconds: int = Field(default=900, ge=60, le=900)
    refresh_token_ttl_seconds: int = Field(default=14 * 24 * 3600, ge=3600)
    # How long a signing-key set read from Secrets Manager is trusted before it is read again.
    jwt_keys_cache_seconds: float = 300.0
    # Staff console sessions (a cookie naming a server-side session): ended after this long without a
    # request, and after this long whatever the activity; a lock, reset or "sign out everywhere" ends
    # them at once.
    console_session_idle_seconds: int = Field(default=12 * 3600, ge=60)
    console_session_max_seconds: int = Field(default=7 * 24 * 3600, ge=300)
    invitation_ttl_seconds: int = Field(default=7 * 24 * 3600, ge=3600)
    # A platform admin's one-time sign-in link (make admin) works once, within this long.
    sign_in_link_ttl_seconds: int = Field(default=24 * 3600, ge=60)
    # argon2id cost (RFC 9106 low-memory profile by default); tests lower it to stay fast.
    password_hash_time_cost: int = Field(default=3, ge=1)
    password_hash_memory_kib: int = Field(default=65536, ge=8)
    password_hash_parallelism: int = Field(default=4, ge=1)
    # Failed logins allowed per window, per account and per source address, before 429.
    login_window_seconds: int = 900
    login_max_failures_per_account: int = 10
    login_max_failures_per_source: int = 50
    # Custom-domain verification: "dns" checks the TXT record over DNS-over-HTTPS; "trust" (the local
    # cloud only, which has no public DNS) verifies any pending domain.
    domain_verification: str = Field(default="dns", pattern="^(dns|trust)$")
    dns_over_https_url: str = "https://cloudflare-dns.com/dns-query"
    # A pending (unverified) domain claim older than this no longer holds the host: another store
    # may claim it, so nobody can squat a merchant's domain by claiming it first.
    domain_claim_ttl_seconds: int = Field(default=7 * 24 * 3600, ge=60)
    # A verified store domain becomes a CloudFront distribution tenant (orion.tenancy.edge): "cloudfront"
    # on AWS, "recording" (an in-memory stand-in that logs) in the local cloud, which has no CloudFront.
    edge_tenants: str = Field(default="cloudfront", pattern="^(cloudfront|recording)$")
    # The multi-tenant distribution and its connection group: the SSM parameter the storefront stack
    # writes (JSON with distributionId and connectionGroupId), or the two ids directly. Neither set: no
    # multi-tenant distribution (an environment without domains), so domains get no tenant.
    edge_parameter: str | None = _resource("ORION_EDGE_PARAMETER")
    cloudfront_distribution_id: str | None = None
    cloudfront_connection_group_id: str | None = None
    # The connection group's routing endpoint (d1234abcd.cloudfront.net): what a store's custom domain
    # points at with a CNAME. Read from the edge parameter (routingEndpoint) when not set here.
    cloudfront_routing_endpoint: str | None = None
    # Where e-mails come from: a platform's own sender (``ORION_MAIL_SENDERS``, JSON, platform domain ->
    # address, each a verified SES identity on AWS) for the first of its domains that has one, else
    # ``ORION_MAIL_FROM``. Neither has a default: the deployment (infra/config.py) or the local cloud
    # names them, and a message with no sender fails visibly rather than leaving from a made-up address.
    mail_senders: dict[str, str] = Field(default_factory=dict)
    mail_from: str | None = None
    # The SES configuration set every e-mail is sent with (bounces and complaints come back through it).
    mail_configuration_set: str | None = None
    # Outbox retries (the scheduled task outbox.retry_undelivered): a message still undelivered this
    # long after it was written, or after a failed attempt (doubling each time), is tried again; after
    # the last attempt it is given up and listed as failed (admin API, GET /api/v1/admin/outbox).
    outbox_retry_after_seconds: int = Field(default=300, ge=1)
    outbox_max_attempts: int = Field(default=5, ge=1)

    # Card payments (orion.payments). Each store's Stripe keys live in Secrets Manager under this prefix
    # (``<prefix>/<platform>/<store>/stripe``); the wiring table names it per deployment.
    store_secrets_prefix: str = Field(
        default="orion/local/stores", validation_alias="ORION_STORE_SECRETS_PREFIX"
    )
    # Where the Stripe SDK sends its calls (localstripe in tests and the local cloud); unset: Stripe.
    stripe_api_base: str | None = None
    # Where the order page loads stripe.js from (``<base>/v3/``).
    stripe_js_base: str = "https://js.stripe.com"
    # Seconds the SDK waits for Stripe before the shopper is told to try again.
    stripe_timeout_seconds: float = Field(default=10.0, gt=0, le=25)
    # A card order still unpaid this long after it was placed is cancelled and its stock put back.
    payment_timeout_minutes: int = Field(default=30, ge=1)

    # Channels (orion.channels.worker, orion.channels.tasks): a temporary failure (the destination was
    # unavailable) is tried again after base x 2^(receives - 1) seconds, at most the cap (or later when
    # the destination said so); the scheduled recovery sends again failed records (temporary failures)
    # and outdated ones not touched for ``recover_after`` seconds, and gives up on a record after
    # ``give_up_attempts`` attempts.
    channel_retry_base_seconds: int = Field(default=30, ge=1)
    channel_retry_max_seconds: int = Field(default=300, ge=1, le=43_200)
    channel_recover_after_seconds: int = Field(default=600, ge=60)
    channel_give_up_attempts: int = Field(default=30, ge=1)

    # Uploaded images (orion.media): how long a presigned POST stays valid, and how long a processing
    # run holds an upload before a redelivered event may take it over (longer than the processing
    # function's timeout, shorter than Lambda's wait before it retries a failed run).
    media_upload_url_expiry_seconds: int = Field(default=900, ge=60)
    media_processing_lease_seconds: int = Field(default=70, ge=1)
    # Fetch the images imports name by address into the store's media (off: products keep the
    # addresses, for a deployment without outbound internet access).
    media_fetch_images: bool = True

    # Channels (orion.channels): ``host:port`` destinations that may be reached over plain http and at a
    # private address. Only the test suites' local WordPress and Shopify stand-ins; never in a deployment.
    channels_trusted_hosts: tuple[str, ...] = ()

    # Catalogue imports.
    import_max_upload_bytes: int = 200 * 1024 * 1024
    import_chunk_records: int = 1000
    import_max_cell_chars: int = 100_000
    import_staging_ttl_days: int = 30
    import_upload_url_expiry_seconds: int = 900
    import_report_url_expiry_seconds: int = 900
    # Stock given to a published variant whose feed says "in stock" without a quantity.
    import_default_stock: int = 100
    # Feeds a platform admin's bulk store import may fetch: https on these hosts (and their
    # subdomains) or s3:// in the uploads bucket; never anything else.
    import_fetch_allowed_hosts: tuple[str, ...] = ("letzshop.lu",)
    import_fetch_max_bytes: int = 50 * 1024 * 1024
    # Saved sources: ``host:port`` feed hosts a source may name over plain http, reached only at a
    # loopback address. Only the local cloud's own gateway (its demo feeds at /_local/feeds/) and the
    # tests; never set in a deployment (tests/infra holds every deployed function to that).
    import_fetch_trusted_hosts: tuple[str, ...] = ()
    # Saved sources (docs/imports.md, Saved sources): a fetch is tried this many times when the host
    # times out, cannot be reached or answers 429/5xx, waiting base * 2^n seconds plus jitter between
    # tries (a Retry-After up to the cap); each try has a deadline. The runner's Lambda timeout covers
    # every try and wait. Tests set the waits to 0.
    import_source_fetch_attempts: int = Field(default=3, ge=1, le=5)
    import_source_fetch_deadline_seconds: float = Field(default=20.0, gt=0, le=60)
    import_source_retry_base_seconds: float = Field(default=2.0, ge=0, le=30)
    import_source_retry_after_cap_seconds: float = Field(default=30.0, ge=0, le=60)
    # The queue of source runs (wiring queue ``import-source-runs``).
    import_source_queue_url: str | None = None
    # The import watchdog (scheduled task imports.fail_stuck_jobs) fails a job still PENDING this long
    # after it was created (the file never arrived) or RUNNING with no progress for this long.
    import_pending_timeout_seconds: int = Field(default=3600, ge=60)
    import_stall_timeout_seconds: int = Field(default=3600, ge=60)
    # Publishing staged products: a selection up to this many products is published inside the API
    # request; a larger one in the background (the import-publish state machine), a page at a time.
    import_publish_sync_max_products: int = Field(default=200, ge=0)
    import_publish_page_size: int = Field(default=100, ge=1, le=1000)
    # A running publish not heard from for this long has lost its worker: a background one runs in a
    # Lambda of 15 minutes at most; one inside the API request records a page every few seconds and
    # dies with the request (29 s on API Gateway; the local cloud stretches timeouts), so a timed-out
    # request frees the job within two minutes instead of fifteen.
    import_publish_lease_seconds: int = Field(default=900, ge=1)
    import_publish_sync_lease_seconds: int = Field(default=120, ge=1)
    import_publish_state_machine_arn: str | None = None
    # The import state machine: the uploads bucket's events start it on AWS (no function does); the
    # local cloud and tests read it to start and follow imports.
    import_state_machine_arn: str | None = None

    @property
    def table_name(self) -> str:
        return _required(self.table, "ORION_TABLE_NAME")

    @property
    def templates_bucket(self) -> str:
        return _required(self.templates, "ORION_TEMPLATES_BUCKET")

    @property
    def uploads_bucket(self) -> str:
        return _required(self.uploads, "ORION_UPLOADS_BUCKET")

    @property
    def reports_bucket(self) -> str:
        return _required(self.reports, "ORION_REPORTS_BUCKET")

    @property
    def media_bucket(self) -> str:
        return _required(self.media, "ORION_MEDIA_BUCKET")

    @property
    def channel_queue_url(self) -> str:
        return _required(self.channel_queue, "ORION_CHANNEL_QUEUE_URL")

    @property
    def origin_verify_secret_name(self) -> str:
        return _required(self.origin_verify_secret, "ORION_ORIGIN_VERIFY_SECRET_NAME")

    @property
    def distribution_id(self) -> str:
        return _required(self.distribution, "ORION_DISTRIBUTION_ID")

    @property
    def jwt_secret_name(self) -> str:
        return _required(self.jwt_secret, "ORION_JWT_SECRET_NAME")

    @property
    def shopper_signing_secret_name(self) -> str:
        return _required(self.shopper_signing_secret, "ORION_SHOPPER_SIGNING_SECRET_NAME")


@lru_cache(maxsize=1)
def get_settings() -> OrionSettings:
    """The process-wide settings, read from the environment on first use."""
    return OrionSettings()


def reset_settings() -> None:
    """Forget the cached settings (tests and the local cloud change the environment)."""
    get_settings.cache_clear()
