"""Django admin for platform operators: tenants and memberships.

Tenant data (organisations, cases, jobs) is worked on in the portal inside a tenant scope; the admin never
reads tenant-owned tables (their managers refuse queries without a tenant, and PostgreSQL RLS hides them),
so a membership shows its organisation by id only.
"""

from django.contrib import admin

from platform_site.models import Membership, Tenant


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "kind", "is_active"]
    search_fields = ["slug", "name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "tenant", "role", "organization_id"]
    list_filter = ["tenant", "role"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "tenant", "role"]
    raw_id_fields = ["user"]
    list_select_related = ["user", "tenant"]
