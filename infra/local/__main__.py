"""`make run`: the local cloud, demo data and the gateway on http://localhost:8000.

Usage: python -m infra.local [--port 8000] [--aws-port 4566] [--stripe-port 8420] [--no-demo]
                             [--feeds-dir DIR] [--log-level INFO]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

from infra.local import feeds, stripe_local
from infra.local.cloud import local_cloud
from infra.local.environments import stop_starting
from infra.local.stripe_local import DEFAULT_PORT as STRIPE_PORT
from infra.local.stripe_local import configure_environment as point_at_localstripe
from infra.local.stripe_local import running_localstripe

# Ctrl-C stops `make run` within 10 s whatever it was doing (an import's tasks mid-flight): an orderly
# stop normally takes a second; past this bound the process exits anyway (its state lived in memory).
SHUTDOWN_SECONDS = 8.0


def exit_after(seconds: float) -> threading.Thread:
    """Exit the process ``seconds`` from now unless it has exited by then: the execution environments
    killed, nothing else waited for."""

    def force() -> None:
        time.sleep(seconds)
        print(f"Stopping took more than {seconds:.0f} s: exiting now.", flush=True)
        stop_starting(timeout=1.0)
        for child in multiprocessing.active_children():
            child.kill()
        for process in stripe_local.RUNNING:
            process.kill()
        sys.stdout.flush()
        os._exit(0)

    watchdog = threading.Thread(target=force, name="shutdown-watchdog", daemon=True)
    watchdog.start()
    return watchdog


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local", description=__doc__)
    parser.add_argument("--host", default=os.environ.get("ORION_LOCAL_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("ORION_LOCAL_PORT", "8000")))
    parser.add_argument("--aws-port", type=int, default=int(os.environ.get("ORION_LOCAL_AWS_PORT", "4566")))
    parser.add_argument(
        "--stripe-port",
        type=int,
        default=int(os.environ.get("ORION_LOCAL_STRIPE_PORT", str(STRIPE_PORT))),
        help="where localstripe (the local Stripe) listens",
    )
    parser.add_argument("--no-demo", action="store_true", help="start empty, without demo data")
    parser.add_argument(
        "--feeds-dir",
        default=os.environ.get("ORION_LOCAL_FEEDS_DIR"),
        help="the folder served at /_local/feeds/ (default: a fresh temporary folder, removed at stop)",
    )
    parser.add_argument("--log-level", default=os.environ.get("ORION_LOCAL_LOG_LEVEL", "WARNING"))
    parser.add_argument("--quiet", action="store_true", help="no access log")
    args = parser.parse_args(argv)

    # localstripe first: the functions' environments inherit ORION_STRIPE_* when the cloud starts them.
    point_at_localstripe(args.stripe_port)
    # Saved sources may fetch the gateway's own demo feeds (plain http on loopback); never deployed.
    os.environ["ORION_IMPORT_FETCH_TRUSTED_HOSTS"] = json.dumps([feeds.trusted_host(args.port)])
    feeds_dir = Path(args.feeds_dir) if args.feeds_dir else Path(tempfile.mkdtemp(prefix="orion-feeds-"))
    feeds_dir.mkdir(parents=True, exist_ok=True)
    feeds.use_directory(feeds_dir)
    try:
        return _run(args, feeds_dir)
    finally:
        if not args.feeds_dir:
            shutil.rmtree(feeds_dir, ignore_errors=True)


def _run(args: argparse.Namespace, feeds_dir: Path) -> int:
    with running_localstripe(args.stripe_port), local_cloud(args.aws_port, log_level=args.log_level):
        from infra.local.demo import seed_demo
        from infra.local.demo import sources as demo_sources
        from infra.local.gateway import make_gateway
        from infra.local.outbox import print_new_messages
        from infra.local.queues import QueuePoller, triggered_functions
        from infra.local.scheduler import LocalScheduler
        from infra.local.streams import StreamPoller, stream_functions

        lines = [] if args.no_demo else seed_demo(args.port)
        if not args.no_demo:
            lines += stripe_local.seed(args.stripe_port, args.port)
            lines += demo_sources.seed(args.port, feeds_dir)
        gateway = make_gateway(args.host, args.port, quiet=args.quiet)
        stop = threading.Event()
        signals: list[int] = []

        def shutdown(signum: int, _frame: object) -> None:
            # Only note the signal: a handler that takes a lock (Event.set) deadlocks when a second
            # signal arrives inside it, as it does when Ctrl-C reaches both uv and Python.
            signals.append(signum)

        signal.signal(signal.SIGINT, shutdown)
        signal.signal(signal.SIGTERM, shutdown)
        serving = threading.Thread(target=gateway.serve_forever, daemon=True)
        serving.start()
        scheduler = LocalScheduler(speedup=float(os.environ.get("ORION_LOCAL_SCHEDULE_SPEEDUP", "1")))
        scheduler.start()
        # After the demo data: its writes are the starting point, not changes to hand on.
        pollers: list[StreamPoller | QueuePoller] = [
            *(StreamPoller(fn) for fn in stream_functions()),
            *(QueuePoller(fn) for fn in triggered_functions()),
        ]
        for poller in pollers:
            poller.start()
        print_new_messages(stop)
        print(
            f"Orion local cloud is up: http://localhost:{args.port}/ (AWS APIs on 127.0.0.1:{args.aws_port})"
        )
        for line in lines:
            print(line)
        print(f"Dev outbox (e-mails the app would send): http://localhost:{args.port}/_dev/outbox")
        print("State lives in memory and is gone when you stop. Ctrl-C stops.", flush=True)
        while not signals:
            time.sleep(0.2)
        stop.set()
        print("Stopping...", flush=True)
        exit_after(SHUTDOWN_SECONDS)
        scheduler.stop()
        for poller in pollers:
            poller.stop()
        gateway.shutdown()
        gateway.server_close()
    return 0


if __name__ == "__main__":
    code = main()
    stop_starting(timeout=1.0)
    # Everything has stopped and the cloud's state lived in memory: tearing down an interpreter that
    # size (moto's state, every module) only makes Ctrl-C wait seconds for nothing.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
