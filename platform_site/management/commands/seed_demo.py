"""``manage.py seed_demo``: three tenants (a programme office, a grant-call office, a lab), organisations, one
login per role, then each app's demo data.

The platform-level data is made here; then every installed app with a ``demo`` module gets
``demo.seed(DemoSite)`` per tenant, in ``INSTALLED_APPS`` order (platform_site.extensions.demo_seeders), so
this command imports no app. Idempotent: a second run changes nothing (it stops when the demo tenants exist,
and each app's ``seed`` skips a tenant that already has its data).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from platform_site.enums import CompanySize, OrganizationKind, Role, TenantKind
from platform_site.extensions import DemoSite, demo_seeders
from platform_site.models import Membership, Organization, Tenant
from platform_site.tenancy import tenant_scope
from platform_site.validators import is_valid_ubn

DEMO_PASSWORD = "demo-2026"

TENANTS = [
    {
        "slug": "tsmp",
        "name": "臺灣智慧系統整合製造平台推動辦公室",
        "name_en": "Taiwan Smart System Integration Manufacturing Platform (TSMP) Promotion Office",
        "kind": TenantKind.PLATFORM_OFFICE,
        "settings": {"case_prefix": "TSMP"},
    },
    {
        # A grant-call office (seed 001_f4b2551ebc037df1.txt: 智慧機械-產業聚落供應鏈數位串流暨AI應用): its committee
        # scores on the seed's weighted professional review (review/demo.py).
        "slug": "smgrant",
        "name": "智慧機械產業聚落供應鏈數位串流暨AI應用計畫 專案辦公室",
        "name_en": "Smart Machinery Supply-Chain Digital Flow and AI Application Grant Call Office",
        "kind": TenantKind.GRANT_CALL,
        "settings": {"case_prefix": "SMAI"},
    },
    {
        "slug": "ailab",
        "name": "AI晶片異質整合驗證實驗室",
        "name_en": "AI-Chip Heterogeneous Integration Verification Lab",
        "kind": TenantKind.VERIFICATION_LAB,
        "settings": {"case_prefix": "AICL"},
    },
]

ROLE_LOGINS = [
    (Role.APPLICANT, "applicant", "陳志明"),
    (Role.SUPPLIER, "supplier", "林怡君"),
    (Role.OFFICE_REVIEWER, "reviewer", "王美玲"),
    (Role.CTO, "cto", "張家豪"),
    (Role.EXPERT, "expert", "李建國"),
    (Role.CASE_MANAGER, "manager", "黃淑芬"),
    (Role.FINANCE, "finance", "吳俊傑"),
    (Role.TENANT_ADMIN, "admin", "劉雅婷"),
]

APPLICANT_ORGS = [
    ("南方精密金屬股份有限公司", "metal", CompanySize.SME),
    ("織采紡織股份有限公司", "textile", CompanySize.SME),
    ("步履製鞋有限公司", "footwear", CompanySize.SME),
    ("安心照護科技股份有限公司", "care", CompanySize.STARTUP),
    ("鮮點零售股份有限公司", "retail", CompanySize.CROSS_DOMAIN),
]


def valid_ubn(seed: int) -> str:
    """The first valid 統一編號 at or after ``seed`` (demo data only)."""
    n = seed
    while not is_valid_ubn(f"{n:08d}"):
        n += 1
    return f"{n:08d}"


class Command(BaseCommand):
    help = "Load demo tenants, organisations, logins (one per role) and every app's demo data."

    def handle(self, *args: Any, **options: Any) -> None:
        if Tenant.objects.filter(slug__in=[t["slug"] for t in TENANTS]).exists():
            self.stdout.write("Demo data already loaded.")
        else:
            with transaction.atomic():
                for index, spec in enumerate(TENANTS):
                    self._seed_tenant(spec, index)
        self._print_logins()

    def _seed_tenant(self, spec: dict[str, Any], index: int) -> None:
        """One tenant: organisations, one login per role, a login per applicant organisation, app data."""
        tenant = Tenant.objects.create(**spec)
        with tenant_scope(tenant):
            orgs = {
                key: Organization.objects.create(
                    tenant=tenant,
                    name=name,
                    ubn=valid_ubn(24500000 + index * 1000000 + i * 7919),
                    size=size,
                    address="高雄市前鎮區成功二路 88 號",
                    phone="07-5550100",
                )
                for i, (name, key, size) in enumerate(APPLICANT_ORGS)
            }
            supplier_org = Organization.objects.create(
                tenant=tenant,
                name="國立南方科技大學 智慧系統實驗室",
                kind=OrganizationKind.UNIVERSITY,
                size=CompanySize.NOT_APPLICABLE,
            )
            users = {}
            for role, prefix, full_name in ROLE_LOGINS:
                user = self._user(f"{prefix}@{tenant.slug}.demo", full_name)
                org = orgs["metal"] if role == Role.APPLICANT else supplier_org if role == Role.SUPPLIER else None
                Membership.objects.create(
                    user=user, tenant=tenant, role=role, organization=org, is_org_admin=role == Role.APPLICANT
                )
                users[role] = user
            # Every applicant organisation gets its own login too, so each case has a real owner.
            applicants = {"metal": users[Role.APPLICANT]}
            for name, key, _size in APPLICANT_ORGS[1:]:
                user = self._user(f"{key}@{tenant.slug}.demo", f"{name[:4]}聯絡人")
                Membership.objects.create(
                    user=user, tenant=tenant, role=Role.APPLICANT, organization=orgs[key], is_org_admin=True
                )
                applicants[key] = user
            site = DemoSite(tenant=tenant, people=users, orgs={**orgs, "supplier": supplier_org}, applicants=applicants)
            for _label, seed in demo_seeders():
                seed(site)

    def _user(self, email: str, full_name: str) -> Any:
        user_model = get_user_model()
        user = user_model.objects.filter(username=email).first()
        if user is None:
            user = user_model.objects.create_user(
                username=email, email=email, password=DEMO_PASSWORD, first_name=full_name
            )
        return user

    def _print_logins(self) -> None:
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        for spec in TENANTS:
            self.stdout.write(f"  /t/{spec['slug']}/  {spec['name']}")
            for role, prefix, _name in ROLE_LOGINS:
                self.stdout.write(f"    {role.label:<32} {prefix}@{spec['slug']}.demo")
