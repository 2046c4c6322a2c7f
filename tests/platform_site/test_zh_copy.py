"""zh-Hant copy on the pages (issue 7 item 6): the language menu names each language in itself, the draft
help text has no stray （草稿） prefix, forms say 此欄位為必填, and each tenant's text is its own — a
verification lab is no 推動辦公室 and runs no 5-day 資格審 (seed 003), a programme office states its own
configured working days (seed 000_9617a3b789ca4d20.txt: 資格審 "隨到隨審，不超過 5 個工作天").
"""

from __future__ import annotations

import re

import pytest
from django.core import mail

from platform_site.enums import Role, TenantKind
from tests.factories import OrganizationFactory, TenantFactory, persona

pytestmark = pytest.mark.django_db


def language_options(client, url: str) -> dict[str, str]:
    """``{language code: option text}`` of the language menu on the page at ``url``."""
    body = client.get(url).content.decode()
    return dict(re.findall(r'<option value="([a-z-]+)" lang="[a-z-]+"(?: selected)?>([^<]+)</option>', body))


@pytest.mark.parametrize("ui_language", ["zh-hant", "en"])
def test_the_language_menu_names_each_language_in_itself(client, db, ui_language):
    client.cookies["django_language"] = ui_language
    assert language_options(client, "/") == {"zh-hant": "繁體中文", "en": "English"}


def test_the_draft_help_text_has_no_stray_prefix(client, world):
    client.force_login(world.applicant)
    body = client.get("/t/tsmp/cases/new/").content.decode()
    assert "您可以先儲存未完成的草稿，稍後再回來填寫。" in body
    assert "（草稿）您可以" not in body


def test_a_missing_required_field_says_it_is_required_in_taiwan_usage(client, world):
    body = client.post("/t/tsmp/register/", {"email": ""}).content.decode()
    assert "此欄位為必填。" in body
    assert "此為必需欄位" not in body and "這個欄位是必須的" not in body


@pytest.fixture
def lab(db):
    return TenantFactory(slug="lab", name="AI晶片異質整合驗證實驗室", kind=TenantKind.VERIFICATION_LAB)


def test_a_lab_landing_page_speaks_of_verification_not_of_a_programme_office(client, lab):
    body = client.get("/t/lab/").content.decode()
    assert "以模擬方式驗證 AI 晶片平台" in body
    assert "推動辦公室" not in body and "工作天" not in body and "資格審" not in body


def test_a_lab_home_speaks_of_verification_not_of_a_programme_office(client, lab):
    client.force_login(persona(lab, Role.APPLICANT, OrganizationFactory(tenant=lab)))
    body = client.get("/t/lab/").content.decode()
    assert "AI 晶片平台的模擬驗證及其驗證報告。" in body
    assert "推動辦公室" not in body and "工作天" not in body and "資格審" not in body


def test_the_portal_home_lists_offices_and_labs_not_only_programme_offices(client, lab):
    body = client.get("/").content.decode()
    assert "本平台的辦公室與實驗室" in body
    assert "推動辦公室" not in body


def test_a_programme_office_states_its_own_working_days(client, db):
    office = TenantFactory(slug="office", name="某推動辦公室", settings={"qualification_working_days": 7})
    landing = client.get("/t/office/").content.decode()
    assert "資格審於 7 個工作天內完成審查。" in landing
    client.force_login(persona(office, Role.OFFICE_REVIEWER))
    queue = client.get("/t/office/review/queue/").content.decode()
    assert "每件案件於送件後 7 個工作天內（依臺灣行事曆）完成決定。" in queue
    assert "5 個工作天" not in landing + queue


def test_the_password_reset_email_uses_full_width_punctuation(client, world):
    client.post("/accounts/password_reset/", {"email": world.applicant.email})
    (message,) = mail.outbox
    assert f"您的登入帳號：{world.applicant.get_username()}" in message.body
    assert "（僅能使用一次，" in message.body


@pytest.mark.parametrize(
    ("role", "label"),
    [(Role.OFFICE_REVIEWER, "實驗室工程師"), (Role.TENANT_ADMIN, "實驗室管理員"), (Role.EXPERT, "產學研專家")],
)
def test_lab_staff_are_named_for_the_lab_and_get_no_programme_office_text(client, lab, role, label):
    """docs/domain.md "Roles": in the lab the office reviewer is a lab engineer, not 推動辦公室人員."""
    client.force_login(persona(lab, role))
    body = client.get("/t/lab/").content.decode()
    assert f'<span class="badge text-bg-secondary role-label">{label}</span>' in body
    assert "推動辦公室" not in body and "工作天" not in body
    assert "審查邀請與您評分的案件" not in body  # the office's expert text; the lab's expert gets the general one
    portal = client.get("/").content.decode()
    assert label in portal and "推動辦公室人員" not in portal
