"""Django admin for platform operators: tenants and memberships.

Tenant data (organisations, cases, jobs) is worked on in the portal inside a tenant scope; the admin never
reads tenant-owned tables (their managers refuse queries without a tenant, and PostgreSQL RLS hides them),
so a membership shows its organisation by id only.
"""

import dataclasses
import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from platform_site.models import ConsentRecord, Membership, OutboxMessage, Profile, Tenant


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "kind", "is_active"]
    search_fields = ["slug", "name"]
    readonly_fields = ["effective_settings"]

    @admin.display(description=_("effective settings (defaults applied)"))
    def effective_settings(self, obj: Tenant) -> str:
        """Every typed setting of the tenant (TenantConfig) with the value in force."""
        values = dataclasses.asdict(obj.config)
        return format_html("<pre>{}</pre>", json.dumps(values, ensure_ascii=False, indent=2))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "tenant", "role", "organization_id", "is_org_admin"]
    list_filter = ["tenant", "role", "is_org_admin"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "tenant", "role", "is_org_admin"]
    raw_id_fields = ["user"]
    list_select_related = ["user", "tenant"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    """Read-only: the evidence of who agreed to which notice version, when (個人資料保護法)."""

    list_display = ["user", "tenant", "version", "agreed_at"]
    list_filter = ["tenant", "version"]
    search_fields = ["user__username"]
    list_select_related = ["user", "tenant"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Queued tasks (platform_site.outbox), read-only: an operator reads a given-up task's error and deletes it."""

    list_display = ["pk", "task", "tenant_id", "created_at", "attempts", "failures", "done_at"]
    list_filter = ["task"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
