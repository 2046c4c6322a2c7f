"""Django admin for platform operators: tenants and memberships (case data is worked on in the portal)."""

from django.contrib import admin

from platform_site.models import Membership, Tenant


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "kind", "is_active"]
    search_fields = ["slug", "name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "tenant", "role", "organization"]
    list_filter = ["tenant", "role"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user", "organization"]
    list_select_related = ["user", "tenant", "organization"]
