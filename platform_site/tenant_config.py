"""Typed per-tenant settings: one schema with defaults, validated on save, read as ``tenant.config.<key>``.

``Tenant.settings`` stores only the keys a tenant overrides (JSON). :class:`TenantConfig` declares every key
once, with its type, default and bounds; ``Tenant.config`` is the only reader. Adding a setting is one line
in :class:`TenantConfig`, e.g. ``review_panel_size: int = setting(5, min_value=3, max_value=7)``.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import typing
from collections.abc import Mapping
from typing import Any, get_type_hints

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

#: A reference prefix (case numbers, report numbers): upper-case letters and digits, starting with a letter.
PREFIX_PATTERN = r"[A-Z][A-Z0-9]{0,11}"


def setting(
    default: Any,
    *,
    min_value: int | None = None,
    max_value: Any = None,
    pattern: str | None = None,
    pattern_message: Any = None,
    help_text: Any = "",
) -> Any:
    """Declare one tenant setting (a dataclass field with its bounds in ``metadata``).

    Supported types (from the annotation): ``int``, ``bool``, ``str``, each optionally ``| None``.
    ``max_value`` may be a callable (evaluated when validating, e.g. to read a Django setting). ``pattern``
    is a full-match regular expression for strings, ``pattern_message`` the (translated) refusal. A ``None``
    default means "the platform decides" (stored ``null`` is accepted).
    """
    meta = {
        "min_value": min_value,
        "max_value": max_value,
        "pattern": pattern,
        "pattern_message": pattern_message or _("Enter a valid value."),
        "help_text": help_text,
    }
    return dataclasses.field(default=default, metadata=meta)


def prefix_setting(default: str | None, help_text: Any) -> Any:
    """A reference-number prefix: 1-12 upper-case letters or digits, starting with a letter."""
    return setting(
        default,
        pattern=PREFIX_PATTERN,
        help_text=help_text,
        pattern_message=_("Use 1 to 12 upper-case letters or digits, starting with a letter (e.g. TSMP)."),
    )


def _site_upload_limit() -> int:
    return int(django_settings.UPLOAD_MAX_BYTES)


@dataclasses.dataclass(frozen=True)
class TenantConfig:
    """Every per-tenant setting with its default. Read it as ``tenant.config``; never read ``tenant.settings``.

    - ``case_prefix``: prefix of case references ``<PREFIX>-<year>-<nnnn>``; ``None`` = the tenant slug in
      upper case.
    - ``qualification_working_days``: working days (Taiwan calendar) for the qualification review 資格審;
      seed 000_9617a3b789ca4d20.txt: "隨到隨審，不超過 5 個工作天".
    - ``upload_max_bytes``: largest accepted upload in bytes; ``None`` = the site limit
      ``settings.UPLOAD_MAX_BYTES`` (a tenant may lower it, not raise it: the reverse proxy caps bodies).
    - ``report_prefix``: prefix of verification report numbers ``<PREFIX>-<year>-<nnnn>``.
    - ``invitation_valid_days``: calendar days a colleague's invitation link stays valid (1-30, default 7).
    - ``review_*``: the review committee's panel sizes (seed 000: 初審 3-5, 複審 5-7 experts), the months within
      which 複審 follows 初審 (1), score visibility (``independent`` / ``open``), the dispersion flag's
      threshold (% of a criterion's scale), the conflict check's look-back (3 years), whether the applicant
      sees the panel's names, and reminder lead times (days); ``review_rubric``: the rubric code new meetings
      score on (``None``: ``grant_call`` in a grant-call office, else ``tsmp``).
    - ``billing_document_type``: ``uniform_invoice`` (統一發票 from the 字軌 ranges finance enters) or ``receipt``
      (收據, the series ``<case_prefix>-R-<year>-<nnnnn>``); ``billing_payment_days``: days after issue an
      invoice is due (receivables turn overdue after it).
    """

    case_prefix: str | None = prefix_setting(None, _("Prefix of case references."))
    qualification_working_days: int = setting(
        5, min_value=1, max_value=30, help_text=_("Working days for the qualification review.")
    )
    upload_max_bytes: int | None = setting(
        None, min_value=1, max_value=_site_upload_limit, help_text=_("Largest upload in bytes.")
    )
    report_prefix: str = prefix_setting("VR", _("Prefix of verification report numbers."))
    invitation_valid_days: int = setting(
        7, min_value=1, max_value=30, help_text=_("Days an invitation link of an organisation stays valid.")
    )
    # Review committee (seed 000_9617a3b789ca4d20.txt: 初審 專家3~5人, 複審 5~7人, 初審結束後一個月內完成).
    review_preliminary_panel_min: int = setting(
        3, min_value=1, max_value=15, help_text=_("Fewest experts in a preliminary review.")
    )
    review_preliminary_panel_max: int = setting(
        5, min_value=1, max_value=15, help_text=_("Most experts in a preliminary review.")
    )
    review_final_panel_min: int = setting(
        5, min_value=1, max_value=15, help_text=_("Fewest experts in a final review.")
    )
    review_final_panel_max: int = setting(7, min_value=1, max_value=15, help_text=_("Most experts in a final review."))
    review_final_within_months: int = setting(
        1,
        min_value=1,
        max_value=12,
        help_text=_("Months after the preliminary review within which the final review is held."),
    )
    review_score_visibility: str = setting(
        "independent",
        pattern=r"independent|open",
        pattern_message=_("Use “independent” or “open”."),
        help_text=_("independent: an expert sees the others' scores only after submitting their own."),
    )
    review_dispersion_percent: int = setting(
        50,
        min_value=1,
        max_value=100,
        help_text=_("Flag a criterion when the scores spread over more than this percentage of its scale."),
    )
    review_conflict_lookback_years: int = setting(
        3, min_value=0, max_value=10, help_text=_("Years of past affiliations the automatic conflict check reads.")
    )
    review_show_expert_names: bool = setting(False, help_text=_("Show the panel's names to the applicant."))
    review_score_reminder_days: int = setting(
        2, min_value=0, max_value=14, help_text=_("Days before a meeting to remind experts who have not scored.")
    )
    review_invitation_reminder_days: int = setting(
        2, min_value=0, max_value=14, help_text=_("Days after which an unanswered invitation is reminded.")
    )
    review_final_due_warning_days: int = setting(
        7, min_value=0, max_value=31, help_text=_("Days before the final-review due date to remind the CTO.")
    )
    review_rubric: str | None = setting(
        None, pattern=r"[a-z0-9_-]{1,40}", help_text=_("Rubric code meetings score on (empty: by the office's kind).")
    )

    # Supplier onboarding (seed 000_9617a3b789ca4d20.txt, 供應端: 資格審 5 個工作天, 複審 資格審結束後兩周內).
    supplier_qualification_working_days: int = setting(
        5, min_value=1, max_value=30, help_text=_("Working days for a supplier's qualification review.")
    )
    supplier_final_review_days: int = setting(
        14,
        min_value=1,
        max_value=60,
        help_text=_("Days after qualification within which a supplier's final review is held."),
    )
    supplier_final_panel_min: int = setting(
        3, min_value=1, max_value=15, help_text=_("Fewest core platform members on a supplier final review.")
    )
    supplier_final_panel_max: int = setting(
        5, min_value=1, max_value=15, help_text=_("Most core platform members on a supplier final review.")
    )

    # Billing (issue 11): 統一發票 from allotted 字軌 ranges or the tenant's own 收據 series; payment term in days.
    billing_document_type: str = setting(
        "receipt",
        pattern=r"uniform_invoice|receipt",
        pattern_message=_("Use “uniform_invoice” or “receipt”."),
        help_text=_("Document issued for invoices: uniform_invoice (統一發票) or receipt (收據)."),
    )
    billing_payment_days: int = setting(
        30, min_value=0, max_value=180, help_text=_("Days after issue within which an invoice is due.")
    )

    @classmethod
    def keys(cls) -> frozenset[str]:
        """The names of all settings."""
        return frozenset(f.name for f in dataclasses.fields(cls))

    @classmethod
    def errors(cls, data: Any) -> dict[str, list[str]]:
        """Validation errors of stored settings ``data``: ``{key: [message, …]}`` (empty when valid).

        Unknown keys, wrong types (``True`` is not an integer) and values out of bounds are errors.
        Messages are translated (lazy) and name no key: the caller prefixes the key.
        """
        if data in (None, ""):
            return {}
        if not isinstance(data, Mapping):
            return {"": [str(_("Settings must be a JSON object of key: value pairs."))]}
        hints = get_type_hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls)}
        found: dict[str, list[str]] = {}
        for key, value in data.items():
            field = fields.get(key)
            if field is None:
                found[key] = [
                    str(_("Unknown setting. Known settings: %(keys)s.") % {"keys": ", ".join(sorted(fields))})
                ]
                continue
            message = _check(value, hints[key], field)
            if message:
                found[key] = [message]
        return found

    @classmethod
    def from_settings(cls, data: Any, *, slug: str = "") -> TenantConfig:
        """The effective configuration of stored ``data`` (defaults for absent keys).

        Values that fail validation (possible only if written around ``Tenant.save``) fall back to their
        default with a logged warning rather than breaking every page of the tenant.
        """
        stored = dict(data) if isinstance(data, Mapping) else {}
        bad = cls.errors(stored)
        for key in bad:
            logger.warning("tenant %s: ignoring invalid setting %r=%r: %s", slug, key, stored.pop(key, None), bad[key])
        config = cls(**stored)
        if config.case_prefix is None and slug:
            config = dataclasses.replace(config, case_prefix=slug.upper())
        return config


def _base_type(hint: Any) -> type:
    """``int`` for ``int`` and ``int | None`` (the one non-None member of the annotation)."""
    members = [t for t in typing.get_args(hint) if t is not type(None)] or [hint]
    return members[0]


def _check(value: Any, hint: Any, field: dataclasses.Field) -> str:
    meta = field.metadata
    if value is None:
        return "" if field.default is None else str(_("This field cannot be null."))
    kind = _base_type(hint)
    if kind is bool:
        return "" if isinstance(value, bool) else str(_("Enter true or false."))
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            return str(_("Enter a whole number."))
        low, high = meta["min_value"], meta["max_value"]
        high = high() if callable(high) else high
        if low is not None and value < low:
            return str(_("Ensure this value is greater than or equal to %(limit_value)s.") % {"limit_value": low})
        if high is not None and value > high:
            return str(_("Ensure this value is less than or equal to %(limit_value)s.") % {"limit_value": high})
        return ""
    if not isinstance(value, str):
        return str(_("Enter a text value."))
    if meta["pattern"] and not re.fullmatch(meta["pattern"], value):
        return str(meta["pattern_message"])
    return ""


def validate_tenant_settings(data: Any) -> None:
    """Django validator for ``Tenant.settings``: raises ``ValidationError`` with one message per bad key.

    Each message reads ``<key>: <problem>`` so the admin form shows which key is wrong.
    """
    found = TenantConfig.errors(data)
    if found:
        raise ValidationError(
            [
                ValidationError(
                    "%(key)s: %(message)s", code="invalid_setting", params={"key": key or "settings", "message": msg}
                )
                for key, messages in sorted(found.items())
                for msg in messages
            ]
        )
