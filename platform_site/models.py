"""Tenancy core: tenants (programme offices), organisations, memberships, the activity log, counters."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from platform_site.enums import ActivityAction, CompanySize, OrganizationKind, Role, TenantKind
from platform_site.tenancy import TenantOwnedModel, require_tenant
from platform_site.tenant_config import TenantConfig, validate_tenant_settings
from platform_site.validators import validate_ubn


class Tenant(models.Model):
    """A programme office running its own intake, committees and rules on the shared portal."""

    slug = models.SlugField(_("slug"), unique=True, max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=TenantKind.choices, default=TenantKind.PLATFORM_OFFICE)
    settings = models.JSONField(
        _("settings"),
        default=dict,
        blank=True,
        validators=[validate_tenant_settings],
        help_text=_("Only the settings this tenant overrides, as JSON; unknown keys are refused."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("tenant")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save; raises ``ValidationError`` if ``settings`` break the :class:`TenantConfig` schema."""
        validate_tenant_settings(self.settings)
        super().save(*args, **kwargs)

    @property
    def config(self) -> TenantConfig:
        """The tenant's typed settings with defaults applied: the one way to read a tenant setting.

        Parsed once per instance and stored settings (a changed ``settings`` dict is parsed again)."""
        key = (self.slug, repr(self.settings))
        cached = self.__dict__.get("_config")
        if cached is None or cached[0] != key:
            cached = self.__dict__["_config"] = (key, TenantConfig.from_settings(self.settings, slug=self.slug))
        return cached[1]


