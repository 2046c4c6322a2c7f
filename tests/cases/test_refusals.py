"""Refusals that say what is going on (issue 7 item 4): editing a submitted case, confirming a withdrawal,
withdrawn cases out of the default list, and one labelled comment box per action on the case page."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases import queries
from cases.enums import CaseState
from platform_site.models import ActivityLog
from platform_site.tenancy import tenant_scope
from tests.factories import DemandCaseFactory, complete_case, reload, set_fields

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
SUBMITTED_AT = dt.datetime(2026, 12, 1, 17, 0, tzinfo=dt.UTC)  # 2026-12-02 01:00 in Asia/Taipei
NOT_EDITABLE = (
    "This case was submitted on 2026-12-02 and can no longer be edited. "
    "It can be edited again if the office requests more documents."
)


def url(name, case=None, **kwargs):
    if case is not None:
        kwargs.setdefault("pk", case.pk)
    return reverse(f"cases:{name}", kwargs={"tenant_slug": "tsmp", **kwargs})


class Forms(HTMLParser):
    """The page's forms: ``[{"action", "id", "fields": [(tag, attrs)], "labels": {for: text}}]``."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.labels: dict[str, str] = {}
        self._label: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "id": attrs.get("id"), "fields": []})
        elif tag in ("input", "textarea", "select") and self.forms:
            self.forms[-1]["fields"].append((tag, attrs))
        elif tag == "label" and attrs.get("for"):
            self._label = attrs["for"]
            self.labels[self._label] = ""

    def handle_endtag(self, tag):
        if tag == "label":
            self._label = None

    def handle_data(self, data):
        if self._label:
            self.labels[self._label] += data

    def posting_to(self, fragment: str) -> list[dict]:
        return [f for f in self.forms if fragment in f["action"]]


def _comments(form: dict) -> list[dict]:
    return [attrs for tag, attrs in form["fields"] if tag == "textarea" and attrs.get("name") == "comment"]


# ---- editing a submitted case: 409 saying when it was submitted, page and API ------------------------------
def test_editing_a_submitted_case_says_it_was_submitted_not_that_the_role_may_not(client, world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant, title="原標題")
    set_fields(case, state=CaseState.SUBMITTED, submitted_at=SUBMITTED_AT, reference="TSMP-2026-0001")
    client.force_login(world.applicant)
    for response in (
        client.get(url("edit", case), **EN),
        client.post(url("edit", case), {"title": "改過的標題", "customisations": ["chip"]}, **EN),
    ):
        assert response.status_code == 409
        body = response.content.decode()
        assert NOT_EDITABLE in body
        assert "role" not in body.split('id="error"')[1].split("</div>")[0]
    assert reload(case).title == "原標題"
    api = APIClient()
    api.force_authenticate(world.applicant)
    response = api.patch(f"/api/v1/t/tsmp/cases/{case.pk}/", {"title": "改過的標題"}, format="json", **EN)
    assert (response.status_code, response.data["code"], response.data["detail"]) == (409, "not_editable", NOT_EDITABLE)
    assert reload(case).title == "原標題"


def test_a_case_is_editable_again_once_documents_are_requested(client, world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.DOCUMENTS_REQUESTED, submitted_at=SUBMITTED_AT, qualification_days_remaining=3)
    client.force_login(world.applicant)
    assert client.get(url("edit", case)).status_code == 200


