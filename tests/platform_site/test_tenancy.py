"""Tenant scoping is structural and fail-closed."""

import pytest
from django.db import transaction

from cases.models import DemandCase
from platform_site.models import Organization, TenantCounter
from platform_site.tenancy import TenantNotSetError, current_tenant, tenant_scope
from tests.factories import DemandCaseFactory, OrganizationFactory, TenantFactory

pytestmark = pytest.mark.django_db


def test_it_raises_without_a_tenant():
    with pytest.raises(TenantNotSetError):
        list(Organization.objects.all())
    with pytest.raises(TenantNotSetError):
        DemandCase.objects.count()


def test_it_sees_only_the_current_tenant():
    a, b = TenantFactory(), TenantFactory()
    OrganizationFactory(tenant=a, name="A 公司")
    OrganizationFactory(tenant=b, name="B 公司")
    with tenant_scope(a):
        assert list(Organization.objects.values_list("name", flat=True)) == ["A 公司"]
    with tenant_scope(b):
        assert list(Organization.objects.values_list("name", flat=True)) == ["B 公司"]


def test_scopes_nest_and_restore():
    a, b = TenantFactory(), TenantFactory()
    with tenant_scope(a):
        with tenant_scope(b):
            assert current_tenant() == b
        assert current_tenant() == a
    assert current_tenant() is None


def test_related_managers_are_scoped_too():
    case = DemandCaseFactory()
    with pytest.raises(TenantNotSetError):
        list(case.documents.all())
    with tenant_scope(case.tenant):
        assert list(case.documents.all()) == []


def test_save_takes_the_current_tenant_when_none_is_given():
    a = TenantFactory()
    with tenant_scope(a):
        org = Organization(name="新創公司")
        org.save()
    assert org.tenant == a


def test_counters_are_gapless_per_tenant_and_roll_back():
    a, b = TenantFactory(), TenantFactory()
    with tenant_scope(a):
        assert [TenantCounter.next_value("case-2026") for _ in range(3)] == [1, 2, 3]
        with pytest.raises(RuntimeError), transaction.atomic():
            TenantCounter.next_value("case-2026")
            raise RuntimeError("rolled back")
        assert TenantCounter.next_value("case-2026") == 4
    with tenant_scope(b):
        assert TenantCounter.next_value("case-2026") == 1
