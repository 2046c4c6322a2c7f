"""The zh-Hant catalog (locale/zh_Hant/LC_MESSAGES/django.po) is complete, compiled and typeset for Taiwan.

- every entry is translated and none is fuzzy (a new string without translation fails here: run
  ``manage.py makemessages -l zh_Hant --ignore=.venv --ignore=var --ignore=staticfiles --no-obsolete``,
  translate, then ``manage.py compilemessages --ignore=.venv``);
- the committed .mo holds exactly the .po's translations (compilemessages was run);
- Chinese text uses full-width punctuation （）：，；？！ — a half-width one next to a CJK character fails;
- our overrides of Django's/DRF's own messages (platform_site/i18n_overrides.py) win, e.g. 此欄位為必填。
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django import forms
from django.conf import settings
from django.utils import translation
from rest_framework import serializers

pytestmark = pytest.mark.no_services  # tests/conftest.py: the PostgreSQL pass skips it

CATALOG = Path(settings.BASE_DIR) / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"

#: Python/str.format placeholders (%(name)s, %s, %d, {name}), URLs and HTML tags: not prose.
NOT_PROSE = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdfr]|%[sdfr]|\{[A-Za-z_][A-Za-z0-9_]*\}|https?://\S+|<[^>]+>")
HALF_WIDTH = "():;,?!"
#: CJK ideographs and CJK/full-width punctuation.
CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\uff00-\uffef]")


def half_width_in_chinese(text: str) -> list[str]:
    """The half-width ``( ) : ; , ? !`` of ``text`` whose nearest non-space neighbour (either side) is CJK.

    Placeholders, URLs and tags are replaced by an ASCII ``X`` first, so ``%(n)s``, ``https://x:8000`` and
    times such as ``14:03`` pass, as do ASCII-only fragments (``PDF, Office``; ``MLPerf (v4.1) rules``),
    but not ``延遲 (ms)``.
    Returns a short excerpt around each offending character (empty list: the text is fine).
    """
    prose = NOT_PROSE.sub("X", text)
    found = []
    for i, char in enumerate(prose):
        if char not in HALF_WIDTH:
            continue
        left = prose[:i].rstrip()[-1:]
        right = prose[i + 1 :].lstrip()[:1]
        if CJK.match(left) or CJK.match(right):
            found.append(prose[max(0, i - 6) : i + 7])
    return found


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("案件 %(ref)s：%(state)s", False),
        ("延遲（ms）", False),
        ("PDF、Office 文件", False),
        ("請於 14:03 前送件。", False),
        ("請開啟 https://portal.example:8443/t/tsmp/ 查看。", False),
        ("依 MLPerf (v4.1) rules 執行", False),
        ("採用 MLPerf (v4.1) 規則", True),
        ("此欄位最多 %(limit_value)d 個字 (目前為 %(show_value)d 個字)。", True),
        ("狀態: 草稿", True),
        ("您的單位已註冊,請登入。", True),
        ("忘記密碼?", True),
        ("歡迎!", True),
        ("需求端;供應端", True),
    ],
)
def test_the_punctuation_check_itself(text, bad):
    assert bool(half_width_in_chinese(text)) is bad


@pytest.fixture(scope="module")
def catalog() -> polib.POFile:
    return polib.pofile(str(CATALOG))


def _msgstrs(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_every_entry_is_translated_and_none_is_fuzzy(catalog):
    live = [e for e in catalog if not e.obsolete]
    assert len(live) > 500, "the catalog looks truncated"
    untranslated = [e.msgid for e in live if not all(_msgstrs(e))]
    fuzzy = [e.msgid for e in live if "fuzzy" in e.flags]
    assert untranslated == [], f"untranslated zh-Hant entries: {untranslated}"
    assert fuzzy == [], f"fuzzy zh-Hant entries (re-translate, then drop the flag): {fuzzy}"


def test_the_compiled_catalog_matches_the_po(catalog):
    compiled = polib.mofile(str(CATALOG.with_suffix(".mo")))
    expected = {(e.msgctxt, e.msgid): _msgstrs(e) for e in catalog if e.translated()}
    actual = {(e.msgctxt, e.msgid): _msgstrs(e) for e in compiled if e.msgid}
    assert actual == expected, "django.mo is stale: run manage.py compilemessages --ignore=.venv"


def test_chinese_text_uses_full_width_punctuation(catalog):
    offending = {
        entry.msgid: hits
        for entry in catalog
        if not entry.obsolete
        for text in _msgstrs(entry)
        if (hits := half_width_in_chinese(text))
    }
    assert offending == {}, f"half-width punctuation in Chinese text (use （）：，；？！): {offending}"


def test_placeholders_are_kept(catalog):
    """msgfmt --check does this for python-format entries; brace-format ones ({x}) are checked here."""
    braces = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
    wrong = [
        e.msgid
        for e in catalog
        if not e.obsolete and e.translated()
        for text in _msgstrs(e)
        if sorted(braces.findall(text)) != sorted(braces.findall(e.msgid))
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("msgid", "zh"),
    [
        ("This field is required.", "此欄位為必填。"),
        ("The two password fields didn’t match.", "兩次輸入的密碼不一致。"),
        ("This field may not be blank.", "此欄位不可空白。"),
    ],
)
def test_our_catalog_overrides_django_and_drf(msgid, zh):
    with translation.override("zh-hant"):
        assert translation.gettext(msgid) == zh
    with translation.override("en"):
        assert translation.gettext(msgid) == msgid


def test_a_required_field_says_it_is_required_in_taiwan_usage():
    class Form(forms.Form):
        name = forms.CharField(max_length=3)

    class Serializer(serializers.Serializer):
        name = serializers.CharField()

    with translation.override("zh-hant"):
        assert Form(data={}).errors["name"] == ["此欄位為必填。"]
        assert Form(data={"name": "abcd"}).errors["name"] == ["此欄位最多 3 個字（目前為 4 個字）。"]
        serializer = Serializer(data={})
        assert not serializer.is_valid()
        assert [str(m) for m in serializer.errors["name"]] == ["此欄位為必填。"]
