"""Load: shoppers browsing and buyers checking out at once against the local cloud `make run` starts;
p50/p95 per kind of request under load vs the same requests alone, no 5xx, stock down by what sold.

Loopback only. ``ORION_LOAD_SECONDS`` (60), ``ORION_LOAD_SHOPPERS`` (50) and ``ORION_LOAD_BUYERS`` (10)
size the run. Each user is a thread with its own keep-alive connection (http.client) and cookies, and
sends its next request as soon as the previous one is answered (no think time). Timings are shown,
never asserted; the run fails on a 5xx or a request that got no answer, when the stock of what the
buyers bought did not go down by exactly the units their orders hold, and when the orders staff see are
not those the buyers placed (docs/development.md, Load).
"""

from __future__ import annotations

import http.client
import math
import os
import random
import re
import tempfile
import threading
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlencode, urlsplit

import httpx

from tests.local_server import LocalServer, running_local_server

STORE_HOST = "wizamart.oms.localhost"
OWNER = {"email": "owner@wizamart.lu", "password": "wizamart-owner-demo"}
CUSTOMER = {
    "email": "load@example.com",
    "name": "Load Shopper",
    "address": "2 Place d'Armes",
    "country": "LU",
}

# Before anything is timed, every user runs for a while: each function scales out to its execution
# environments (cold starts, seconds each on a busy machine) here rather than inside a measured phase.
WARMUP_SECONDS = 15
# Then one shopper alone, then one buyer alone, for the baseline each kind of request is compared with.
ALONE_SECONDS = 10
# Far more than a run sells (a few thousand units), so no checkout is refused for want of stock.
STOCK = 100_000
# A request unanswered after this long counts as an error (the gateway gives up on a function after
# its timeout times three: 30 s for the storefront).
REQUEST_TIMEOUT_SECONDS = 120

# The kinds of request, in the order a visit sends them (shoppers and buyers both add to the cart).
KINDS = (
    "home",
    "category",
    "product",
    "search",
    "cart add",
    "cart",
    "checkout form",
    "place order",
    "order page",
)

CATEGORY_LINK = re.compile(r'href="/categories/([^"?#]+)"')
PRODUCT_LINK = re.compile(r'href="/products/([^"?#]+)"')
IN_STOCK_SKU = re.compile(r'name="sku" id="[^"]+" value="([^"]+)"(?: checked)?>')  # not `disabled`
HIDDEN_FIELD = re.compile(r'type="hidden" name="([^"]+)" value="([^"]*)"')
# The local cloud prints every confirmation e-mail (`[outbox]` and its indented body) and metric (JSON).
QUIET_OUTPUT = ("[outbox]", "  |", "{")
ORDER_PATH = re.compile(r"/orders/([0-9A-Z]{26})")


class TimeUp(Exception):
    """The phase is over: a user stops before sending its next request."""


class Answer(NamedTuple):
    status: int
    location: str
    text: str


@dataclass
class Tally:
    """What one user saw; merged, what every user of a phase saw."""

    seconds: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    server_errors: Counter[str] = field(default_factory=Counter)
    no_answer: Counter[str] = field(default_factory=Counter)
    unexpected: Counter[tuple[str, int]] = field(default_factory=Counter)
    orders: list[tuple[str, int]] = field(default_factory=list)  # (order id, units) per order placed
    crashes: list[str] = field(default_factory=list)  # a user's thread died: a bug of this benchmark

    def merge(self, other: Tally) -> None:
        for kind, values in other.seconds.items():
            self.seconds[kind].extend(values)
        self.server_errors.update(other.server_errors)
        self.no_answer.update(other.no_answer)
        self.unexpected.update(other.unexpected)
        self.orders.extend(other.orders)
        self.crashes.extend(other.crashes)

    @property
    def failed(self) -> bool:
        return bool(self.server_errors or self.no_answer or self.crashes)


