"""``GET/PUT /api/v1/settings/shipping``: the store's zones and VAT rates, problem+json per field,
permissions, and one store's settings leaving another's alone."""

from __future__ import annotations

from tests.staff import BAKERY, call, token_of

BODY = {
    "zones": [
        {"name": "Luxembourg", "countries": ["LU"], "rate": 390, "free_from": 6000},
        {"name": "DACH", "countries": ["DE", "AT", "CH"], "rate": 1290},
    ],
    "vat_rates": {
        "LU": {"standard": "17", "reduced": "8", "super_reduced": "3"},
        "DE": {"standard": 19, "reduced": 7, "super_reduced": 7},
        "AT": {"standard": "20", "reduced": "10", "super_reduced": "10"},
    },
}


def test_owner_reads_and_replaces_the_shipping_settings(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    demo_settings = call("GET", "/api/v1/settings/shipping", token=owner).json()
    assert [z["countries"] for z in demo_settings["zones"]] == [["LU"], ["BE", "FR", "DE"]]
    assert demo_settings["zones"][0]["rate"] == 490 and demo_settings["zones"][0]["free_from"] == 5000
    assert demo_settings["vat_rates"]["LU"] == {"standard": "17", "reduced": "8", "super_reduced": "3"}
    saved = call("PUT", "/api/v1/settings/shipping", body=BODY, token=owner)
    assert saved.status == 200
    assert saved.json()["vat_rates"]["DE"]["standard"] == "19"
    assert call("GET", "/api/v1/settings/shipping", token=owner).json() == saved.json()
    bakery = call(
        "GET", "/api/v1/settings/shipping", host=BAKERY, token=token_of("bakery-owner", host=BAKERY)
    )
    assert [z["rate"] for z in bakery.json()["zones"]] == [0]


def test_bad_settings_are_422_problems_naming_the_field(demo: list[str]) -> None:
    owner = token_of("wizamart-owner")
    cases = [
        ({**BODY, "zones": [{"name": "X", "countries": ["XX"], "rate": 100}]}, "countries"),
        ({**BODY, "zones": [{"name": "X", "countries": ["LU"], "rate": -5}]}, "rate"),
        (
            {**BODY, "vat_rates": {"LU": {"standard": "117", "reduced": "8", "super_reduced": "3"}}},
            "standard",
        ),
    ]
    for body, field in cases:
        refused = call("PUT", "/api/v1/settings/shipping", body=body, token=owner)
        assert refused.status == 422, body
        assert refused.headers["content-type"] == "application/problem+json"
        assert any(e["field"].endswith(field) for e in refused.json()["errors"]), refused.json()
    two_zones = {**BODY, "zones": [*BODY["zones"], {"name": "Again", "countries": ["LU"], "rate": 1}]}
    assert call("PUT", "/api/v1/settings/shipping", body=two_zones, token=owner).status == 422
    assert call("GET", "/api/v1/settings/shipping", token=owner).json()["zones"][0]["rate"] == 490


def test_an_editor_may_not_change_them(demo: list[str]) -> None:
    editor = token_of("wizamart-editor")
    assert call("PUT", "/api/v1/settings/shipping", body=BODY, token=editor).status == 403
