"""Pages of the statement half of billing (thin: reads from billing.queries_statements, writes through
billing.services.statements / .royalties): statements with their whole trail for finance, the applicant's own
statements and sales-report filing, the supplier's own royalty lines, rate cards."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from billing import queries_statements as q
from billing.forms_statements import CostItemForm, NreBuildForm, RateCardForm, RoyaltyAgreementForm, SalesReportForm
from billing.services import royalties
from billing.services import statements as svc
from platform_site.activity import history
from platform_site.pagination import paginate
from platform_site.rules import can
from platform_site.transitions import TransitionRefused
from platform_site.views import tenant_member_required

STATEMENT_ACTIONS = {"confirm": svc.confirm_statement, "cancel": svc.cancel_statement}


def _need(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not can(request.user, perm, obj if obj is not None else request.tenant):
        raise Http404


@tenant_member_required
def statements(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """NRE statements (paginated), the latest maintenance fees and royalty statements; finance's build form."""
    _need(request, "billing.view_statement_list")
    tenant, user = request.tenant, request.user
    manage = can(user, "billing.manage_statements", tenant)
    form = NreBuildForm(request.POST or None) if manage else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                st = svc.build_nre_statement(
                    user, d["case"], period_start=d["period_start"], period_end=d["period_end"]
                )
            except TransitionRefused as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                return redirect("billing:nre", tenant_slug=tenant_slug, pk=st.pk)
        else:
            status = 400
    context = {
        "page": paginate(request, q.nre_statements(user, tenant)),
        "fees": list(q.maintenance_fees(user, tenant)[:20]),
        "royalty_statements": list(q.royalty_statements(user, tenant)[:20]),
        "form": form,
    }
    return render(request, "billing/statements.html", context, status=status)


def _nre_context(request: HttpRequest, st: Any, **extra: Any) -> dict[str, Any]:
    manage = can(request.user, "billing.manage_statements", st)
    return {
        "st": st,
        "labour": list(st.labour_lines.select_related("rate_card")),
        "costs": list(st.costs.all()),
        "supplier_items": list(st.supplier_items.select_related("supplier")),
        "history": history(st),
        "manage": manage,
        "cost_form": extra.pop("cost_form", None) or (CostItemForm() if manage and st.state == "draft" else None),
        **extra,
    }