class Browser:
    """One user: a keep-alive connection to the gateway and the store's cookies, as a browser has."""

    def __init__(self, port: int, tally: Tally, stop_at: float) -> None:
        self.port, self.tally, self.stop_at = port, tally, stop_at
        self.cookies: dict[str, str] = {}
        self._connection: http.client.HTTPConnection | None = None

    def new_visit(self) -> None:
        self.cookies.clear()  # a fresh cart: carts stay small, as most visitors' do

    def send(
        self, kind: str, method: str, path: str, *, form: dict[str, str] | None = None, expect: int = 200
    ) -> Answer | None:
        """The answer when it has the ``expect``ed status; otherwise None, the outcome counted."""
        if time.monotonic() >= self.stop_at:
            raise TimeUp
        origin = f"{STORE_HOST}:{self.port}"
        headers = {"Host": origin}
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://{origin}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = self._connection or http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_SECONDS
        )
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        except (OSError, http.client.HTTPException):  # refused, reset, timed out, garbled
            connection.close()
            self._connection = None
            self.tally.no_answer[kind] += 1
            return None
        self.tally.seconds[kind].append(time.perf_counter() - started)
        self._connection = connection
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        if response.status >= 500:
            self.tally.server_errors[kind] += 1
            return None
        if response.status != expect:
            self.tally.unexpected[(kind, response.status)] += 1
            return None
        location = urlsplit(response.getheader("Location") or "")
        return Answer(response.status, location.path + (f"?{location.query}" if location.query else ""), text)

    def _keep_cookies(self, set_cookies: list[str]) -> None:
        for set_cookie in set_cookies:
            pair, _, attributes = set_cookie.partition(";")
            name, _, value = pair.strip().partition("=")
            if not value or "max-age=0" in attributes.lower().replace(" ", ""):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


def browse(user: Browser, rng: random.Random) -> None:
    """A visit: the home page, a category from its menu, a product from that listing, a search for a
    word of its name, then one unit of it into the cart and the cart page."""
    user.new_visit()
    home = user.send("home", "GET", "/")
    if home is None:
        return
    products = PRODUCT_LINK.findall(home.text)  # the featured products
    categories = CATEGORY_LINK.findall(home.text)
    if categories:
        listing = user.send("category", "GET", f"/categories/{rng.choice(categories)}")
        if listing is None:
            return
        products = PRODUCT_LINK.findall(listing.text) or products
    if not products:
        raise RuntimeError(f"no product links on the home page:\n{home.text[:2000]}")
    handle = rng.choice(products)
    page = user.send("product", "GET", f"/products/{handle}")
    if page is None:
        return
    user.send("search", "GET", "/search?" + urlencode({"q": handle.split("-")[0]}))
    skus = IN_STOCK_SKU.findall(page.text)
    if skus:
        added = user.send(
            "cart add", "POST", "/cart/items", form={"sku": rng.choice(skus), "quantity": "1"}, expect=303
        )
        if added is not None:
            user.send("cart", "GET", added.location)


def buyer(sku: str) -> Callable[[Browser, random.Random], None]:
    def buy(user: Browser, rng: random.Random) -> None:
        """The e2e tests' checkout: 1-3 units into the cart, the cart, the checkout form (its CSRF token,
        checkout key and cart digest), the order placed (invoice, the demo store's payment provider),
        then its confirmation page."""
        user.new_visit()
        units = rng.randint(1, 3)
        added = user.send(
            "cart add", "POST", "/cart/items", form={"sku": sku, "quantity": str(units)}, expect=303
        )
        if added is None or user.send("cart", "GET", added.location) is None:
            return
        form = user.send("checkout form", "GET", "/checkout")
        if form is None:
            return
        fields = dict(HIDDEN_FIELD.findall(form.text))
        placed = user.send("place order", "POST", "/checkout", form={**CUSTOMER, **fields}, expect=303)
        if placed is None:
            return
        order = ORDER_PATH.search(placed.location)
        if order is None:
            raise RuntimeError(f"an order placed but no order in its Location: {placed.location}")
        user.tally.orders.append((order.group(1), units))
        user.send("order page", "GET", placed.location)

    return buy


def keep_visiting(user: Browser, visit: Callable[[Browser, random.Random], None], rng: random.Random) -> None:
    try:
        while True:
            visit(user, rng)
    except TimeUp:
        pass
    except Exception:
        user.tally.crashes.append(traceback.format_exc())
    finally:
        user.close()


