"""A real WordPress for the test suite: Debian's ``wordpress`` (6.1) served by ``php -S`` on a free loopback
port, on a MariaDB of its own (a data folder and a socket under a temporary folder, no network port).

Everything lives in one temporary folder and is stopped and removed by :meth:`WordPressSite.stop`:

- ``db/``: the MariaDB data folder, ``mysql.sock`` its socket;
- ``site/``: the document root: copies of the three entry files that fix ``ABSPATH`` (``index.php``,
  ``wp-blog-header.php``, ``wp-load.php``) and our ``wp-config.php``; every other file and folder of
  ``/usr/share/wordpress`` linked in (so nothing under ``/etc/wordpress`` or ``/var/lib/wordpress`` is read
  or written), and ``wp-content/uploads`` for the media library;
- ``images/``: files a second plain HTTP server hands out as a product's pictures.

WordPress is installed by a PHP script calling ``wp_install()``, which also creates an application
password for the administrator (``WP_Application_Passwords::create_new_application_password``);
``WP_ENVIRONMENT_TYPE`` is ``local`` so application passwords work over plain HTTP.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

WORDPRESS = Path("/usr/share/wordpress")
# Files whose own folder WordPress reads as ABSPATH: copied, so ABSPATH is the temporary document root.
ENTRY_FILES = ("index.php", "wp-blog-header.php", "wp-load.php")
ADMIN = "orion-admin"
ADMIN_PASSWORD = "not-used-for-the-rest-api"
START_SECONDS = 60.0

WP_CONFIG = """<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost:{socket}');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_ENVIRONMENT_TYPE', 'local');
define('WP_CONTENT_DIR', __DIR__ . '/wp-content');
define('WP_HOME', '{url}');
define('WP_SITEURL', '{url}');
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('FS_METHOD', 'direct');
{salts}
$table_prefix = 'wp_';
if (!defined('ABSPATH')) {{ define('ABSPATH', __DIR__ . '/'); }}
require_once ABSPATH . 'wp-settings.php';
"""

# Installs WordPress and prints the administrator's new application password as JSON.
INSTALL = """<?php
define('WP_INSTALLING', true);
$_SERVER['HTTP_HOST'] = '{host}';
$_SERVER['REQUEST_URI'] = '/';
require __DIR__ . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
$installed = wp_install('Orion test blog', '{admin}', 'admin@example.com', false, '', '{password}');
$user = get_user_by('login', '{admin}');
list($password, $item) = WP_Application_Passwords::create_new_application_password(
    $user->ID, array('name' => 'orion')
);
echo json_encode(array('password' => $password, 'user_id' => $user->ID));
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def missing_packages() -> list[str]:
    """What the suite needs that this machine lacks (``make test-wordpress`` installs it)."""
    needed = {"php": "php-cli", "mariadbd": "mariadb-server", "mariadb-install-db": "mariadb-server"}
    missing = [package for tool, package in needed.items() if shutil.which(tool) is None]
    if not (WORDPRESS / "wp-settings.php").exists():
        missing.append("wordpress")
    return sorted(set(missing))


