"""Platform bootstrap Lambda, two callers, one thin adapter over orion:

- the deploy's custom resource (CDK Provider framework): ``Create`` and ``Update`` apply the
  environment's declared platforms (``ResourceProperties.Platforms``, orion.tenancy.declarations);
  ``Delete`` deletes nothing (a stack's removal never takes platforms and their data with it);
- an operator (``make admin``, infra/admin.py): ``{"action": "admin", "platform", "email"}`` makes a
  platform admin and e-mails them a one-time sign-in link (orion.identity.sign_in_links).
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.entry import lambda_entry
from orion.errors import OrionError
from orion.identity.sign_in_links import issue_admin_sign_in_link
from orion.observability import logger
from orion.tenancy.declarations import apply_declarations
from orion.tenant import Tenant, is_valid_code

PHYSICAL_ID = "orion-declared-platforms"


@lambda_entry()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if not isinstance(event, dict):
        return _refused(400, "the event must be a JSON object")
    if "RequestType" in event:
        return _custom_resource(event)
    if event.get("action") == "admin":
        return _admin(event)
    return _refused(400, 'unknown request: send {"action": "admin", "platform", "email"}')


def _custom_resource(event: dict[str, Any]) -> dict[str, Any]:
    request = str(event["RequestType"])
    if request == "Delete":
        # Platforms outlive the stack that declared them: nothing is deleted, ever.
        logger.info("declared platforms: delete requested, nothing deleted")
        return {"PhysicalResourceId": str(event.get("PhysicalResourceId") or PHYSICAL_ID)}
    raw = (event.get("ResourceProperties") or {}).get("Platforms") or "[]"
    declarations = json.loads(raw) if isinstance(raw, str) else raw
    # An invalid declaration or a domain another platform serves fails the deploy with its message.
    applied = apply_declarations(declarations)
    summary = {
        outcome: [a.code for a in applied if a.outcome == outcome] for outcome in ("created", "updated")
    }
    logger.info(
        "declared platforms applied",
        extra={
            "request": request,
            "platforms_created": summary["created"],
            "platforms_updated": summary["updated"],
        },
    )
    return {
        "PhysicalResourceId": PHYSICAL_ID,
        "Data": {key.capitalize(): ",".join(codes) for key, codes in summary.items()},
    }


def _admin(event: dict[str, Any]) -> dict[str, Any]:
    platform, email = event.get("platform"), event.get("email")
    if not isinstance(platform, str) or not is_valid_code(platform):
        return _refused(400, "'platform' must be a platform code such as 'oms'")
    if not isinstance(email, str) or not email.strip():
        return _refused(400, "'email' must be the admin's e-mail address")
    scheme = event.get("scheme") if event.get("scheme") in {"http", "https"} else "https"
    port = event.get("port") if isinstance(event.get("port"), int) else None
    try:
        issued = issue_admin_sign_in_link(
            Tenant(platform), email, name=event.get("name") or None, scheme=str(scheme), port=port
        )
    except OrionError as error:
        return _refused(error.status, str(error))
    logger.info("platform admin sign-in link sent", extra={"platform": platform, "user": issued.user_id})
    return {
        "platform": platform,
        "email": issued.email,
        "user_id": issued.user_id,
        "created_user": issued.created_user,
        "expires_at": issued.expires_at.isoformat(),
    }


def _refused(status: int, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "message": message}}