@tenant_member_required
def nre_detail(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    """The NRE statement with its whole computation trail; finance adds at-cost items to a draft."""
    st = q.get_nre_statement(request.user, request.tenant, pk)
    if request.method == "POST":
        if not can(request.user, "billing.manage_statements", st):
            raise PermissionDenied
        form = CostItemForm(request.POST)
        if form.is_valid():
            try:
                svc.add_cost_item(st, request.user, **form.cleaned_data)
            except TransitionRefused as exc:
                st.refresh_from_db()
                return render(
                    request, "billing/nre_detail.html", _nre_context(request, st, error=exc.message), status=409
                )
            return redirect("billing:nre", tenant_slug=tenant_slug, pk=st.pk)
        return render(request, "billing/nre_detail.html", _nre_context(request, st, cost_form=form), status=400)
    return render(request, "billing/nre_detail.html", _nre_context(request, st))


def _statement(request: HttpRequest, kind: str, pk: Any) -> Any:
    getter = {"nre": q.get_nre_statement, "royalty": q.get_royalty_statement, "maintenance": q.get_maintenance_fee}
    if kind not in getter:
        raise Http404
    return getter[kind](request.user, request.tenant, pk)


@require_POST
@tenant_member_required
def statement_action(request: HttpRequest, tenant_slug: str, kind: str, pk: Any, action: str) -> HttpResponse:
    """confirm / cancel any statement kind (finance); a refusal comes back as a 409 page with the reason."""
    st = _statement(request, kind, pk)
    if action not in (*STATEMENT_ACTIONS, "invoice"):
        raise Http404
    try:
        if action == "invoice":
            invoice = svc.draft_invoice_for(st, request.user)
            return redirect("billing:invoice", tenant_slug=tenant_slug, pk=invoice.pk)
        STATEMENT_ACTIONS[action](st, request.user, comment=request.POST.get("comment", ""))
    except TransitionRefused as exc:
        return render(request, "billing/refused.html", {"error": exc.message, "back": request.path}, status=409)
    target = {"nre": "billing:nre", "royalty": "billing:royalty_statement", "maintenance": "billing:maintenance"}[kind]
    return redirect(target, tenant_slug=tenant_slug, pk=st.pk)


@tenant_member_required
def royalty_statement(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    """The royalty statement: frozen inputs, the due amount and each party's part (largest remainder)."""
    st = q.get_royalty_statement(request.user, request.tenant, pk)
    context = {
        "st": st,
        "lines": list(st.lines.all()),
        "history": history(st),
        "manage": can(request.user, "billing.manage_statements", st),
    }
    return render(request, "billing/royalty_statement.html", context)


@tenant_member_required
def maintenance_detail(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    """The maintenance fee: equipment and labour lines at actual cost, no discount."""
    fee = q.get_maintenance_fee(request.user, request.tenant, pk)
    context = {
        "st": fee,
        "usage": list(fee.usage.all()),
        "history": history(fee),
        "manage": can(request.user, "billing.manage_statements", fee),
    }
    return render(request, "billing/maintenance_detail.html", context)


@tenant_member_required
def agreements(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """Royalty agreements (parties and shares) and sales reports; finance drafts a new agreement version."""
    _need(request, "billing.view_statement_list")
    tenant, user = request.tenant, request.user
    manage = can(user, "billing.manage_statements", tenant)
    form = RoyaltyAgreementForm(request.POST or None, tenant=tenant) if manage else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                agreement = royalties.create_agreement(
                    user,
                    d["case"],
                    basis=d["basis"],
                    parties=form.parties(),
                    rate_percent=d["rate_percent"],
                    amount_per_unit=d["amount_per_unit"],
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
                status = 400
            else:
                return redirect("billing:agreement", tenant_slug=tenant_slug, pk=agreement.pk)
        else:
            status = 400
    context = {
        "page": paginate(request, q.agreements(user, tenant)),
        "reports": list(q.sales_reports(user, tenant)[:20]),
        "form": form,
    }
    return render(request, "billing/agreements.html", context, status=status)


@tenant_member_required
def agreement_detail(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    """One agreement version: parties, shares, base; the applicant files a sales report here."""
    agreement = q.get_agreement(request.user, request.tenant, pk)
    can_file = can(request.user, "billing.file_sales_report", agreement) and agreement.state == "signed"
    form = SalesReportForm(request.POST or None) if can_file else None
    status, error = 200, ""
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                report = royalties.file_sales_report(request.user, agreement, **form.cleaned_data)
            except (TransitionRefused, ValidationError) as exc:
                error = exc.message if isinstance(exc, TransitionRefused) else exc.messages[0]
                status = 409 if isinstance(exc, TransitionRefused) else 400
            else:
                return redirect("billing:royalty_statement", tenant_slug=tenant_slug, pk=report.statement.pk)
        else:
            status = 400
    context = {
        "agreement": agreement,
        "parties": list(agreement.parties.all()),
        "reports": list(agreement.sales_reports.select_related("statement")),
        "form": form,
        "error": error,
        "history": history(agreement),
        "manage": can(request.user, "billing.manage_statements", agreement),
    }
    return render(request, "billing/agreement_detail.html", context, status=status)


@require_POST
@tenant_member_required
def agreement_sign(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    """Finance signs the agreement (frozen; the previous version is superseded)."""
    agreement = q.get_agreement(request.user, request.tenant, pk)
    try:
        royalties.sign_agreement(agreement, request.user)
    except TransitionRefused as exc:
        return render(request, "billing/refused.html", {"error": exc.message, "back": request.path}, status=409)
    return redirect("billing:agreement", tenant_slug=tenant_slug, pk=agreement.pk)


@tenant_member_required
def royalty_lines(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """A supplier's own royalty lines (what is paid to its organisation); staff see every line."""
    _need(request, "billing.view_royalty_lines")
    page = paginate(request, q.royalty_lines(request.user, request.tenant))
    return render(request, "billing/royalty_lines.html", {"page": page})


@tenant_member_required
def rate_cards(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """Rate-card versions (finance and office staff); finance drafts a new version and publishes it."""
    _need(request, "billing.view_rate_cards")
    manage = can(request.user, "billing.manage_statements", request.tenant)
    form = RateCardForm(request.POST or None) if manage else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                card = svc.create_rate_card(
                    request.user,
                    request.tenant,
                    valid_from=form.cleaned_data["valid_from"],
                    rates=form.rates(),
                    note=form.cleaned_data["note"],
                )
            except TransitionRefused as exc:
                form.add_error("valid_from", exc.message)
                status = 409
            else:
                if request.POST.get("publish"):
                    svc.publish_rate_card(card, request.user)
                return redirect("billing:rate_cards", tenant_slug=tenant_slug)
        else:
            status = 400
    context = {"cards": list(q.rate_cards(request.user, request.tenant)[:50]), "form": form}
    return render(request, "billing/rate_cards.html", context, status=status)


@require_POST
@tenant_member_required
def rate_card_publish(request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
    """Publish a draft version (finance)."""
    card = q.get_rate_card(request.user, request.tenant, pk)
    try:
        svc.publish_rate_card(card, request.user)
    except TransitionRefused as exc:
        return render(request, "billing/refused.html", {"error": exc.message, "back": request.path}, status=409)
    return redirect("billing:rate_cards", tenant_slug=tenant_slug)
