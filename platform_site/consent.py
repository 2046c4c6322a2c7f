"""The personal-data notice (個人資料保護法 §8 告知事項) shown at registration, its version, and the record.

Bump :data:`CONSENT_VERSION` whenever :func:`consent_text` changes in substance: every
:class:`~platform_site.models.ConsentRecord` names the version the person agreed to. The text names the
programme office (the tenant) as the collector and lists the §8 items: purpose, data categories, period,
area, recipients and manner of use, the rights of §3, and what happens if data are not given.

Suggested zh-Hant wording for the translator (msgstr of the notice paragraphs, same order):
  「%(office)s（以下稱本單位）為辦理智慧系統整合媒合服務之申請、審查、媒合、補助及聯繫（特定目的：
  契約、類似契約或其他法律關係事務、政府補助業務），蒐集您的姓名、電子郵件、電話及所屬組織資料。」
  「上述資料於計畫執行期間及依法應保存之期間內，於中華民國境內，由本單位及受託審查之專家、
  媒合之供應商於前述目的範圍內利用。」
  「您得依個人資料保護法第3條向本單位請求查詢、閱覽、製給複製本、補充或更正、停止蒐集、處理或利用，
  或刪除您的個人資料。您可自由選擇是否提供；若未提供或同意，將無法完成註冊及申請。」
  Checkbox label: 「我已閱讀並同意上述個人資料蒐集、處理及利用告知事項」
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from platform_site.models import ConsentRecord, Tenant

#: Version of the notice below (a date; change it with the text).
CONSENT_VERSION = "2026-12-01"

CONSENT_LABEL = _("I have read and agree to the notice on the collection, processing and use of my personal data.")


def consent_paragraphs(tenant: Tenant) -> list[str]:
    """The notice as paragraphs in the active language, naming ``tenant`` as the collector."""
    office = tenant.name
    return [
        _(
            "%(office)s (the office) collects your name, email, phone and your organisation's details to handle "
            "your application, its review, matching with suppliers, grants and contact with you (specific "
            "purposes: contractual or similar relations, government subsidy business)."
        )
        % {"office": office},
        _(
            "The office, the experts it appoints for reviews and the suppliers it matches you with use these data "
            "in Taiwan, for these purposes only, while the programme runs and for as long as the law requires "
            "them to be kept."
        ),
        _(
            "Under Article 3 of the Personal Data Protection Act you may ask the office to let you inspect or copy "
            "your data, to complete or correct them, to stop collecting, processing or using them, or to delete "
            "them. Giving your data is voluntary; without them and this consent the registration cannot be "
            "completed."
        ),
    ]


def record_consent(user: Any, tenant: Tenant) -> ConsentRecord:
    """Record that ``user`` agreed to the current notice (:data:`CONSENT_VERSION`) of ``tenant``, now."""
    return ConsentRecord.objects.create(user=user, tenant=tenant, version=CONSENT_VERSION)
