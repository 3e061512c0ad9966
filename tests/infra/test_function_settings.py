"""Settings fail fast: a function reads its environment only through OrionSettings, every variable the
wiring or the stacks give a function is one of those settings, and every resource the wiring grants a
function arrives in its synthesised environment under the variable its setting reads."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo

from infra import wiring
from infra.config import REPO_ROOT
from orion.settings import OrionSettings
from tests.infra.conftest import Assembly
from tests.infra.test_data_and_api import function_resource

RUNTIME_VARIABLES_PREFIX = ("POWERTOOLS_",)  # Powertools reads these, not Orion


def names_of(key: str, info: FieldInfo) -> set[str]:
    alias = info.validation_alias
    if alias is None:
        return {f"ORION_{key.upper()}"}
    if isinstance(alias, str):
        return {alias}
    return {str(choice) for choice in getattr(alias, "choices", ())}


SETTING_VARIABLES = {name for key, info in OrionSettings.model_fields.items() for name in names_of(key, info)}


def wiring_variables() -> set[str]:
    return {
        *(t.env for t in wiring.TABLES),
        *(b.env for b in wiring.BUCKETS),
        *(s.env for s in wiring.SECRETS),
        *(m.env for m in wiring.STATE_MACHINES),
        *(v for fn in wiring.FUNCTIONS for v in fn.environment),
    }


def test_every_wiring_variable_is_a_setting() -> None:
    assert wiring_variables() - SETTING_VARIABLES == set()


def test_every_variable_a_deployed_function_gets_is_a_setting(any_assembly: Assembly) -> None:
    for fn in wiring.FUNCTIONS:
        variables: dict[str, Any] = function_resource(any_assembly, fn.name)["Properties"]["Environment"][
            "Variables"
        ]
        ours = {name for name in variables if not name.startswith(RUNTIME_VARIABLES_PREFIX)}
        assert ours - SETTING_VARIABLES == set(), fn.name


def test_every_resource_the_wiring_grants_a_function_is_in_its_synthesised_environment(
    any_assembly: Assembly,
) -> None:
    for fn in wiring.FUNCTIONS:
        variables = function_resource(any_assembly, fn.name)["Properties"]["Environment"]["Variables"]
        expected = {
            *(wiring.table(t).env for t in fn.tables),
            *(wiring.bucket(b).env for b in fn.buckets),
            *(wiring.secret(s).env for s in fn.secrets),
            *(wiring.state_machine(m).env for m in fn.state_machines),
            *fn.environment,
            "ORION_STAGE",
            *(["ORION_MAIL_CONFIGURATION_SET"] if fn.email else []),
        }
        assert expected - set(variables) == set(), fn.name
        assert all(str(variables[name]) not in {"", "None"} for name in expected), fn.name


def test_functions_read_the_environment_only_through_settings() -> None:
    """So no function falls back to a made-up resource name: a missing variable fails in OrionSettings,
    naming it (resource settings have no default)."""
    sources = [*(REPO_ROOT / "functions").rglob("*.py"), *(REPO_ROOT / "shared" / "orion").rglob("*.py")]
    direct = [
        str(path.relative_to(REPO_ROOT))
        for path in sources
        if path.name != "settings.py"
        and re.search(r"os\.environ|os\.getenv|getenv\(", Path(path).read_text())
    ]
    assert direct == []


def test_resource_settings_have_no_default() -> None:
    for key in ("table", "templates", "uploads", "reports", "origin_verify_secret", "jwt_secret"):
        assert OrionSettings.model_fields[key].default is None, key


# Settings that open a door only the local cloud and the tests may open: plain http to named hosts.
LOCAL_ONLY_VARIABLES = ("ORION_IMPORT_FETCH_TRUSTED_HOSTS", "ORION_CHANNELS_TRUSTED_HOSTS")


def test_no_deployed_function_trusts_a_host_over_plain_http(any_assembly: Assembly) -> None:
    assert set(LOCAL_ONLY_VARIABLES) <= SETTING_VARIABLES
    assert not set(LOCAL_ONLY_VARIABLES) & wiring_variables()
    for fn in wiring.FUNCTIONS:
        variables = function_resource(any_assembly, fn.name)["Properties"]["Environment"]["Variables"]
        assert not set(LOCAL_ONLY_VARIABLES) & set(variables), fn.name
    for key in ("import_fetch_trusted_hosts", "channels_trusted_hosts"):
        assert OrionSettings.model_fields[key].default == (), key