class Organization(TenantOwnedModel):
    """A company, university or legal-person research institute known to one tenant."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=32, choices=OrganizationKind.choices, default=OrganizationKind.COMPANY
    )
    ubn = models.CharField(_("unified business number (統一編號)"), max_length=8, blank=True, validators=[validate_ubn])
    size = models.CharField(_("size"), max_length=16, choices=CompanySize.choices, default=CompanySize.SME)
    is_domestic = models.BooleanField(_("registered in Taiwan"), default=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "ubn"], condition=~models.Q(ubn=""), name="org_unique_ubn_per_tenant"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in a tenant, optionally for an organisation (applicant, supplier, case manager).

    Not under row-level security: it is the access-control table itself and is read across tenants to
    list a user's tenants; every query filters by ``user`` (and ``tenant`` inside a tenant).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    #: The organisation's admin (its first registered applicant): may invite colleagues and revoke invitations.
    is_org_admin = models.BooleanField(_("organisation admin"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tenant", "role"]
        constraints = [models.UniqueConstraint(fields=["tenant", "user", "role"], name="membership_unique_role")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.tenant.slug}: {self.get_role_display()}"


class ActivityLog(TenantOwnedModel):
    """The portal's one audit trail: append-only, per tenant, for every app and every subject.

    One row per event on a subject (any model row, by content type + id): a state transition (``action`` =
    the transition's method name, with ``field_name``, ``source_state`` and ``target_state``) or another
    audited event (``action`` = an :class:`~platform_site.enums.ActivityAction` code: created, edited,
    document uploaded / removed, checklist saved, member invited, money changed) with its details in
    ``data`` (JSON; edits keep ``{"changes": {field: {"before": …, "after": …}}}``). The actor is a user, or
    the system (``actor=None, by_system=True``). Written only by :func:`platform_site.activity.log_event`;
    on PostgreSQL a trigger refuses UPDATE and DELETE (migration 0008_activity_log_append_only), and row-level
    security applies.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=64)
    field_name = models.CharField(_("state field"), max_length=64, blank=True)
    source_state = models.CharField(_("from"), max_length=64, blank=True)
    target_state = models.CharField(_("to"), max_length=64, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    by_system = models.BooleanField(_("by the system"), default=False)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("activity log entry")
        indexes = [models.Index(fields=["tenant", "content_type", "object_id"], name="activity_subject_idx")]

    def __str__(self) -> str:
        if self.is_transition:
            return f"{self.action}: {self.source_state} → {self.target_state}"
        return self.action

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("activity log entries are append-only")
        super().save(*args, **kwargs)

    @property
    def is_transition(self) -> bool:
        """Whether the entry is a state change (it names the state field)."""
        return bool(self.field_name)

    def _model(self) -> type[models.Model] | None:
        return ContentType.objects.get_for_id(self.content_type_id).model_class()

    def _state_label(self, value: str) -> str:
        model = self._model()
        if model is None or not self.field_name:
            return value
        return str(dict(model._meta.get_field(self.field_name).flatchoices).get(value, value))

    @property
    def source_label(self) -> str:
        """Display label of the state before the transition (in the active language)."""
        return self._state_label(self.source_state)

    @property
    def target_label(self) -> str:
        """Display label of the state after the transition (in the active language)."""
        return self._state_label(self.target_state)

    @property
    def action_label(self) -> str:
        """A transition's ``custom={"label": …}``, an event's ActivityAction label, else the code itself."""
        if not self.is_transition:
            labels = dict(ActivityAction.choices)
            return str(labels.get(self.action, self.action.replace("_", " ")))
        model = self._model()
        method = getattr(model, self.action, None) if model else None
        meta = getattr(method, "_django_fsm", None)
        if meta is not None:
            for transition in meta.transitions.values():
                label = transition.custom.get("label")
                if label:
                    return str(label)
        return self.action.replace("_", " ")

    @property
    def subject_label(self) -> str:
        """The subject's kind (its model's verbose name, active language), e.g. "verification job"."""
        model = self._model()
        return str(model._meta.verbose_name) if model is not None else ""

    @property
    def actor_name(self) -> str:
        """Who acted: the user's full name (else username), or "system" (translated)."""
        if self.by_system or self.actor_id is None:
            return str(_("system"))
        return self.actor.get_full_name() or self.actor.get_username()

    @property
    def changed_fields(self) -> list[dict[str, Any]]:
        """For edits: ``[{"field", "label", "before", "after"}, …]`` with the fields' verbose names (active
        language) from the model named in ``data["model"]`` (``app_label.model``), else the subject's."""
        changes = (self.data or {}).get("changes") or {}
        model = self._model()
        if (self.data or {}).get("model"):
            try:
                model = apps.get_model(self.data["model"])
            except (LookupError, ValueError):
                pass
        result = []
        for name, change in changes.items():
            label = name
            if model is not None:
                try:
                    label = str(model._meta.get_field(name).verbose_name)
                except FieldDoesNotExist:
                    pass
            result.append({"field": name, "label": label, "before": change.get("before"), "after": change.get("after")})
        return result


class SentNotification(TenantOwnedModel):
    """A notification of ``kind`` sent (or being sent) for one activity-log entry: at most one per pair.

    The idempotency claim of notification tasks (the log itself is append-only): inserting the row claims the
    send; a failed send deletes it again so a retry can claim it.
    """

    entry = models.ForeignKey(ActivityLog, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=64)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "kind"], name="sentnotification_unique_entry_kind")]


class TenantCounter(TenantOwnedModel):
    """Gapless per-tenant sequences (case references, report numbers, invoice numbers)."""

    key = models.CharField(max_length=64)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="counter_unique_key")]

    @classmethod
    def next_value(cls, key: str) -> int:
        """Return the next number of ``key`` in the current tenant (1, 2, …), gapless inside a transaction.

        Raises TenantNotSetError outside a tenant scope. Must run inside ``transaction.atomic()`` so that a
        rolled-back caller also rolls back the number.
        """
        tenant = require_tenant()
        with transaction.atomic():
            counter, _created = cls.objects.select_for_update().get_or_create(tenant=tenant, key=key)
            counter.value += 1
            counter.save(update_fields=["value"])
        return counter.value


# The transactional outbox and the account rows live in their own modules; registered here.
from platform_site.account_models import ConsentRecord, Invitation, Profile  # noqa: E402, F401
from platform_site.outbox import OutboxMessage  # noqa: E402, F401
