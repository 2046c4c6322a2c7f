"""includes/form_fields.html ({% form_fields %}): an unbound form's HTML is remembered, never a wrong one."""

from __future__ import annotations

import pytest
from django import forms
from django.template.loader import get_template, render_to_string
from django.utils import translation

from cases.forms import DocumentUploadForm, QualificationDecisionForm
from cases.models import DemandCase
from platform_site.templatetags import portal

pytestmark = pytest.mark.no_services  # tests/conftest.py: the PostgreSQL pass skips it

#: An unsaved case whose applicant chose a customisation: the decision form asks no customisation question.
CASE = DemandCase(customisations=["chip"])


def _page(form):
    return render_to_string("includes/form_fields.html", {"form": form})


def _uncached(form):
    return get_template("includes/_form_fields_body.html").render({"form": form})


def test_unbound_form_html_is_kept_and_equal_to_the_template():
    portal._form_html.clear()
    with translation.override("en"):
        first = _page(DocumentUploadForm())
        assert len(portal._form_html) == 1
        assert _page(DocumentUploadForm()) == first == _uncached(DocumentUploadForm())
    assert 'name="kind"' in first and 'type="file"' in first


def test_initial_values_language_and_ids_are_part_of_the_key():
    with translation.override("en"):
        unchecked = _page(QualificationDecisionForm(case=CASE, initial={"eligible_need": False}))
        checked = _page(QualificationDecisionForm(case=CASE, initial={"eligible_need": True}))
        other_ids = _page(QualificationDecisionForm(case=CASE, initial={"eligible_need": True}, auto_id="x_%s"))
    with translation.override("zh-hant"):
        chinese = _page(QualificationDecisionForm(case=CASE, initial={"eligible_need": True}))
    assert 'id="id_eligible_need" checked' in checked and 'id="id_eligible_need" checked' not in unchecked
    assert 'id="x_eligible_need"' in other_ids
    with translation.override("zh-hant"):
        assert chinese == _uncached(QualificationDecisionForm(case=CASE, initial={"eligible_need": True}))
    assert chinese != checked


def test_bound_forms_and_lazy_choices_are_always_rendered():
    portal._form_html.clear()
    with translation.override("en"):
        bound = QualificationDecisionForm(case=CASE, data={"decision": "nonsense"})
        assert bound.is_valid() is False
        html = _page(bound)
        assert "invalid-feedback" in html and not portal._form_html

        class Lazy(forms.Form):
            pick = forms.ChoiceField(choices=lambda: [("a", "A")])

        assert _page(Lazy()) == _uncached(Lazy()) and not portal._form_html