@dataclass
class WordPressSite:
    """A running WordPress: its address, the administrator's user name and application password."""

    root: Path
    url: str = ""
    port: int = 0
    images_url: str = ""
    username: str = ADMIN
    application_password: str = ""
    _processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    _image_server: ThreadingHTTPServer | None = None
    php: subprocess.Popen[bytes] | None = None

    # --- start ---

    @classmethod
    def start(cls) -> WordPressSite:
        site = cls(Path(tempfile.mkdtemp(prefix="orion-wp-")))
        try:
            site._start_database()
            site._lay_out()
            site._install()
            site.start_php()
            site._serve_images()
        except BaseException:
            site.stop()
            raise
        return site

    @property
    def socket(self) -> Path:
        return self.root / "mysql.sock"

    def _start_database(self) -> None:
        data = self.root / "db"
        as_root = ["--user=root"] if os.geteuid() == 0 else []
        subprocess.run(
            [
                "mariadb-install-db",
                "--no-defaults",
                f"--datadir={data}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                *as_root,
            ],
            check=True,
            capture_output=True,
        )
        command = [
            "mariadbd",
            "--no-defaults",
            f"--datadir={data}",
            f"--socket={self.socket}",
            f"--pid-file={self.root / 'mariadb.pid'}",
            "--skip-networking",
            "--skip-log-bin",
            "--innodb-buffer-pool-size=32M",
            *as_root,
        ]
        with (self.root / "mariadb.log").open("wb") as log:
            self._processes.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT))
        self._wait(lambda: self._sql("SELECT 1"), "MariaDB")
        self._sql("CREATE DATABASE wordpress CHARACTER SET utf8mb4")

    def _sql(self, statement: str) -> bool:
        done = subprocess.run(
            ["mariadb", "--no-defaults", f"--socket={self.socket}", "-uroot", "-e", statement],
            capture_output=True,
            check=False,
        )
        return done.returncode == 0

    def _lay_out(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        site = self.root / "site"
        site.mkdir()
        for entry in WORDPRESS.iterdir():
            if entry.name in ENTRY_FILES:
                shutil.copyfile(entry, site / entry.name)
            elif entry.name not in ("wp-config.php", "wp-content", ".htaccess"):
                (site / entry.name).symlink_to(entry)
        content = site / "wp-content"
        (content / "uploads").mkdir(parents=True)
        for folder in ("plugins", "themes"):
            (content / folder).symlink_to(WORDPRESS / "wp-content" / folder)
        salts = "\n".join(
            f"define('{name}', '{os.urandom(24).hex()}');"
            for name in (
                "AUTH_KEY",
                "SECURE_AUTH_KEY",
                "LOGGED_IN_KEY",
                "NONCE_KEY",
                "AUTH_SALT",
                "SECURE_AUTH_SALT",
                "LOGGED_IN_SALT",
                "NONCE_SALT",
            )
        )
        (site / "wp-config.php").write_text(WP_CONFIG.format(socket=self.socket, url=self.url, salts=salts))

    def _install(self) -> None:
        script = self.root / "site" / "orion-install.php"
        script.write_text(INSTALL.format(host=f"127.0.0.1:{self.port}", admin=ADMIN, password=ADMIN_PASSWORD))
        try:
            done = subprocess.run(["php", str(script)], capture_output=True, check=True, timeout=120)
        finally:
            script.unlink()
        answer = json.loads(done.stdout.decode().strip().splitlines()[-1])
        self.application_password = str(answer["password"])

    def start_php(self) -> None:
        """Serve the site (again, after :meth:`stop_php`) on the same port."""
        with (self.root / "php.log").open("ab") as log:
            self.php = subprocess.Popen(
                ["php", "-S", f"127.0.0.1:{self.port}", "-t", str(self.root / "site")],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait(lambda: self._answers("/?rest_route=/"), "php -S")

    def stop_php(self) -> None:
        if self.php is not None:
            _end(self.php)
            self.php = None

    def _serve_images(self) -> None:
        folder = self.root / "images"
        folder.mkdir()
        handler = partial(_QuietHandler, directory=str(folder))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._image_server = server
        self.images_url = f"http://127.0.0.1:{server.server_address[1]}"

    def add_image(self, name: str, body: bytes) -> str:
        """Hand out ``body`` at an address of the image server; its address."""
        (self.root / "images" / name).write_bytes(body)
        return f"{self.images_url}/{name}"

    @property
    def trusted_hosts(self) -> list[str]:
        return [self.url.removeprefix("http://"), self.images_url.removeprefix("http://")]

    def _answers(self, path: str) -> bool:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as answer:
                return bool(answer.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def _wait(self, ready: Any, what: str) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if ready():
                return
            for process in self._processes + ([self.php] if self.php else []):
                if process.poll() is not None:
                    raise RuntimeError(f"{what} stopped while starting; see {self.root}")
            time.sleep(0.2)
        raise RuntimeError(f"{what} did not start within {START_SECONDS:.0f} s; see {self.root}")

    # --- another client of the site (as an editor in WordPress would be) ---

    def rest(self, method: str, route: str, body: dict[str, Any] | None = None, **query: str) -> Any:
        """Call the REST API as the administrator (urllib: not the adapter's code)."""
        token = base64.b64encode(f"{self.username}:{self.application_password}".encode()).decode()
        address = f"{self.url}/?{urlencode({'rest_route': route, **query})}"
        request = urllib.request.Request(
            address,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())

    # --- stop ---

    def stop(self) -> None:
        """Stop everything the site started and remove its folder."""
        self.stop_php()
        if self._image_server is not None:
            self._image_server.shutdown()
            self._image_server.server_close()
            self._image_server = None
        for process in reversed(self._processes):
            _end(process)
        self._processes.clear()
        shutil.rmtree(self.root, ignore_errors=True)


def _end(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return
