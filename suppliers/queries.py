"""Reads of the suppliers app, role-aware (the writes are in :mod:`suppliers.services`).

Visibility (issue 9, confidentiality): office staff (office reviewer, CTO, tenant admin) see every profile,
design and referral of the tenant; a supplier sees its own organisation's profile, designs and referrals
only (and the approved catalogue, without prices); an applicant sees the approved catalogue (without prices)
and what its own cases were given. Prices and background IP: office staff only
(``suppliers.view_confidential``), which the templates and serializers check.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from platform_site.enums import OFFICE_ROLES, Role
from platform_site.rules import organizations_in
from platform_site.visibility import Visibility, every_row, get_visible_or_404
from suppliers import search
from suppliers.enums import DesignState, OnboardingState, ReferralState
from suppliers.models import CaseReferenceDesign, ReferenceDesign, Referral, SupplierProfile

OFFICE_RULES = {role: every_row for role in OFFICE_ROLES}
LATER = (Role.EXPERT, Role.CASE_MANAGER, Role.FINANCE)  # their apps add a rule when they need one

profile_visibility = Visibility(
    "suppliers.SupplierProfile", rules=dict(OFFICE_RULES), pending=(Role.CASE_MANAGER, Role.FINANCE, Role.APPLICANT)
)
design_visibility = Visibility("suppliers.ReferenceDesign", rules=dict(OFFICE_RULES), pending=LATER)
referral_visibility = Visibility("suppliers.Referral", rules=dict(OFFICE_RULES), pending=(*LATER, Role.APPLICANT))


def _own_orgs(user: Any, tenant: Any) -> list[int]:
    return sorted(organizations_in(user, tenant, Role.SUPPLIER))


@profile_visibility.rule(Role.SUPPLIER)
def _own_profiles(user: Any, tenant: Any) -> Q:
    """A supplier: the profile of the organisations it holds the supplier role for."""
    return Q(organization_id__in=_own_orgs(user, tenant))


@profile_visibility.rule(Role.EXPERT)
def _panel_profiles(user: Any, tenant: Any) -> Q:
    """An expert: the profiles whose final review (複審) panel they sit on, once they declared no conflict."""
    from suppliers.final_review import cleared_on_profile

    return cleared_on_profile(user)


@design_visibility.rule(Role.SUPPLIER)
def _own_and_approved_designs(user: Any, tenant: Any) -> Q:
    """A supplier: its own designs, and the approved catalogue."""
    return Q(profile__organization_id__in=_own_orgs(user, tenant)) | Q(state=DesignState.APPROVED)


@design_visibility.rule(Role.APPLICANT)
def _approved_designs(user: Any, tenant: Any) -> Q:
    """An applicant: the approved catalogue."""
    return Q(state=DesignState.APPROVED)


@referral_visibility.rule(Role.SUPPLIER)
def _own_referrals(user: Any, tenant: Any) -> Q:
    """A supplier: the referrals to its own organisation's profile."""
    return Q(profile__organization_id__in=_own_orgs(user, tenant))


LIST_ORDER = ("-created_at", "-pk")
DIRECTORY_ORDER = ("organization__name", "pk")


# ---- profiles ------------------------------------------------------------------------------------------
def profile_list(user: Any, tenant: Any, state: str = "") -> QuerySet[SupplierProfile]:
    """Onboarding list: profiles ``user`` may list, newest first (``?state=`` narrows; unknown → all)."""
    qs = profile_visibility.apply(SupplierProfile.objects.select_related("organization"), user, tenant)
    if state in OnboardingState.values:
        qs = qs.filter(state=state)
    return qs.defer("search_tokens", "facets").order_by(*LIST_ORDER)


#: Onboarding states waiting for the office (資格審) or the CTO's meeting (複審).
REVIEW_STATES = (OnboardingState.SUBMITTED, OnboardingState.QUALIFICATION, OnboardingState.FINAL_REVIEW)


def has_profiles_in_review(tenant: Any) -> bool:
    """Whether any profile waits for the qualification or final review (one EXISTS query)."""
    return SupplierProfile.objects.filter(state__in=REVIEW_STATES).exists()


