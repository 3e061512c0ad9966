"""Change events in the local cloud `make run` starts (docs/channels.md, "Change events"): a product staff
save through the staff API reaches another store of the same merchant by itself, through the table's
stream, the channel queue and the channel worker, with no publish asked."""

from __future__ import annotations

import time

import pytest

from tests.e2e.test_admin import sign_in
from tests.local_server import LocalServer

# slow: make test-deep (CI) runs it; tests/integration/channels/test_change_events.py drives the same
# stream, queue and worker in-process in make test.
pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WAIT_SECONDS = 90  # two cold starts (the stream function's and the worker's) on a busy machine


def test_a_product_saved_through_the_staff_api_is_published_to_the_target_store(
    local_server: LocalServer,
) -> None:
    admin = sign_in(local_server, "api.oms.localhost", "admin@oms.lu", "oms-admin-demo")
    with local_server.client("api.oms.localhost") as http:
        http.headers["Authorization"] = f"Bearer {admin}"
        wizamart = next(s for s in http.get("/api/v1/admin/stores").json() if s["code"] == "wizamart")
        opened = http.post(
            "/api/v1/admin/stores",
            json={
                "code": "wizamart-events",
                "name": "Wizamart Events",
                "merchant_id": wizamart["merchant_id"],
            },
        )
        assert opened.status_code == 201, opened.text

    owner = sign_in(local_server, "wizamart.oms.localhost", "owner@wizamart.lu", "wizamart-owner-demo")
    with local_server.client("wizamart.oms.localhost") as api:
        api.headers["Authorization"] = f"Bearer {owner}"
        integration = api.post(
            "/api/v1/channels", json={"platform": "orion_site", "config": {"store": "wizamart-events"}}
        )
        assert integration.status_code == 201, integration.text
        product = api.post(
            "/api/v1/products",
            json={
                "title": "Evented lamp",
                "status": "active",
                "variants": [{"sku": "EVENTED-LAMP", "price": 4900, "stock": 5}],
            },
        )
        assert product.status_code == 201, product.text

        deadline = time.monotonic() + WAIT_SECONDS
        records: list[dict[str, object]] = []
        while time.monotonic() < deadline:
            found = api.get(f"/api/v1/products/{product.json()['id']}/channels").json()["channels"]
            records = [c["record"] for c in found]
            if records and records[0]["status"] == "synced":
                break
            time.sleep(0.5)
        assert records and records[0]["status"] == "synced", (
            records,
            local_server.output.read_text()[-3000:],
        )

    handle = str(records[0]["remote_url"]).rsplit("/", 1)[1]
    with local_server.client("wizamart-events.oms.localhost") as shop:
        page = shop.get(f"/products/{handle}")
    assert page.status_code == 200 and "Evented lamp" in page.text
