"""Origin-verify rotation Lambda: Secrets Manager calls it once per rotation step (createSecret,
setSecret, testSecret, finishSecret); the steps live in orion.tenancy.origin_verify."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common.entry import lambda_entry
from orion.settings import get_settings
from orion.tenancy.origin_verify import OriginHeader, OriginSecretRotation


@lambda_entry()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    header = OriginHeader(get_settings().distribution_id)
    rotation = OriginSecretRotation(str(event["SecretId"]), str(event["ClientRequestToken"]), header)
    rotation.run(str(event["Step"]))
    return {}