def profiles_in_review(user: Any, tenant: Any) -> list[SupplierProfile]:
    """Up to 10 profiles in review, the qualification queue (soonest due) before the final reviews (soonest due),
    with their organisation (one query); the office's home panel."""
    qs = profile_visibility.apply(SupplierProfile.objects.select_related("organization"), user, tenant)
    rows = list(qs.filter(state__in=REVIEW_STATES).defer("search_tokens", "facets").order_by("created_at", "pk")[:50])
    key = {OnboardingState.SUBMITTED: 0, OnboardingState.QUALIFICATION: 0, OnboardingState.FINAL_REVIEW: 1}
    rows.sort(key=lambda p: (key[p.state], p.qualification_due or p.final_review_due or p.created_at.date(), p.pk))
    return rows[:10]


def own_profile(user: Any, tenant: Any) -> SupplierProfile | None:
    """The supplier's own profile (its lowest-id supplier organisation's), or None."""
    orgs = _own_orgs(user, tenant)
    if not orgs:
        return None
    return SupplierProfile.objects.select_related("organization").filter(organization_id=orgs[0]).first()


def get_profile_for_user(user: Any, tenant: Any, pk: Any, perm: str = "suppliers.view_profile") -> SupplierProfile:
    """404 unless visible (malformed pk included), 403 if visible but ``perm`` denies."""
    qs = profile_visibility.apply(SupplierProfile.objects.select_related("organization"), user, tenant)
    return get_visible_or_404(qs, user, tenant, pk, view_perm="suppliers.view_profile", perm=perm)


# ---- the directory ---------------------------------------------------------------------------------------
def _matching_ids(qs: QuerySet[SupplierProfile], tokens: list[str]) -> QuerySet[SupplierProfile]:
    """``qs`` narrowed to profiles whose token column holds every token (the database's keyword index)."""
    if connection.vendor == "postgresql":
        sql = "to_tsvector('simple'::regconfig, suppliers_supplierprofile.search_tokens) @@ to_tsquery('simple', %s)"
        return qs.extra(where=[sql], params=[search.tsquery(tokens)])  # noqa: S610 - the tokens are [a-z0-9]
    sql = "SELECT rowid FROM suppliers_profile_fts WHERE suppliers_profile_fts MATCH %s"
    return qs.filter(pk__in=RawSQL(sql, [search.fts5_query(tokens)]))


def directory(
    user: Any, tenant: Any, *, q: str = "", role: str = "", domain: str = "", certification: str = ""
) -> tuple[QuerySet[SupplierProfile] | list[int], bool]:
    """Approved partners for the directory: ``(rows, ranked)``.

    Without a searchable ``q``: a queryset by organisation name. With one: the ids of the matching partners in
    rank order (:func:`suppliers.search.score`, ties by name then id), computed in Python from one query, so
    the order is the same on SQLite and PostgreSQL; the page's rows come from :func:`rows_for_ids`. Unknown
    filter codes are ignored (the form lists the valid ones). Empty for users without
    ``suppliers.view_directory`` (office staff).
    """
    qs = profile_visibility.apply(SupplierProfile.objects.all(), user, tenant).filter(state=OnboardingState.APPROVED)
    for prefix, value in (("role", role), ("domain", domain), ("cert", certification)):
        if value and "|" not in value:
            qs = qs.filter(facets__contains=f"|{prefix}:{value}|")
    tokens = search.query_tokens(q)
    if not tokens:
        return qs.select_related("organization").defer("search_tokens").order_by(*DIRECTORY_ORDER), False
    terms = search.query_terms(q)
    rows = _matching_ids(qs, tokens).values_list(
        "pk", "organization__name", "keywords", "technologies", "summary", "specifications"
    )
    ranked = []
    for pk, name, keywords, technologies, summary, specifications in rows:
        fields = {
            "name": name,
            "keywords": keywords,
            "technologies": technologies,
            "summary": summary,
            "specifications": specifications,
        }
        ranked.append((-search.score(terms, fields), name, pk))
    return [pk for _s, _n, pk in sorted(ranked)], True


def rows_for_ids(ids: list[int]) -> list[SupplierProfile]:
    """The profiles ``ids`` (already visible), in that order, with their organisation (one query)."""
    by_id = {
        p.pk: p
        for p in SupplierProfile.objects.select_related("organization").defer("search_tokens").filter(pk__in=ids)
    }
    return [by_id[pk] for pk in ids if pk in by_id]


