"""Typed tenant settings (TenantConfig): defaults, validation on save and in the admin form, the one reader."""

from __future__ import annotations

import dataclasses

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from cases import services
from cases.models import taipei_today
from platform_site.models import Tenant
from platform_site.tenancy import tenant_scope
from platform_site.tenant_config import TenantConfig, setting
from platform_site.workdays import add_working_days
from tests.factories import MINIMAL_PDF, TenantFactory, complete_case, reload

pytestmark = pytest.mark.django_db

BAD_VALUES = [
    ("qualification_working_days", 0, "greater than or equal to 1"),
    ("qualification_working_days", 31, "less than or equal to 30"),
    ("qualification_working_days", "5", "whole number"),
    ("qualification_working_days", True, "whole number"),
    ("qualification_working_days", None, "cannot be null"),
    ("case_prefix", "tsmp", "upper-case letters"),
    ("case_prefix", 12, "text value"),
    ("report_prefix", "V R", "upper-case letters"),
    ("upload_max_bytes", 0, "greater than or equal to 1"),
    ("upload_max_bytes", 10**12, "less than or equal to"),
    ("qualification_days", 5, "Unknown setting"),
]


def test_defaults_apply_when_nothing_is_stored():
    tenant = TenantFactory(slug="tsmp", settings={})
    config = tenant.config
    # Seed 000_9617a3b789ca4d20.txt: 資格審 "隨到隨審，不超過 5 個工作天".
    assert config.qualification_working_days == 5
    assert config.case_prefix == "TSMP"  # the slug, upper case
    assert config.report_prefix == "VR"
    assert config.upload_max_bytes is None  # the site limit applies


def test_stored_values_override_the_defaults():
    tenant = TenantFactory(settings={"case_prefix": "AICL", "qualification_working_days": 3, "upload_max_bytes": 1000})
    assert (tenant.config.case_prefix, tenant.config.qualification_working_days, tenant.config.upload_max_bytes) == (
        "AICL",
        3,
        1000,
    )
    assert tenant.config.report_prefix == "VR"


@pytest.mark.parametrize(("key", "value", "message"), BAD_VALUES)
def test_a_bad_value_is_refused_on_full_clean_and_on_save_with_a_message_naming_the_key(key, value, message):
    tenant = Tenant(slug="office", name="辦公室", settings={key: value})
    with translation.override("en"), pytest.raises(ValidationError) as info:
        tenant.full_clean()
    errors = info.value.message_dict["settings"]
    assert len(errors) == 1 and errors[0].startswith(f"{key}: ") and message in errors[0], errors
    with pytest.raises(ValidationError):
        tenant.save()
    assert not Tenant.objects.filter(slug="office").exists()


def test_settings_must_be_an_object():
    with translation.override("en"), pytest.raises(ValidationError, match="JSON object"):
        Tenant(slug="office", name="辦公室", settings=[1, 2]).full_clean()


def test_every_bad_key_gets_its_own_message():
    with translation.override("en"), pytest.raises(ValidationError) as info:
        Tenant(
            slug="office", name="辦公室", settings={"case_prefix": "x", "qualification_working_days": -1}
        ).full_clean()
    assert [m.split(":")[0] for m in info.value.message_dict["settings"]] == [
        "case_prefix",
        "qualification_working_days",
    ]


def test_messages_are_in_the_users_language():
    data = {"qualification_working_days": 0}
    with translation.override("zh-hant"):
        chinese = _message_for(data)
    with translation.override("en"):
        english = _message_for(data)
    assert english == "qualification_working_days: Ensure this value is greater than or equal to 1."
    assert chinese.startswith("qualification_working_days: ") and "大於或等於 1" in chinese


def _message_for(data: dict) -> str:
    try:
        Tenant(slug="office", name="辦公室", settings=data).full_clean()
    except ValidationError as exc:
        return exc.message_dict["settings"][0]
    raise AssertionError("no error")


def _admin_client(client):
    root = get_user_model().objects.create_superuser("root@example.tw", "root@example.tw", "pw-for-tests-2026")
    client.force_login(root)
    return client


