"""The path parameters the admin routers share: ids and store codes, refused (422) before any read."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from orion.tenant import CODE_PATTERN

ID_PATTERN = r"^[0-9A-Z]{26}$"

StoreCode = Annotated[str, Path(pattern=CODE_PATTERN.pattern, description="the store's code")]
Id = Annotated[str, Path(pattern=ID_PATTERN)]
