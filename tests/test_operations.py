"""Operations: production settings pass `check --deploy`; demo data loads once; the health check answers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from cases.models import DemandCase
from platform_site.models import ActivityLog, Membership, Tenant
from platform_site.tenancy import tenant_scope

ROOT = Path(__file__).resolve().parent.parent
#: The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; a production process never has it.
BASE_ENV = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def test_check_deploy_with_production_settings_has_no_warnings(tmp_path):
    env = {
        **BASE_ENV,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 64 + "-production-like-secret-for-the-check",
        "DJANGO_ALLOWED_HOSTS": "portal.example.tw",
        "PORTAL_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**BASE_ENV, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "", "PORTAL_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_a_malformed_boolean_setting_fails_loudly(tmp_path):
    env = {**BASE_ENV, "DJANGO_DEBUG": "maybe", "PORTAL_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr


def test_a_malformed_decimal_setting_fails_loudly(tmp_path):
    env = {**BASE_ENV, "HWSIM_JOB_STALE_S": "a minute", "PORTAL_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "HWSIM_JOB_STALE_S='a minute' is not a number" in result.stderr


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis (REDIS_URL)")
def test_the_shared_cache_is_redis_when_configured(tmp_path):
    """PORTAL_CACHE_URL makes every process share one cache (reset throttling, schema); a value set by one
    process is read by another."""
    cache_url = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/5"
    env = {**BASE_ENV, "PORTAL_CACHE_URL": cache_url, "PORTAL_VAR_DIR": str(tmp_path)}
    code = (
        "import django; django.setup(); from django.core.cache import cache; from django.conf import settings; "
        "import sys; print(settings.CACHES['default']['BACKEND']); "
        "cache.set('ops-test', sys.argv[1]) if len(sys.argv) > 1 else print(cache.get('ops-test'))"
    )
    run = [sys.executable, "-c", code]
    first = subprocess.run([*run, "written"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    second = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert second.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "written"]


@pytest.mark.django_db
def test_seed_demo_loads_three_tenants_every_role_and_cases_in_many_states(capsys):
    call_command("seed_demo")
    assert sorted(Tenant.objects.values_list("slug", flat=True)) == ["ailab", "smgrant", "tsmp"]
    for tenant in Tenant.objects.all():
        roles = set(Membership.objects.filter(tenant=tenant).values_list("role", flat=True))
        assert roles == {
            "applicant",
            "supplier",
            "office_reviewer",
            "cto",
            "expert",
            "case_manager",
            "finance",
            "tenant_admin",
        }
        # Each applicant organisation has exactly one organisation admin (who can invite colleagues).
        applicants = Membership.objects.filter(tenant=tenant, role="applicant")
        assert applicants.filter(is_org_admin=True).count() == applicants.values("organization").distinct().count()
    tsmp = Tenant.objects.get(slug="tsmp")
    with tenant_scope(tsmp):
        states = list(DemandCase.objects.values_list("state", flat=True))
        assert ActivityLog.objects.exclude(field_name="").count() > 20
    assert len(states) >= 8
    assert {
        "draft",
        "submitted",
        "qualification",
        "documents_requested",
        "referred",
        "reference_design",
        "preliminary_review",
        "final_review",
        "in_service",
        "closed",
    } <= set(states)
    output = capsys.readouterr().out
    assert "reviewer@tsmp.demo" in output and "demo-2026" in output
    counts = _row_counts()
    call_command("seed_demo")  # a second run changes nothing
    assert _row_counts() == counts


def _row_counts() -> list[tuple[int, int, int]]:
    counts = []
    for tenant in Tenant.objects.order_by("pk"):
        with tenant_scope(tenant):
            counts.append(
                (
                    DemandCase.objects.count(),
                    ActivityLog.objects.count(),
                    Membership.objects.filter(tenant=tenant).count(),
                )
            )
    return counts


@pytest.mark.django_db
def test_health_check(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json()["status"]) == (200, "ok")