def _change_form(tenant: Tenant, settings_json: str) -> dict:
    return {
        "slug": tenant.slug,
        "name": tenant.name,
        "name_en": tenant.name_en,
        "kind": tenant.kind,
        "settings": settings_json,
        "is_active": "on",
    }


def test_the_admin_change_form_shows_the_bad_key_and_keeps_the_stored_settings(client):
    tenant = TenantFactory(settings={"qualification_working_days": 5})
    url = f"/admin/platform_site/tenant/{tenant.pk}/change/"
    client = _admin_client(client)
    with translation.override("en"):
        response = client.post(
            url,
            _change_form(tenant, '{"qualification_working_days": 0, "colour": "blue"}'),
            headers={"accept-language": "en"},
        )
    assert response.status_code == 200  # the form again, not a redirect
    errors = response.context["adminform"].form.errors["settings"]
    assert any(e.startswith("qualification_working_days: ") for e in errors), errors
    assert any(e.startswith("colour: Unknown setting") for e in errors), errors
    assert "qualification_working_days: " in response.content.decode()
    tenant.refresh_from_db()
    assert tenant.settings == {"qualification_working_days": 5}


def test_the_admin_change_form_saves_good_settings_and_shows_the_effective_values(client):
    tenant = TenantFactory(settings={})
    url = f"/admin/platform_site/tenant/{tenant.pk}/change/"
    client = _admin_client(client)
    response = client.post(url, _change_form(tenant, '{"qualification_working_days": 7, "report_prefix": "LAB"}'))
    assert response.status_code == 302
    tenant.refresh_from_db()
    assert tenant.config.qualification_working_days == 7 and tenant.config.report_prefix == "LAB"
    page = client.get(url).content.decode()
    assert "&quot;case_prefix&quot;: &quot;" + tenant.slug.upper() in page


def test_submit_uses_the_tenants_qualification_period_and_prefix(world):
    tenant = world.a
    tenant.settings = {"case_prefix": "SMART", "qualification_working_days": 3}
    tenant.save()
    case = complete_case(tenant=tenant, applicant_org=world.org_a, created_by=world.applicant)
    with tenant_scope(tenant):
        services.transition_case(case, "submit", world.applicant)
    case = reload(case)
    assert case.reference.startswith("SMART-")
    assert case.qualification_due == add_working_days(taipei_today(), 3)


def test_the_tenants_upload_limit_is_enforced(world):
    tenant = world.a
    tenant.settings = {"upload_max_bytes": len(MINIMAL_PDF) - 1}
    tenant.save()
    case = complete_case(tenant=tenant, applicant_org=world.org_a, created_by=world.applicant)
    with tenant_scope(tenant), translation.override("en"), pytest.raises(ValidationError, match="too large"):
        services.add_document(case, world.applicant, "other", SimpleUploadedFile("a.pdf", MINIMAL_PDF))


@dataclasses.dataclass(frozen=True)
class _WithReviewSettings(TenantConfig):
    """What a later app adds: one line per setting."""

    show_scores_to_applicants: bool = setting(False)
    review_panel_size: int = setting(5, min_value=3, max_value=7)


def test_a_new_setting_is_one_declared_field_with_type_bounds_and_default():
    assert _WithReviewSettings.keys() == TenantConfig.keys() | {"show_scores_to_applicants", "review_panel_size"}
    config = _WithReviewSettings.from_settings({"show_scores_to_applicants": True}, slug="tsmp")
    assert (config.show_scores_to_applicants, config.review_panel_size, config.case_prefix) == (True, 5, "TSMP")
    with translation.override("en"):
        errors = _WithReviewSettings.errors({"show_scores_to_applicants": "yes", "review_panel_size": 9})
    assert errors == {
        "show_scores_to_applicants": ["Enter true or false."],
        "review_panel_size": ["Ensure this value is less than or equal to 7."],
    }


def test_a_value_written_around_save_falls_back_to_its_default(caplog):
    tenant = TenantFactory(settings={"report_prefix": "LAB"})
    Tenant.objects.filter(pk=tenant.pk).update(settings={"report_prefix": "LAB", "qualification_working_days": -3})
    tenant.refresh_from_db()
    assert (tenant.config.qualification_working_days, tenant.config.report_prefix) == (5, "LAB")
    assert "qualification_working_days" in caplog.text