# ---- reference designs -------------------------------------------------------------------------------------
def design_list(user: Any, tenant: Any, state: str = "") -> QuerySet[ReferenceDesign]:
    """Designs ``user`` may list, newest first (``?state=`` narrows: ``approved`` = the catalogue)."""
    qs = design_visibility.apply(ReferenceDesign.objects.select_related("profile__organization"), user, tenant)
    if state in DesignState.values:
        qs = qs.filter(state=state)
    return qs.order_by(*LIST_ORDER)


def get_design_for_user(user: Any, tenant: Any, pk: Any, perm: str = "") -> ReferenceDesign:
    qs = design_visibility.apply(ReferenceDesign.objects.select_related("profile__organization"), user, tenant)
    return get_visible_or_404(qs, user, tenant, pk, view_perm="suppliers.view_design_catalogue", perm=perm)


def approved_designs(tenant: Any) -> QuerySet[ReferenceDesign]:
    """The approved catalogue (for the office's 'give a reference design' choice)."""
    return ReferenceDesign.objects.filter(state=DesignState.APPROVED).select_related("profile__organization")


def case_design(case: Any) -> CaseReferenceDesign | None:
    """The reference design ``case`` was given, or None."""
    return CaseReferenceDesign.objects.select_related("design__profile__organization").filter(case=case).first()


# ---- referrals -------------------------------------------------------------------------------------------------
def referral_list(user: Any, tenant: Any) -> QuerySet[Referral]:
    """Referrals ``user`` may list (office: all; a partner: its own), newest first."""
    qs = referral_visibility.apply(Referral.objects.select_related("profile__organization", "case"), user, tenant)
    return qs.order_by(*LIST_ORDER)


def case_referrals(case: Any) -> list[Referral]:
    """Every referral of ``case`` (office staff's view on the matchmaking page; the applicant's page)."""
    return list(Referral.objects.filter(case=case).select_related("profile__organization").order_by(*LIST_ORDER))


def get_referral_for_user(user: Any, tenant: Any, pk: Any, perm: str = "") -> Referral:
    qs = referral_visibility.apply(Referral.objects.select_related("profile__organization", "case"), user, tenant)
    return get_visible_or_404(qs, user, tenant, pk, view_perm="suppliers.view_referral", perm=perm)


def _applicant_case_ids(user: Any, tenant: Any) -> Any:
    from cases.models import DemandCase

    orgs = sorted(organizations_in(user, tenant, Role.APPLICANT))
    return DemandCase.objects.filter(applicant_org_id__in=orgs).values("pk")


def applicant_has_case_services(user: Any, tenant: Any) -> bool:
    """Whether any case of the applicant's organisations was given a design or referred (one query)."""
    if not organizations_in(user, tenant, Role.APPLICANT):
        return False
    from cases.models import DemandCase

    orgs = sorted(organizations_in(user, tenant, Role.APPLICANT))
    given = CaseReferenceDesign.objects.filter(case=OuterRef("pk"))
    referred = Referral.objects.filter(case=OuterRef("pk"))
    return DemandCase.objects.filter(Q(Exists(given)) | Q(Exists(referred)), applicant_org_id__in=orgs).exists()


def applicant_case_services(user: Any, tenant: Any) -> list[dict[str, Any]]:
    """``[{"case_id", "title", "design": title | None, "accepted": n}]``: the applicant's cases that were given a
    reference design or have accepted referrals, newest case first, at most 10 (three queries)."""
    from cases.models import DemandCase

    cases = _applicant_case_ids(user, tenant)
    designs = dict(CaseReferenceDesign.objects.filter(case__in=cases).values_list("case_id", "design__title"))
    accepted = dict(
        Referral.objects.filter(case__in=cases, state=ReferralState.ACCEPTED)
        .values("case_id")
        .annotate(n=Count("pk"))
        .values_list("case_id", "n")
        .order_by()
    )
    ids = sorted(set(designs) | set(accepted), reverse=True)[:10]
    titles = dict(DemandCase.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [
        {"case_id": pk, "title": titles.get(pk, ""), "design": designs.get(pk), "accepted": accepted.get(pk, 0)}
        for pk in ids
    ]


def partner_history(profiles: list[SupplierProfile]) -> dict[int, dict[str, int]]:
    """``{profile id: {state: count}}`` of the referrals of ``profiles`` (one grouped query)."""
    counts: dict[int, dict[str, int]] = {p.pk: {s: 0 for s in ReferralState.values} for p in profiles}
    rows = (
        Referral.objects.filter(profile__in=[p.pk for p in profiles])
        .values("profile_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["profile_id"]][row["state"]] = row["n"]
    return counts
