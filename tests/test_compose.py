"""docker-compose.yml wiring (no Docker engine in CI): only the proxy is published, web trusts exactly the
proxy's address, the health check and the proxy configuration exist, the body cap fits the upload limit."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

pytestmark = pytest.mark.no_services  # tests/conftest.py: the PostgreSQL pass skips it

ROOT = Path(__file__).resolve().parent.parent


def _defaults(value: str) -> str:
    """Compose interpolation with every variable unset: ``${NAME:-default}`` -> ``default``."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_only_the_proxy_is_published_and_gunicorn_is_internal():
    services = _compose()["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert services["proxy"]["ports"] == ["80:80", "443:443"]
    assert services["web"]["expose"] == ["8000"]
    assert set(services["proxy"]["networks"]) == {"edge"}
    assert "edge" in services["web"]["networks"]
    assert not [
        name
        for name, service in services.items()
        if name not in ("web", "proxy") and "edge" in service.get("networks", {})
    ]


def test_web_trusts_exactly_the_proxys_fixed_address_on_the_edge_network():
    compose = _compose()
    services = compose["services"]
    proxy_address = _defaults(services["proxy"]["networks"]["edge"]["ipv4_address"])
    web_address = _defaults(services["web"]["networks"]["edge"]["ipv4_address"])
    subnet = ipaddress.ip_network(_defaults(compose["networks"]["edge"]["ipam"]["config"][0]["subnet"]))
    assert ipaddress.ip_address(proxy_address) in subnet and ipaddress.ip_address(web_address) in subnet
    assert proxy_address != web_address
    assert _defaults(services["web"]["environment"]["PORTAL_TRUSTED_PROXIES"]) == f"{proxy_address}/32"
    assert "PORTAL_TRUSTED_PROXIES" in (ROOT / "docker" / "gunicorn.conf.py").read_text()


def test_the_health_check_and_proxy_configuration_are_the_repositorys_files():
    services = _compose()["services"]
    assert services["web"]["healthcheck"]["test"] == ["CMD", "python", "docker/healthcheck.py"]
    assert (ROOT / "docker" / "healthcheck.py").is_file()
    assert "./docker/nginx.conf:/etc/nginx/nginx.conf:ro" in services["proxy"]["volumes"]
    assert services["proxy"]["depends_on"] == {"web": {"condition": "service_healthy"}}
    assert "docker/gunicorn.conf.py" in (ROOT / "Dockerfile").read_text()


def test_the_proxy_body_cap_is_a_little_above_the_upload_limit():
    conf = (ROOT / "docker" / "nginx.conf").read_text()
    [megabytes] = re.findall(r"^\s*client_max_body_size (\d+)m;", conf, flags=re.MULTILINE)
    cap = int(megabytes) * 1024 * 1024
    assert settings.UPLOAD_MAX_BYTES < cap <= settings.UPLOAD_MAX_BYTES + 4 * 1024 * 1024