def test_a_decided_or_withdrawn_case_says_so(client, world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    client.force_login(world.applicant)
    set_fields(case, state=CaseState.REFERRED, submitted_at=SUBMITTED_AT)
    body = client.get(url("edit", case), **EN).content.decode()
    assert "submitted on 2026-12-02 and the qualification review has been decided" in body
    set_fields(case, state=CaseState.WITHDRAWN)
    response = client.get(url("edit", case), **EN)
    assert response.status_code == 409
    assert "This case was withdrawn and can no longer be edited." in response.content.decode()


# ---- withdrawing needs a confirmation -------------------------------------------------------------------
def test_withdraw_without_confirmation_is_a_form_error_and_nothing_changes(client, world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    client.force_login(world.applicant)
    forms = Forms(client.get(url("detail", case), **EN).content.decode())
    (withdraw,) = forms.posting_to("/actions/withdraw/")
    confirm = [attrs for tag, attrs in withdraw["fields"] if attrs.get("name") == "confirm"]
    assert len(confirm) == 1 and confirm[0]["type"] == "checkbox" and "required" in confirm[0]
    assert "withdraw this case" in forms.labels[confirm[0]["id"]]

    response = client.post(url("transition", case, action="withdraw"), {"comment": "不做了"}, **EN)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Tick the box to confirm that you want to withdraw the case." in body
    assert "不做了" in body  # what was typed is kept
    assert reload(case).state == CaseState.DRAFT
    with tenant_scope(world.a):
        assert not ActivityLog.objects.filter(object_id=case.pk, action="withdraw").exists()

    response = client.post(url("transition", case, action="withdraw"), {"comment": "不做了", "confirm": "on"})
    assert response.status_code == 302
    assert reload(case).state == CaseState.WITHDRAWN


def test_withdrawing_a_withdrawn_case_is_a_409_whatever_the_form_says(client, world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.WITHDRAWN)
    client.force_login(world.applicant)
    response = client.post(url("transition", case, action="withdraw"), {}, **EN)
    assert response.status_code == 409
    assert "is not possible while the status is “Withdrawn”" in response.content.decode()


def test_someone_who_may_not_withdraw_gets_403_not_a_form_error(client, world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    client.force_login(world.reviewer)
    assert client.post(url("transition", case, action="withdraw")).status_code == 403
    assert reload(case).state == CaseState.DRAFT


# ---- withdrawn cases leave the default list --------------------------------------------------------------
def test_withdrawn_cases_are_hidden_by_default_and_shown_with_the_filter(client, world):
    DemandCaseFactory(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant, title="進行中")
    gone = DemandCaseFactory(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant, title="已撤案")
    set_fields(gone, state=CaseState.WITHDRAWN)
    for user in (world.applicant, world.reviewer):
        client.force_login(user)
        body = client.get(url("list"), **EN).content.decode()
        assert "進行中" in body and "已撤案" not in body
        assert '<option value="withdrawn">' in body
        body = client.get(url("list") + "?state=withdrawn", **EN).content.decode()
        assert "已撤案" in body and "進行中" not in body
    with tenant_scope(world.a):
        assert [c.title for c in queries.case_list(world.reviewer, world.a)] == ["進行中"]
        assert [c.title for c in queries.case_list(world.reviewer, world.a, state=CaseState.WITHDRAWN)] == ["已撤案"]


# ---- one comment box per action ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("state", "persona", "expected"),
    [
        (CaseState.REFERRED, "reviewer", {"close_completed", "proceed_to_preliminary"}),
        (CaseState.DOCUMENTS_REQUESTED, "applicant", {"resubmit", "withdraw"}),
    ],
)
def test_each_action_has_its_own_labelled_comment_box(client, world, state, persona, expected):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=state, qualification_days_remaining=3)
    client.force_login(getattr(world, persona))
    forms = Forms(client.get(url("detail", case), **EN).content.decode())
    actions = {f["action"].rstrip("/").rsplit("/", 1)[-1]: f for f in forms.posting_to("/actions/")}
    assert set(actions) == expected
    ids = []
    for name, form in actions.items():
        (comment,) = _comments(form)  # exactly one comment box in each action's form
        ids.append(comment["id"])
        assert "Comment for “" in forms.labels[comment["id"]], name
    assert len(set(ids)) == len(ids)  # no two boxes share an id (each label points at its own box)
    labels = {forms.labels[i] for i in ids}
    assert len(labels) == len(ids)  # and no two labels read the same


@pytest.mark.parametrize("state", [CaseState.PRELIMINARY_REVIEW, CaseState.FINAL_REVIEW])
def test_the_committee_outcomes_are_no_bare_buttons(client, world, state):
    """初審 / 複審 outcomes come only from a recorded review decision (review app), never a case button or the
    cases API's transition endpoint."""
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=state)
    client.force_login(world.cto)
    forms = Forms(client.get(url("detail", case), **EN).content.decode())
    assert forms.posting_to("/actions/") == []
    for name in ("pass_preliminary", "fail_preliminary", "pass_final", "fail_final"):
        assert client.post(url("transition", case, action=name)).status_code == 404
        api = f"/api/v1/t/{world.a.slug}/cases/{case.pk}/transitions/{name}/"
        assert client.post(api, {}, content_type="application/json").status_code == 400
    assert reload(case).state == state


def test_in_qualification_the_decision_form_is_the_one_way_with_one_comment(client, world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.QUALIFICATION)
    client.force_login(world.reviewer)
    forms = Forms(client.get(url("detail", case), **EN).content.decode())
    assert forms.posting_to("/actions/proceed_to_preliminary/") == []  # not a second way past the checklist
    (decision,) = forms.posting_to("/qualification/")
    assert len(_comments(decision)) == 1
    names = {a.get("name") for _tag, a in decision["fields"]}
    assert "existing_supply_chain_can_serve" in names
    assert "customisation_needed" not in names  # the applicant chose a custom chip: the intake decides


def test_the_decision_form_asks_about_customisation_when_the_applicant_was_not_sure(client, world):
    case = complete_case(
        tenant=world.a, applicant_org=world.org_a, created_by=world.applicant, customisations=["unsure"]
    )
    set_fields(case, state=CaseState.QUALIFICATION)
    client.force_login(world.reviewer)
    forms = Forms(client.get(url("detail", case), **EN).content.decode())
    (decision,) = forms.posting_to("/qualification/")
    radios = {a.get("value") for _tag, a in decision["fields"] if a.get("name") == "customisation_needed"}
    assert radios == {"yes", "no"}
    data = {
        "decision": "reference_design",
        "comment": "參考設計即可",
        "eligible_applicant_type": "on",
        "eligible_need": "on",
        "existing_supply_chain_can_serve": "no",
    }
    response = client.post(url("decide", case), data, **EN)
    assert response.status_code == 409
    assert "answer “Is customisation needed?” first" in response.content.decode()
    assert client.post(url("decide", case), {**data, "customisation_needed": "no"}).status_code == 302
    assert reload(case).state == CaseState.REFERENCE_DESIGN
