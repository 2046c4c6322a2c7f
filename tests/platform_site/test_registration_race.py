"""Registration race (issue C4): two registrations with the same email or 統一編號 at once → one account, one
form error on the right field, never a 500 and never half-written rows."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections
from django.test import Client

from platform_site import services
from platform_site.forms import ApplicantRegistrationForm
from platform_site.models import Membership, Organization
from platform_site.tenancy import tenant_scope
from platform_site.validators import is_valid_ubn
from tests.factories import OrganizationFactory, TenantFactory, UserFactory

FORM = {
    "org_name": "步履製鞋有限公司",
    "org_kind": "company",
    "size": "sme",
    "is_domestic": "on",
    "full_name": "林怡君",
    "password1": "Str0ng-pass-2026",
    "password2": "Str0ng-pass-2026",
    "consent": "on",
}
#: Valid 統一編號 (checksum rule of validators.is_valid_ubn).
UBNS = [ubn for ubn in (f"{n:08d}" for n in range(10_000_000, 10_002_000)) if is_valid_ubn(ubn)][:8]


def _service_args(**changes: Any) -> dict[str, Any]:
    args = {
        "org_name": "步履製鞋有限公司",
        "org_kind": "company",
        "ubn": UBNS[0],
        "size": "sme",
        "is_domestic": True,
        "address": "",
        "phone": "",
        "full_name": "林怡君",
        "email": "lin@shoes.example.tw",
        "password": "Str0ng-pass-2026",
        "consent": True,
    }
    return {**args, **changes}


def _org_count(tenant: Any) -> int:
    with tenant_scope(tenant):
        return Organization.objects.count()


# --- deterministic: the database refuses, the service answers with the form's message ------------------


@pytest.mark.django_db
def test_a_taken_ubn_refused_by_the_database_is_a_ubn_field_error_and_writes_nothing():
    tenant = TenantFactory()
    OrganizationFactory(tenant=tenant, ubn=UBNS[0])
    with pytest.raises(ValidationError) as caught:
        services.register_applicant(tenant, **_service_args())
    assert caught.value.message_dict == {"ubn": [str(services.UBN_TAKEN)]}
    assert not get_user_model().objects.filter(username="lin@shoes.example.tw").exists()
    assert _org_count(tenant) == 1


@pytest.mark.django_db
def test_a_taken_email_in_other_case_is_an_email_field_error_and_leaves_no_organisation():
    tenant = TenantFactory()
    UserFactory(username="lin@shoes.example.tw")
    with pytest.raises(ValidationError) as caught:
        services.register_applicant(tenant, **_service_args(email="LIN@Shoes.example.TW"))
    assert caught.value.message_dict == {"email": [str(services.EMAIL_TAKEN)]}
    assert _org_count(tenant) == 0  # the organisation row was rolled back with the refused user
    assert not Membership.objects.filter(tenant=tenant).exists()


@pytest.mark.django_db
def test_the_database_itself_refuses_a_login_differing_only_in_case():
    UserFactory(username="lin@shoes.example.tw")
    with pytest.raises(IntegrityError):
        UserFactory(username="Lin@Shoes.example.tw")


@pytest.mark.django_db
def test_the_view_turns_a_refused_insert_into_the_form_error(client, monkeypatch):
    """The pre-check ran before the other registration committed (simulated by skipping it): still a form error."""
    tenant = TenantFactory(slug="tsmp")
    UserFactory(username="lin@shoes.example.tw")
    monkeypatch.setattr(ApplicantRegistrationForm, "clean_email", lambda form: form.cleaned_data["email"].lower())
    response = client.post("/t/tsmp/register/", {**FORM, "ubn": UBNS[1], "email": "lin@shoes.example.tw"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": [str(services.EMAIL_TAKEN)]}
    assert _org_count(tenant) == 0
    assert "_auth_user_id" not in client.session


# --- real threads -----------------------------------------------------------------------------------


def _run_together(calls: list) -> list[Any]:
    """Run the callables in threads released together; return each one's result (or raised exception)."""
    barrier = threading.Barrier(len(calls), timeout=30)
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = calls[i]()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


# SQLite's shared-cache in-memory test database answers concurrent writers "table is locked" instead of
# waiting, which is not how the file database of a deployment behaves: the threaded race runs on PostgreSQL.
needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")


@pytest.mark.parametrize("shared", ["email", "ubn"])
@pytest.mark.parametrize("pair", range(3))
@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@needs_postgres
def test_two_registrations_after_both_passed_the_pre_check_give_one_account_and_one_form_error(
    monkeypatch, shared, pair
):
    """Both requests pass validation before either writes (a barrier in front of the service): the loser's
    insert is refused by the unique constraint and it gets the field error, not a 500."""
    tenant = TenantFactory(slug="tsmp")
    real = services.register_applicant
    gate = threading.Barrier(2, timeout=30)

    def register_after_both_validated(*args: Any, **kwargs: Any) -> Any:
        gate.wait()
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "register_applicant", register_after_both_validated)
    posts = [
        {**FORM, "ubn": UBNS[0], "email": "first@shoes.example.tw"},
        {**FORM, "ubn": UBNS[1], "email": "second@shoes.example.tw"},
    ]
    if shared == "email":
        posts[1]["email"] = "FIRST@shoes.example.tw"
    else:
        posts[1]["ubn"] = UBNS[0]
    results = _run_together([lambda data=data: Client().post("/t/tsmp/register/", data) for data in posts])

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.status_code for r in results) == [200, 302]
    loser = next(r for r in results if r.status_code == 200)
    expected = services.EMAIL_TAKEN if shared == "email" else services.UBN_TAKEN
    assert loser.context["form"].errors == {shared: [str(expected)]}
    assert _org_count(tenant) == 1
    assert get_user_model().objects.count() == 1
    assert Membership.objects.filter(tenant=tenant, role="applicant").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@needs_postgres
def test_five_pairs_of_simultaneous_posts_never_answer_500():
    """As reported: pairs of identical registrations released together; each pair gives one account."""
    tenant = TenantFactory(slug="tsmp")
    for pair in range(5):
        data = {**FORM, "ubn": UBNS[pair], "email": f"pair{pair}@shoes.example.tw"}
        results = _run_together([lambda data=data: Client().post("/t/tsmp/register/", data)] * 2)
        assert not [r for r in results if isinstance(r, Exception)], results
        assert sorted(r.status_code for r in results) == [200, 302], pair
        loser = next(r for r in results if r.status_code == 200)
        assert set(loser.context["form"].errors) <= {"email", "ubn"} and loser.context["form"].errors
    assert get_user_model().objects.count() == 5
    assert _org_count(tenant) == 5
