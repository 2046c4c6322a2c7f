"""The production stack on loopback: gunicorn with production settings (docker/gunicorn.conf.py) behind nginx
running docker/nginx.conf (TLS with a throwaway certificate). Proves the container health check passes, the
schema needs a login, nginx overwrites a client's X-Forwarded-For/-Proto, the app ignores them from an
untrusted peer, and an oversized body gets 413 from nginx without reaching the app.

Skipped when nginx or openssl is not installed (scripts/install-system-packages.sh installs both).
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
OPENSSL = shutil.which("openssl")
HOST = "portal.example.tw"
CLIENT = "127.0.0.7"  # the client's own loopback address; nginx (the trusted proxy) connects from 127.0.0.1
UNTRUSTED = "127.0.0.5"

pytestmark = [
    pytest.mark.skipif(not (NGINX and OPENSSL), reason="needs nginx and openssl"),
    pytest.mark.no_services,  # the stack runs on its own SQLite database (DATABASE_URL and REDIS_URL removed)
]


@dataclass
class Stack:
    app_port: int
    http_port: int
    https_port: int
    app_log: Path
    env: dict[str, str]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}: {log.read_text(errors='replace')[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"port {port} not open after {timeout}s: {log.read_text(errors='replace')[-3000:]}")


def _nginx_conf(tmp: Path, stack_ports: tuple[int, int, int]) -> str:
    """docker/nginx.conf with loopback ports, the test certificate and temp folders; nothing else changed."""
    app_port, http_port, https_port = stack_ports
    text = (ROOT / "docker" / "nginx.conf").read_text()
    replacements = {
        "server web:8000;": f"server 127.0.0.1:{app_port};",
        "listen 80 default_server;": f"listen 127.0.0.1:{http_port} default_server;",
        "listen 443 ssl default_server;": f"listen 127.0.0.1:{https_port} ssl default_server;",
        "listen [::]:80 default_server;": "",
        "listen [::]:443 ssl default_server;": "",
        "/etc/nginx/certs/fullchain.pem;": f"{tmp}/fullchain.pem;",
        "/etc/nginx/certs/privkey.pem;": f"{tmp}/privkey.pem;",
        "http {": f"http {{\n    client_body_temp_path {tmp}/body;\n    proxy_temp_path {tmp}/proxy;",
    }
    for old, new in replacements.items():
        assert text.count(old) == 1, f"docker/nginx.conf changed: {old!r} expected once"
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("stack")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    app_port, http_port, https_port = _free_port(), _free_port(), _free_port()
    env.update(
        {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "s" * 64 + "-production-like-secret-for-the-proxy-test",
            "DJANGO_ALLOWED_HOSTS": HOST,
            "PORTAL_VAR_DIR": str(tmp / "var"),
            "PORTAL_TRUSTED_PROXIES": "127.0.0.1/32",
            "GUNICORN_BIND": f"127.0.0.1:{app_port}",
            "GUNICORN_WORKERS": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    subprocess.run(
        [
            OPENSSL,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={HOST}",
            "-keyout",
            str(tmp / "privkey.pem"),
            "-out",
            str(tmp / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    (tmp / "nginx.conf").write_text(_nginx_conf(tmp, (app_port, http_port, https_port)))
    app_log, nginx_log = tmp / "gunicorn.log", tmp / "nginx.log"
    with app_log.open("wb") as app_out, nginx_log.open("wb") as nginx_out:
        app = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "platform_site.wsgi:application", "--config", "docker/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=app_out,
            stderr=subprocess.STDOUT,
        )
        nginx = subprocess.Popen(
            [
                NGINX,
                "-c",
                str(tmp / "nginx.conf"),
                "-e",
                str(tmp / "nginx-error.log"),
                "-g",
                f"daemon off; pid {tmp}/nginx.pid;",
            ],
            stdout=nginx_out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_port(app_port, app, app_log)
        _wait_for_port(https_port, nginx, tmp / "nginx-error.log")
        yield Stack(app_port, http_port, https_port, app_log, env)
    finally:
        for process in (nginx, app):
            process.send_signal(signal.SIGTERM)
        for process in (nginx, app):
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


@dataclass
class Answer:
    status: int
    location: str | None


def _call(
    connection: http.client.HTTPConnection, method: str, path: str, headers: dict[str, str], body: bytes | None = None
) -> Answer:
    """One request on a fresh connection, closed afterwards."""
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return Answer(response.status, response.getheader("Location"))
    finally:
        connection.close()


def _direct(stack: Stack, method: str, path: str, headers: dict[str, str], source: str = "127.0.0.1") -> Answer:
    """Straight to gunicorn, from ``source`` (127.0.0.1 is the trusted proxy's address in this stack)."""
    return _call(
        http.client.HTTPConnection("127.0.0.1", stack.app_port, timeout=10, source_address=(source, 0)),
        method,
        path,
        headers,
    )


def _tls_connection(stack: Stack) -> http.client.HTTPSConnection:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # throwaway self-signed certificate
    return http.client.HTTPSConnection(
        "127.0.0.1", stack.https_port, timeout=10, context=context, source_address=(CLIENT, 0)
    )


def _tls(stack: Stack, method: str, path: str, headers: dict[str, str], body: bytes | None = None) -> Answer:
    """Through nginx over TLS, from the client address 127.0.0.7."""
    return _call(_tls_connection(stack), method, path, {"Host": HOST, **headers}, body)


def _app_log_lines(stack: Stack, marker: str, wait: float = 5) -> list[str]:
    """gunicorn access-log lines that mention ``marker`` (waits briefly for the line to be written)."""
    deadline = time.monotonic() + wait
    while True:
        lines = [line for line in stack.app_log.read_text(errors="replace").splitlines() if marker in line]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def test_the_container_health_check_passes_with_production_settings(stack):
    env = {**stack.env, "PORTAL_HEALTHCHECK_PORT": str(stack.app_port)}
    result = subprocess.run(
        [sys.executable, "docker/healthcheck.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    # Why it sends a Host: production refuses 127.0.0.1, and other pages redirect plain HTTP to https.
    assert _direct(stack, "GET", "/healthz", {"Host": "127.0.0.1"}).status == 400
    assert _direct(stack, "GET", "/accounts/login/", {"Host": HOST}) == Answer(301, f"https://{HOST}/accounts/login/")


def test_the_schema_needs_a_login_in_production(stack):
    assert _tls(stack, "GET", "/api/schema/", {}).status in (401, 403)


def test_nginx_overwrites_the_clients_forwarding_headers(stack):
    marker = uuid.uuid4().hex
    spoofed = {"X-Forwarded-For": "198.51.100.9", "X-Forwarded-Proto": "http", "X-Real-IP": "198.51.100.9"}
    assert _tls(stack, "GET", f"/healthz?probe={marker}", spoofed).status == 200
    [line] = _app_log_lines(stack, marker)
    assert "xff=127.0.0.7 proto=https" in line, line
    assert "198.51.100.9" not in line
    # The spoofed "http" did not make the app redirect: it believed the proxy's https.
    assert _tls(stack, "GET", "/api/schema/", {"X-Forwarded-Proto": "http"}).status in (401, 403)


def test_plain_http_to_the_proxy_only_redirects(stack):
    marker = uuid.uuid4().hex
    connection = http.client.HTTPConnection("127.0.0.1", stack.http_port, timeout=10, source_address=(CLIENT, 0))
    answer = _call(connection, "GET", f"/healthz?probe={marker}", {"Host": HOST, "X-Forwarded-Proto": "https"})
    assert answer == Answer(301, f"https://{HOST}/healthz?probe={marker}")
    assert _app_log_lines(stack, marker, wait=1) == []


def test_the_app_ignores_forwarding_headers_from_an_untrusted_peer(stack):
    spoofed = _direct(stack, "GET", "/api/schema/", {"Host": HOST, "X-Forwarded-Proto": "https"}, source=UNTRUSTED)
    assert spoofed.status == 301  # still plain HTTP to the app: redirected, not served
    trusted = _direct(stack, "GET", "/api/schema/", {"Host": HOST, "X-Forwarded-Proto": "https"})
    assert trusted.status in (401, 403)


def test_an_oversized_body_is_refused_by_nginx_before_the_app_sees_it(stack):
    small, huge = uuid.uuid4().hex, uuid.uuid4().hex
    answer = _tls(stack, "POST", f"/healthz?probe={small}", {"Content-Type": "application/octet-stream"}, b"x" * 1024)
    assert answer.status != 413
    assert len(_app_log_lines(stack, small)) == 1  # a body under the cap is passed on
    connection = _tls_connection(stack)
    try:
        connection.putrequest("POST", f"/healthz?probe={huge}", skip_host=True)
        connection.putheader("Host", HOST)
        connection.putheader("Content-Type", "application/octet-stream")
        connection.putheader("Content-Length", str(200 * 1024 * 1024))  # 200 MiB announced, none of it sent
        connection.endheaders()
        response = connection.getresponse()
        response.read()
        assert response.status == 413
    finally:
        connection.close()
    assert _app_log_lines(stack, huge, wait=1) == []
