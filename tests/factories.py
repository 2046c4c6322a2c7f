"""Factories: one per model, no surprising behaviour. Tenant-owned rows are created inside their tenant's scope
(on PostgreSQL the row-level-security policy checks the insert)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from cases.enums import Customisation, DocumentKind, Industry
from cases.models import CaseDocument, DemandCase
from platform_site.enums import CompanySize, Role, TenantKind
from platform_site.models import Invitation, Membership, Organization, Tenant
from platform_site.tenancy import tenant_scope

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class TenantFactory(DjangoModelFactory):
    class Meta:
        model = Tenant

    slug = factory.Sequence(lambda n: f"office{n}")
    name = factory.Sequence(lambda n: f"推動辦公室{n}")
    name_en = factory.Sequence(lambda n: f"Office {n}")
    kind = TenantKind.PLATFORM_OFFICE
    settings = factory.LazyFunction(dict)  # TenantConfig defaults apply


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}@example.tw")
    email = factory.SelfAttribute("username")
    first_name = factory.Sequence(lambda n: f"使用者{n}")
    password = factory.django.Password("pw-for-tests-2026")


class TenantOwnedFactory(DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        with tenant_scope(kwargs["tenant"]):
            obj = model_class(*args, **kwargs)
            obj.save()
            return obj


class OrganizationFactory(TenantOwnedFactory):
    class Meta:
        model = Organization

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"測試科技股份有限公司{n}")
    size = CompanySize.SME


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    tenant = factory.SubFactory(TenantFactory)
    role = Role.APPLICANT
    organization = None


class InvitationFactory(TenantOwnedFactory):
    """A pending invitation into ``organization`` (7 days valid); its link: platform_site.invitations.invitation_url."""

    class Meta:
        model = Invitation

    tenant = factory.SubFactory(TenantFactory)
    organization = factory.SubFactory(OrganizationFactory, tenant=factory.SelfAttribute("..tenant"))
    email = factory.Sequence(lambda n: f"colleague{n}@example.tw")
    nonce = factory.Sequence(lambda n: f"nonce{n:08d}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class DemandCaseFactory(TenantOwnedFactory):
    """A complete draft (every field needed to submit is filled; documents are added separately)."""

    class Meta:
        model = DemandCase

    tenant = factory.SubFactory(TenantFactory)
    applicant_org = factory.SubFactory(OrganizationFactory, tenant=factory.SelfAttribute("..tenant"))
    created_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"金屬加工瑕疵檢測 {n}")
    industry = Industry.MANUFACTURING
    application_field = "金屬加工瑕疵檢測"
    problem_statement = "人工目檢漏檢率高。"
    smart_system_need = "邊緣 AI 影像檢測。"
    customisations = factory.LazyFunction(lambda: [Customisation.CHIP.value])
    contact_name = "陳先生"
    contact_email = "contact@example.tw"


class CaseDocumentFactory(TenantOwnedFactory):
    class Meta:
        model = CaseDocument

    case = factory.SubFactory(DemandCaseFactory)
    tenant = factory.SelfAttribute("case.tenant")
    kind = DocumentKind.COMPANY_REGISTRATION
    file = factory.LazyFunction(lambda: SimpleUploadedFile("doc.pdf", MINIMAL_PDF))
    original_name = "公司登記.pdf"
    content_type = "application/pdf"
    size = len(MINIMAL_PDF)
    uploaded_by = factory.SelfAttribute("case.created_by")


def persona(tenant: Tenant, role: str, organization: Organization | None = None, **user_kwargs: Any) -> Any:
    """A user holding ``role`` in ``tenant`` (for ``organization`` where the role has one)."""
    user = UserFactory(**user_kwargs)
    MembershipFactory(user=user, tenant=tenant, role=role, organization=organization)
    return user


def complete_case(**kwargs: Any) -> DemandCase:
    """A draft with the required documents attached, ready to submit."""
    case = DemandCaseFactory(**kwargs)
    for kind in (DocumentKind.COMPANY_REGISTRATION, DocumentKind.NEEDS_DESCRIPTION):
        CaseDocumentFactory(case=case, kind=kind)
    return case


def set_fields(obj: Any, **fields: Any) -> None:
    """Force column values on a tenant-owned row (test set-up only: bypasses transitions), in its tenant's scope."""
    with tenant_scope(obj.tenant):
        type(obj).objects.filter(pk=obj.pk).update(**fields)


def reload(obj: Any) -> Any:
    """A fresh copy of a tenant-owned row, read in its tenant's scope (works under PostgreSQL RLS)."""
    with tenant_scope(obj.tenant):
        return type(obj).objects.get(pk=obj.pk)
