"""`make run` prints where to go and stops cleanly on Ctrl-C, within 10 s even after and during an import."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.environment import REPO_ROOT
from tests.feeds import letzshop_feed
from tests.local_server import free_port, running_local_server
from tests.merchant_import import staff_client, upload, wait_for

# Starting and stopping whole local clouds takes a minute: `make test-deep` runs these (CI too).
pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_the_local_cloud_prints_its_urls_and_stops_on_ctrl_c() -> None:
    port, aws_port, stripe_port = free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ORION_", "POWERTOOLS_"))}
    env["PYTHONPATH"] = "shared:."
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "infra.local",
            "--port",
            str(port),
            "--aws-port",
            str(aws_port),
            "--stripe-port",
            str(stripe_port),
            "--quiet",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        printed: list[str] = []
        deadline = time.monotonic() + 90
        while not any("Ctrl-C" in line for line in printed):
            line = process.stdout.readline()
            assert line or process.poll() is None, "".join(printed)
            printed.append(line)
            assert time.monotonic() < deadline, "".join(printed)
        banner = "".join(printed)
        assert f"http://wizamart.oms.localhost:{port}/" in banner
        assert f"http://oms.localhost:{port}/" in banner
        assert f"Stripe (localstripe): http://127.0.0.1:{stripe_port}" in banner
        assert "4242424242424242" in banner
        assert httpx.get(f"http://127.0.0.1:{stripe_port}/js.stripe.com/v3/", timeout=10).status_code == 200
        # A cold first page (an execution environment starts) takes more than httpx's default 5 s when
        # the machine is busy.
        home = httpx.get(f"http://127.0.0.1:{port}/", headers={"Host": "oms.localhost"}, timeout=30)
        assert home.status_code == 200

        # Ctrl-C under `make run` reaches Python twice (from the terminal and forwarded by uv): a second
        # signal arriving while the first is handled must not hang the shutdown.
        process.send_signal(signal.SIGINT)
        process.send_signal(signal.SIGINT)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        rest = process.stdout.read()
        assert "Traceback" not in rest, rest
        with pytest.raises(httpx.ConnectError):  # localstripe stopped with it
            httpx.get(f"http://127.0.0.1:{stripe_port}/js.stripe.com/v3/", timeout=5)
    finally:
        if process.poll() is None:  # a failed assertion above: never leave a local cloud running
            process.kill()
            process.wait()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/", timeout=2)


# The contract: one Ctrl-C stops `make run` within 10 s, even with an import's tasks mid-flight.
STOP_SECONDS = 10


def test_one_ctrl_c_stops_the_local_cloud_within_10_s_after_an_import_and_mid_import(tmp_path: Path) -> None:
    with running_local_server(tmp_path / "output.log", "--quiet") as server, staff_client(server) as api:
        assert server.process is not None
        done = wait_for(api, upload(api, letzshop_feed(2_000, "fr", delimiter=",")), timeout=300)
        assert done["status"] == "COMPLETED", done
        running = upload(api, letzshop_feed(20_000, "fr", delimiter=","))
        deadline = time.monotonic() + 60
        while api.get(f"/api/v1/imports/{running}").json()["status"] == "PENDING":
            assert time.monotonic() < deadline
            time.sleep(0.2)

        server.process.send_signal(signal.SIGINT)
        started = time.monotonic()
        code = server.process.wait(timeout=STOP_SECONDS + 20)  # a miss reports how long it took
        took = time.monotonic() - started

        output = server.output.read_text()
        assert took < STOP_SECONDS, f"stopped after {took:.1f} s:\n{output[-3000:]}"
        assert code == 0
        assert "Stopping..." in output
        assert "Traceback" not in output.split("Stopping...", 1)[1]
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{server.port}/", timeout=2)
