"""An error worded from a template says the same English to programs and keeps what a page translates."""

from __future__ import annotations

from orion.errors import Conflict, NotFound, problem_details


def test_a_worded_error_keeps_its_english_detail_and_its_template() -> None:
    error = NotFound.worded("No product {id}.", id="01ABC")
    assert str(error) == error.detail == "No product 01ABC."
    assert (error.template, error.params) == ("No product {id}.", {"id": "01ABC"})
    assert problem_details(error) == {
        "type": "https://orion.dev/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "No product 01ABC.",
    }


def test_a_worded_error_keeps_its_extra_members_and_says_values_as_text() -> None:
    error = Conflict.worded(
        "Not enough stock of {sku} to remove {n}.", sku="TEE-M", n=3, extra={"sku": "TEE-M"}
    )
    assert problem_details(error)["sku"] == "TEE-M"
    assert error.params == {"sku": "TEE-M", "n": "3"}
    assert "template" not in problem_details(error) and "params" not in problem_details(error)