def run_phase(port: int, seconds: float, shoppers: int, buyers: int, sku: str) -> Tally:
    """``shoppers`` and ``buyers`` users at once for ``seconds``; then each finishes its request."""
    stop_at = time.monotonic() + seconds
    tallies, threads = [], []
    for index in range(shoppers + buyers):
        tally = Tally()
        visit = browse if index < shoppers else buyer(sku)
        rng = random.Random(index)  # the same choices run after run
        user = Browser(port, tally, stop_at)
        threads.append(threading.Thread(target=keep_visiting, args=(user, visit, rng), daemon=True))
        tallies.append(tally)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    merged = Tally()
    for tally in tallies:
        merged.merge(tally)
    return merged


# The staff API, to set up the product the buyers buy and to check afterwards what they bought.


def sign_in(staff: httpx.Client) -> None:
    signed_in = staff.post("/api/v1/auth/login", json=OWNER)
    signed_in.raise_for_status()
    staff.headers["Authorization"] = f"Bearer {signed_in.json()['access_token']}"


def create_stocked_product(staff: httpx.Client, sku: str) -> str:
    created = staff.post(
        "/api/v1/products",
        json={
            "title": "Load Test Tote Bag",
            "status": "active",
            "variants": [{"sku": sku, "price": 990, "stock": STOCK}],
        },
    )
    created.raise_for_status()
    return str(created.json()["id"])


def stock_of(staff: httpx.Client, product_id: str, sku: str) -> int:
    variant = staff.get(f"/api/v1/products/{product_id}/variants/{sku}")
    variant.raise_for_status()
    return int(variant.json()["stock"])


def units_ordered_since(staff: httpx.Client, since: datetime, sku: str) -> dict[str, int]:
    """Units of ``sku`` per order placed since ``since``, as staff see them: every page of the list,
    then each order (the list leaves the lines out)."""
    listed: list[str] = []
    params: dict[str, Any] = {"since": since.isoformat(), "limit": 100}
    while True:
        page = staff.get("/api/v1/orders", params=params)
        page.raise_for_status()
        body = page.json()
        listed.extend(order["id"] for order in body["items"])
        if not body.get("next_cursor"):
            break
        params["after"] = body["next_cursor"]

    def units(order_id: str) -> int:
        order = staff.get(f"/api/v1/orders/{order_id}")
        order.raise_for_status()
        return sum(line["quantity"] for line in order.json()["lines"] if line["sku"] == sku)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(listed, pool.map(units, listed), strict=True))


def environments(server: LocalServer) -> str:
    with server.client() as dev:
        counts = dev.get("/_dev/environments").json()
    return f"storefront {counts['storefront']}, checkout {counts['checkout']}"


# The report.


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of seconds, in milliseconds."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)] * 1000


def print_table(load: Tally, alone: Tally, seconds: float) -> None:
    print(
        f"{'kind':<14} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'5xx':>5} {'errors':>6}"
        f" {'p50 alone ms':>12} {'load/alone':>10}"
    )
    for kind in KINDS:
        timed = load.seconds.get(kind, [])
        if not timed and not load.no_answer[kind]:
            continue
        p50 = percentile(timed, 0.5) if timed else float("nan")
        p95 = percentile(timed, 0.95) if timed else float("nan")
        baseline = alone.seconds.get(kind, [])
        p50_alone = percentile(baseline, 0.5) if baseline else float("nan")
        print(
            f"{kind:<14} {len(timed) + load.no_answer[kind]:>8} {p50:>8.0f} {p95:>8.0f}"
            f" {load.server_errors[kind]:>5} {load.no_answer[kind]:>6} {p50_alone:>12.0f}"
            f" {p50 / p50_alone:>9.1f}x"
        )
    answered = sum(len(values) for values in load.seconds.values())
    print(
        f"{answered:,} requests answered in {seconds:.0f} s ({answered / seconds:.0f}/s); "
        "load/alone = p50 under load / p50 of the same request with one user alone, in this run"
    )
    if load.unexpected:
        unexpected = ", ".join(
            f"{kind} {status} x{n}" for (kind, status), n in sorted(load.unexpected.items())
        )
        print(f"  answers other than the page or redirect expected (4xx, not failures): {unexpected}")


