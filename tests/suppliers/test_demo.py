"""The suppliers demo data: ≥ 12 partners across the eight roles, some in each onboarding state, reference
designs (approved and waiting), a referral history, and a directory search that finds them."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from django.core.management import call_command

from platform_site.models import Tenant
from platform_site.tenancy import tenant_scope
from suppliers import queries
from suppliers.enums import OnboardingState, WorkRole
from suppliers.models import CaseReferenceDesign, ReferenceDesign, Referral, SupplierProfile


def test_seed_demo_makes_partners_in_every_state_with_designs_and_referrals(db: Any) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    tsmp = Tenant.objects.get(slug="tsmp")
    with tenant_scope(tsmp):
        profiles = list(SupplierProfile.objects.all())
        assert len(profiles) >= 12
        assert set(Counter(p.state for p in profiles)) == set(OnboardingState.values) - {"draft"}
        approved = [p for p in profiles if p.state == "approved"]
        assert {role for p in approved for role in p.roles} == set(WorkRole.values)
        assert all(p.acceptances.exists() for p in profiles)
        assert ReferenceDesign.objects.filter(state="approved").count() == 3
        assert ReferenceDesign.objects.filter(state="submitted").count() == 1
        assert Counter(Referral.objects.values_list("state", flat=True)) == {
            "accepted": 4,
            "declined": 1,
            "proposed": 1,
        }
        assert CaseReferenceDesign.objects.count() == 1
        # 複審 on the review app's meetings: waiting partners have a scheduled meeting within the two weeks,
        # approved (and suspended) ones a closed meeting whose decision approved them.
        from review.enums import DecisionOutcome, MeetingState, ReviewStage
        from review.models import ReviewMeeting

        meetings = {m.subject_id: m for m in ReviewMeeting.objects.filter(stage=ReviewStage.SUPPLIER_FINAL)}
        for p in profiles:
            if p.state == "final_review":
                m = meetings[p.pk]
                assert m.state == MeetingState.SCHEDULED and m.scheduled_at.date() <= p.final_review_due
                assert m.invitations.filter(state="accepted", expert__is_core=True).count() == 3
            elif p.state in ("approved", "suspended"):
                m = meetings[p.pk]
                assert m.state == MeetingState.CLOSED and m.decision.outcome == DecisionOutcome.PASS
            else:
                assert p.pk not in meetings
        from platform_site.enums import Role
        from platform_site.models import Membership

        reviewer = Membership.objects.filter(tenant=tsmp, role=Role.OFFICE_REVIEWER).first().user
        ids, _ranked = queries.directory(reviewer, tsmp, q="封裝")
        assert [p.organization.name for p in queries.rows_for_ids(ids)][0] == "高雄扇出封裝科技股份有限公司"
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    with tenant_scope(tsmp):
        assert SupplierProfile.objects.count() == len(profiles)
