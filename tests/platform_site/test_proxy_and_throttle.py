"""Forwarded headers are believed only from the trusted proxy; login throttling per username+IP and per IP;
the API schema needs a login when not public and is generated once (issue C5, B8)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from platform_site.schema import schema_cache_key

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent

PASSWORD = "pw-for-tests-2026"  # tests.factories.UserFactory
IP1, IP2, IP3 = "203.0.113.1", "203.0.113.2", "198.51.100.3"
PROXY = "10.9.0.2"


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    return settings


def _login(client, username: str, password: str, **meta: str):
    return client.post("/accounts/login/", {"username": username, "password": password}, **meta)


def _fail(client, username: str, times: int, **meta: str) -> int:
    """Post ``times`` wrong passwords; return the last status (200 form error, 429 once the limit is reached)."""
    statuses = [_login(client, username, "wrong", **meta).status_code for _ in range(times)]
    assert set(statuses[:-1]) <= {200}, statuses
    return statuses[-1]


# --- proxy headers ---------------------------------------------------------------------------------


def test_forwarded_proto_counts_only_from_a_trusted_proxy(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.PORTAL_TRUSTED_PROXIES = [f"{PROXY}/32"]
    spoofed = client.get("/accounts/login/", REMOTE_ADDR=IP1, HTTP_X_FORWARDED_PROTO="https")
    assert spoofed.status_code == 301 and spoofed["Location"].startswith("https://")
    proxied = client.get("/accounts/login/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200


def test_nobody_is_trusted_by_default(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert settings.PORTAL_TRUSTED_PROXIES == []
    response = client.get("/accounts/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301


def test_the_health_check_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200


# --- login throttling ------------------------------------------------------------------------------


def test_five_failures_lock_that_user_from_that_ip_only(client, world, axes_on):
    user = world.applicant.username
    assert _fail(client, user, axes_on.AXES_FAILURE_LIMIT, REMOTE_ADDR=IP1) == 429
    assert _login(client, user, PASSWORD, REMOTE_ADDR=IP1).status_code == 429
    assert _login(client, world.reviewer.username, PASSWORD, REMOTE_ADDR=IP1).status_code == 302  # IP not locked
    client.logout()
    assert _login(client, user, PASSWORD, REMOTE_ADDR=IP2).status_code == 302  # the user is not locked out


def test_spraying_many_usernames_from_one_ip_locks_the_ip(client, world, axes_on):
    limit = axes_on.PORTAL_LOGIN_IP_FAILURE_LIMIT
    assert limit == 30 and limit > axes_on.AXES_FAILURE_LIMIT
    for n in range(limit - 1):
        assert _fail(client, f"victim{n}@example.tw", 1, REMOTE_ADDR=IP1) == 200
    # One short of the limit the IP still signs in, and that success does not wipe the IP's count.
    assert _login(client, world.applicant.username, PASSWORD, REMOTE_ADDR=IP1).status_code == 302
    client.logout()
    assert _fail(client, "one-more@example.tw", 1, REMOTE_ADDR=IP1) == 429
    assert _login(client, world.reviewer.username, PASSWORD, REMOTE_ADDR=IP1).status_code == 429
    assert _login(client, world.reviewer.username, PASSWORD, REMOTE_ADDR=IP2).status_code == 302


def test_the_client_ip_comes_from_x_forwarded_for_only_via_the_trusted_proxy(client, world, axes_on):
    axes_on.PORTAL_TRUSTED_PROXIES = [f"{PROXY}/32"]
    user = world.applicant.username
    # Through the proxy: the client behind it is IP1, and only IP1 is locked for this user.
    _fail(client, user, axes_on.AXES_FAILURE_LIMIT, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=IP1)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {IP1}
    assert _login(client, user, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=IP1).status_code == 429
    assert _login(client, user, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=IP2).status_code == 302
    client.logout()
    # From an untrusted peer the header is ignored: the failures count against the peer (IP3), not IP2.
    _fail(client, world.reviewer.username, 1, REMOTE_ADDR=IP3, HTTP_X_FORWARDED_FOR=IP2)
    assert AccessAttempt.objects.get(username=world.reviewer.username).ip_address == IP3


def test_a_proxy_chain_takes_the_right_most_untrusted_hop(client, world, axes_on):
    axes_on.PORTAL_TRUSTED_PROXIES = [f"{PROXY}/32", "10.9.1.0/24"]
    _fail(client, world.applicant.username, 1, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{IP2}, {IP1}, 10.9.1.7")
    assert AccessAttempt.objects.get().ip_address == IP1


def test_a_malformed_forwarded_for_from_the_proxy_counts_against_the_proxy(client, world, axes_on):
    axes_on.PORTAL_TRUSTED_PROXIES = [f"{PROXY}/32"]
    _fail(client, world.applicant.username, 1, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="not-an-ip")
    assert AccessAttempt.objects.get().ip_address == PROXY


# --- API schema ------------------------------------------------------------------------------------


def test_the_schema_needs_a_login_unless_public(client, world, settings):
    settings.PORTAL_SCHEMA_PUBLIC = False
    assert client.get("/api/schema/").status_code in (401, 403)
    client.force_login(world.applicant)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/t/{tenant_slug}/cases/" in response.json()["paths"]


def test_the_schema_is_generated_once_per_language(client, settings, monkeypatch):
    settings.PORTAL_SCHEMA_PUBLIC = True
    cache.clear()
    generated: list[str | None] = []
    real = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        generated.append(translation.get_language())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    json = "application/vnd.oai.openapi+json"
    first = client.get("/api/schema/", {"lang": "en"}, HTTP_ACCEPT=json)
    assert cache.get(schema_cache_key(version=None, language="en")) is not None
    second = client.get("/api/schema/", {"lang": "en"}, HTTP_ACCEPT=json)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert generated == ["en"]
    client.get("/api/schema/", {"lang": "zh-hant"}, HTTP_ACCEPT=json)
    assert generated == ["en", "zh-hant"]


def test_a_malformed_trusted_proxy_fails_loudly(tmp_path):
    env = {**os.environ, "PORTAL_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local", "PORTAL_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "PORTAL_TRUSTED_PROXIES: 'proxy.local' is not an IP address or network" in result.stderr
