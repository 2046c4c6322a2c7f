"""Recording KPI measurements: who may, in which case states, the validation messages, the activity log."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.benefits.models import KpiMeasurement
from cases.demo import demo_pdf
from cases.enums import CaseState
from platform_site.models import ActivityLog
from platform_site.tenancy import tenant_scope
from tests.benefits.factories import case_in, manage, record

pytestmark = pytest.mark.django_db

OEE = {"kind": "oee", "availability": "0.9", "performance": "0.95", "quality": "0.99"}


@pytest.fixture
def closed(world):
    return case_in(world.a, world.org_a, world.applicant)


def test_office_reviewer_records_an_oee_measurement_exactly_and_it_is_logged(world, closed):
    m = record(world.reviewer, closed, **OEE)
    with tenant_scope(world.a):
        m = KpiMeasurement.objects.get(pk=m.pk)
        assert m.value == Decimal("0.84645")
        assert (m.availability, m.performance, m.quality) == (Decimal("0.9"), Decimal("0.95"), Decimal("0.99"))
        assert m.unit == "fraction"
        entry = ActivityLog.objects.get(object_id=closed.pk, action="kpi_recorded")
    assert entry.actor == world.reviewer
    assert entry.data == {
        "measurement_id": m.pk,
        "kind": "oee",
        "value": "0.84645",
        "unit": "fraction",
        "period_start": "2026-01-01",
        "period_end": "2026-01-31",
        "baseline": False,
        "evidence": "月報",
    }


def test_roi_is_stored_with_its_inputs(world, closed):
    m = record(world.reviewer, closed, kind="roi", total_profit_ntd="3000000", invested_cost_ntd="2000000")
    with tenant_scope(world.a):
        m = KpiMeasurement.objects.get(pk=m.pk)
    assert (m.value, m.total_profit_ntd, m.invested_cost_ntd, m.unit) == (Decimal("1.5"), 3_000_000, 2_000_000, "ratio")


def test_the_case_manager_of_the_case_records_others_do_not(world, closed):
    manage(closed, world.case_manager, world.cto)
    record(world.case_manager, closed, amount=5)
    other = case_in(world.a, world.org_a2, world.other_applicant)
    for user in (world.applicant, world.cto, world.supplier, world.expert, world.finance, world.b_reviewer):
        with pytest.raises(PermissionDenied):
            record(user, closed)
    with pytest.raises(PermissionDenied):
        record(world.case_manager, other)  # not their case
    record(world.admin, other)  # a tenant admin acts for the office


def test_only_a_baseline_before_closing_and_nothing_before_service(world):
    in_service = case_in(world.a, world.org_a, world.applicant, CaseState.IN_SERVICE)
    record(world.reviewer, in_service, is_baseline=True)
    with pytest.raises(ValidationError) as exc:
        record(world.reviewer, in_service)
    assert "only the baseline" in exc.value.message_dict["is_baseline"][0]
    early = case_in(world.a, world.org_a, world.applicant, CaseState.QUALIFICATION)
    with pytest.raises(ValidationError) as exc:
        record(world.reviewer, early, is_baseline=True)
    assert "in service" in exc.value.message_dict["__all__"][0]


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({**OEE, "quality": "1.5"}, "quality", "between 0 and 1"),
        ({**OEE, "availability": "-0.2"}, "availability", "between 0 and 1"),
        ({"kind": "roi", "total_profit_ntd": "100", "invested_cost_ntd": "0"}, "invested_cost_ntd", "more than"),
        ({"kind": "jobs", "amount": "-3"}, "amount", "cannot be negative"),
        ({"kind": "products", "amount": "-1"}, "amount", "cannot be negative"),
        ({"kind": "investment", "amount": "-1"}, "amount", "cannot be negative"),
        ({"kind": "jobs", "amount": "2.5"}, "amount", "whole number"),
        ({"kind": "jobs", "amount": ""}, "amount", "Enter the value"),
        ({"period_end": dt.date(2025, 12, 1)}, "period_end", "cannot end before"),
        ({"period_start": "2026-13-01"}, "period_start", "valid date"),
        ({"evidence_reference": ""}, "evidence_reference", "evidence"),
        ({"kind": "speed"}, "kind", "Choose a KPI"),
    ],
)
def test_bad_input_is_a_clear_error_and_stores_nothing(world, closed, data, field, words):
    with pytest.raises(ValidationError) as exc:
        record(world.reviewer, closed, **data)
    assert words in " ".join(exc.value.message_dict[field])
    with tenant_scope(world.a):
        assert not KpiMeasurement.objects.exists()
        assert not ActivityLog.objects.filter(action="kpi_recorded").exists()


def test_evidence_file_is_checked_and_stored(world, closed):
    from cases.benefits import services
    from tests.factories import reload

    pdf = SimpleUploadedFile("月報.pdf", demo_pdf("月報"), content_type="application/pdf")
    data = {"kind": "jobs", "period_start": "2026-01-01", "period_end": "2026-12-31", "amount": "12"}
    with tenant_scope(world.a):
        m = services.record_measurement(world.reviewer, reload(closed), data, pdf)
        assert m.evidence_name == "月報.pdf" and m.evidence.name.endswith(".pdf")
        fake = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
        with pytest.raises(ValidationError):
            services.record_measurement(world.reviewer, reload(closed), data, fake)
        assert KpiMeasurement.objects.count() == 1
