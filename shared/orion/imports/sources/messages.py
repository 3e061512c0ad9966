"""Every English template a saved source's run message or pause reason is made of: the run's own
sentences, the guards' reasons and the feed errors behind a failed fetch (fetching, and the feed URL
rules ``check_feed_url`` shares with the bulk store import).

Messages are kept as phrases (orion.rendering.phrases): these templates with their values. The console
translates each template through its catalogues (``functions/console/messages``), and a unit test holds
every template of :data:`TEMPLATES` to a French and a German entry, so a message is added here, never
written where it is used.
"""

from __future__ import annotations

from orion.rendering.phrases import Phrase, phrase

# --- the feed URL rules (orion.imports.bulk_stores.check_feed_url) ---------------------------------------

S3_OUTSIDE_UPLOADS = "s3:// feeds must be in Orion's uploads bucket."
S3_OTHER_PLATFORM = "s3:// feeds must be under bulk/{platform}/ or uploads/{platform}/ (this platform's)."
HTTPS_ONLY = "Feed URLs must use https."
NO_CREDENTIALS_OR_PORT = "Feed URLs may not carry credentials or a port."
HOST_NOT_ALLOWED = "Feeds are only fetched from {hosts}."
NO_REDIRECTS = "Feed URLs may not redirect."

# --- fetching (orion.imports.sources.fetch) ----------------------------------------------------------------

TRUSTED_ONLY_AT_LOOPBACK = "{host} is trusted only at a loopback address."
SOURCES_HTTPS_ONLY = "Saved sources are fetched over https only."
NOT_PUBLIC_HOST = "{host} is not on the public internet."
NOT_PUBLIC_ADDRESS = "The feed host resolves to a non-public address."
TOO_LARGE = "The feed is larger than {mb} MB."
TOO_SLOW = "{host} took longer than {seconds} s to send the feed."
NO_ANSWER_IN_TIME = "{host} did not answer in time."
NO_VALID_CERTIFICATE = "{host} has no valid certificate for its name."
UNREACHABLE = "{host} could not be reached."
LOOKUP_TIMED_OUT = "{host} could not be looked up in time."
NOT_FOUND = "{host} could not be found."
HOST_ANSWERED = "The feed host answered {status}."
TRIED = "(tried {n} times)"
REDIRECTS = "The feed URL redirects ({status}); save the address it moved to."
REFUSED = "The feed host refused the feed ({status})."
NO_FEED_THERE = "The feed host has no feed at this address ({status})."

# --- the guards (orion.imports.sources.guards) --------------------------------------------------------------

ANSWERED_HTML = "The {language} feed answered a web page (HTML), not a product feed: check its URL."
ANSWERED_XHTML = "The {language} feed answered a web page (XHTML), not a product feed: check its URL."
ANSWERED_XML = "The {language} feed answered an XML document, not a product feed: check its URL."
COLUMNS_CHANGED = "The {language} feed's columns changed (missing {missing}; new {new})."
COLUMNS_MISSING = "The {language} feed's columns changed (missing {missing})."
COLUMNS_NEW = "The {language} feed's columns changed (new {new})."
SHRANK = "The {language} feed shrank from {before} to {after} products (more than half gone)."
HELD = "Nothing is published automatically; review the import."

# --- a run (orion.imports.sources.service) ----------------------------------------------------------------

UNCHANGED = "No feed changed since the last run."
DELETED_BEFORE_RUN = "The source was deleted before it ran."
PAUSED_BEFORE_RUN = "The source was paused before this run started."
INTERNAL_ERROR = "The run stopped because of an internal error; it will run again as scheduled."
NOT_QUEUED = "The run could not be queued."
FETCH_FAILED = "The {language} feed could not be fetched:"  # followed by the feed error's phrases
PLAN_USED_UP = "Not imported: the plan's imports per day are used up."  # followed by the plan's message
IMPORT_NOT_STARTED = "The {language} import could not start:"  # followed by the error's phrases
IMPORT_FAILED = "The {language} import failed:"  # followed by the import job's message
IMPORT_FAILED_SILENTLY = "The {language} import failed."
DELETED_WHILE_RUNNING = "The source was deleted while it ran; its imports stay staged."
PUBLISH_NOT_FINISHED = "The publish could not finish:"  # followed by the error's phrases
PUBLISH_INTERNAL_ERROR = "The run stopped because of an internal error while publishing; run it again."
LANGUAGE_PUBLISH_FAILED = "The {language} publish failed; publish the import again to finish it."
PUBLISHING_IN_BACKGROUND = "Publishing the {language} products in the background."
STAGED_ONE = "{n} product staged; publish it from the import."
STAGED = "{n} products staged; publish them from the import."
PUBLISHED_ONE = "{n} product published."
PUBLISHED = "{n} products published."
PUBLISHED_NEW_ONE = "{n} new product published."
PUBLISHED_NEW = "{n} new products published."
NOT_PUBLISHED_ONE = "{n} product could not be published: see the imports."
NOT_PUBLISHED = "{n} could not be published: see the imports."
ARCHIVED_ONE = "{n} product no longer in the feed archived."
ARCHIVED = "{n} products no longer in the feed archived."
UNREADABLE_ROW = "{n} row could not be read, so nothing was archived this run."
UNREADABLE_ROWS = "{n} rows could not be read, so nothing was archived this run."
NO_PROGRESS = "The run made no progress for {hours} hours and was ended; run it again."

# --- a source's pause ---------------------------------------------------------------------------------------

PAUSED_BY_STAFF = "Paused by staff."
PAUSED_AFTER_FAILURES = "Paused after {n} failed runs in a row; the last:"  # followed by the run's message


def counted(n: int, one: str, many: str) -> Phrase:
    """``n`` things: the template ``one`` for exactly one, ``many`` otherwise (0 too, as in English)."""
    return phrase(one if n == 1 else many, n=n)


TEMPLATES: frozenset[str] = frozenset(
    value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, str)
)