def check_stock(
    staff: httpx.Client, product_id: str, sku: str, stock_before: int, since: datetime, tally: Tally
) -> list[str]:
    """Stock down by exactly the units the orders hold, and every order placed listed for staff."""
    placed = dict(tally.orders)
    sold = sum(placed.values())
    listed = units_ordered_since(staff, since, sku)
    stock_after = stock_of(staff, product_id, sku)
    print(
        f"orders placed: {len(placed):,} ({sold:,} units); staff API lists {len(listed):,} orders "
        f"({sum(listed.values()):,} units); stock {stock_before:,} -> {stock_after:,} "
        f"(down {stock_before - stock_after:,})"
    )
    problems = []
    if len(placed) != len(tally.orders):
        problems.append("two checkouts answered with the same order")
    if listed != placed:
        problems.append(f"the orders staff see differ from those placed: {len(listed)} vs {len(placed)}")
    if stock_before - stock_after != sold:
        problems.append(f"stock went down by {stock_before - stock_after}, the orders hold {sold} units")
    if problems and (tally.server_errors["place order"] or tally.no_answer["place order"]):
        problems.append("(inconclusive: some orders were submitted and got no answer, placed or not)")
    return problems


def measure(server: LocalServer, seconds: float, shoppers: int, buyers: int) -> list[str]:
    """Warm up, time one shopper and one buyer alone, then everyone at once; what went wrong."""
    sku = f"LOAD-{int(time.time())}"
    since = datetime.now(UTC)
    with server.client(STORE_HOST) as staff:
        sign_in(staff)
        product_id = create_stocked_product(staff, sku)
        stock_before = stock_of(staff, product_id, sku)
        warmup = run_phase(server.port, WARMUP_SECONDS, shoppers, buyers, sku)
        print(
            f"warm-up: {shoppers + buyers} users for {WARMUP_SECONDS} s; environments {environments(server)}"
        )
        alone = run_phase(server.port, ALONE_SECONDS, 1, 0, sku)
        alone.merge(run_phase(server.port, ALONE_SECONDS, 0, 1, sku))
        load = run_phase(server.port, seconds, shoppers, buyers, sku)
        print(
            f"\n{shoppers} shoppers and {buyers} buyers for {seconds:.0f} s on loopback "
            f"(environments after: {environments(server)}):"
        )
        print_table(load, alone, seconds)
        every = Tally()
        for phase in (warmup, alone, load):
            every.merge(phase)
        problems = check_stock(staff, product_id, sku, stock_before, since, every)
    for name, phase in (("warm-up", warmup), ("alone", alone)):
        if phase.server_errors or phase.no_answer:
            print(f"  {name}: 5xx {dict(phase.server_errors)}, no answer {dict(phase.no_answer)}")
    if every.failed:
        problems.append(
            f"5xx: {sum(every.server_errors.values())}, no answer: {sum(every.no_answer.values())}"
        )
        problems.extend(every.crashes)
    return problems


def main() -> None:
    seconds = float(os.environ.get("ORION_LOAD_SECONDS", "60"))
    shoppers = int(os.environ.get("ORION_LOAD_SHOPPERS", "50"))
    buyers = int(os.environ.get("ORION_LOAD_BUYERS", "10"))
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        with running_local_server(Path(scratch) / "output.log", "--quiet") as server:
            print(f"local cloud up in {time.perf_counter() - started:.0f} s on 127.0.0.1:{server.port}")
            problems = measure(server, seconds, shoppers, buyers)
            if problems:
                # What the functions reported, without the confirmation e-mails and metrics in between.
                lines = server.output.read_text().splitlines()
                tail = [line for line in lines if line.strip() and not line.startswith(QUIET_OUTPUT)][-60:]
                print("server output (last 60 lines, e-mails and metrics left out):\n" + "\n".join(tail))
    if problems:
        raise SystemExit("load test failed:\n  " + "\n  ".join(problems))
    print("no 5xx, every request answered, stock exact")
