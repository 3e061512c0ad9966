"""The console's Payments page: owners and managers connect Stripe (checked against localstripe), see the
keys masked only, and disconnect; editors do not see the page."""

from __future__ import annotations

import pytest

from tests.console import signed_in, signed_in_as
from tests.integration.payments.conftest import SECRET_KEY, WEBHOOK_SECRET

pytestmark = pytest.mark.usefixtures("demo", "stripe_at")
PAGE = "/admin/settings/payments"


def test_an_owner_connects_stripe_sees_it_masked_and_disconnects() -> None:
    owner = signed_in("wizamart-owner")
    page = owner.get(PAGE)
    assert page.status == 200
    assert 'data-status="not-connected"' in page.text
    assert "/payments/stripe/webhook" in page.text
    assert PAGE in owner.get("/admin/").text  # the menu leads there
    refused = owner.post(PAGE, {"secret_key": "rk_test_refusedbystripe", "webhook_secret": WEBHOOK_SECRET})
    assert refused.status == 422
    assert "Stripe refused this key" in refused.text
    connected = owner.post(PAGE, {"secret_key": SECRET_KEY, "webhook_secret": WEBHOOK_SECRET}, follow=True)
    assert 'data-status="connected"' in connected.text
    assert "sk_test_…1234" in connected.text
    assert SECRET_KEY not in connected.text and WEBHOOK_SECRET not in connected.text
    gone = owner.post(PAGE + "/disconnect", follow=True)
    assert 'data-status="not-connected"' in gone.text


def test_the_page_speaks_french() -> None:
    owner = signed_in("wizamart-owner")
    page = owner.get(PAGE, headers=[("accept-language", "fr")])
    assert "Clé secrète" in page.text
    assert "Non connecté" in page.text


def test_editors_may_not_connect_stripe() -> None:
    editor = signed_in_as("editor")
    assert editor.get(PAGE).status == 403
    assert editor.post(PAGE, {"secret_key": SECRET_KEY, "webhook_secret": WEBHOOK_SECRET}).status == 403
