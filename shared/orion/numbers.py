"""Whole-number input types shared by forms, JSON APIs and imports."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator


def _not_a_boolean(value: Any) -> Any:
    # JSON true/false would otherwise pass as 1/0 (bool is an int in Python).
    if isinstance(value, bool):
        raise ValueError("must be a whole number, not true or false")
    return value


# A count or amount from a form field ("2"), a CSV cell or a JSON number (2); never a boolean.
WholeNumber = Annotated[int, BeforeValidator(_not_a_boolean)]
