"""The directory's Traditional-Chinese keyword search: 2-, 3- and 4-character terms and English keywords with a
fixed ranking for a fixed set of partners, on SQLite and on PostgreSQL alike (run this file under
``bash scripts/with-postgres-redis.sh``). Expected ranks follow suppliers.search.score (name 5, keywords 3 per
occurrence, technologies 2, summary/specifications 1), written out by hand below."""

from __future__ import annotations

import pytest
from django.db import connection

from platform_site.tenancy import tenant_scope
from suppliers import queries, search
from tests.suppliers.factories import partner

pytestmark = pytest.mark.django_db

PARTNERS = {
    # name: (keywords, technologies, summary)
    "曜光光學股份有限公司": ("光學、鏡頭、AOI", "光學鏡頭設計、光學檢測", "工業光學鏡頭與光學檢測模組。"),
    "南星封裝科技": ("封裝、扇出型封裝、Fan-out", "扇出型晶圓級封裝 FOWLP", "先進封裝與系統級封裝。"),
    "智感微機電": ("感測器、MEMS", "MEMS 感測器、光學感測", "感測模組與封裝測試。"),
    "鏡界系統整合": ("系統整合", "機器視覺", "提供光學鏡頭選型與系統整合。"),
    "深度視覺 AI": ("AI、影像辨識", "深度學習模型訓練、影像辨識", "AI 模型訓練服務。"),
}


@pytest.fixture
def partners(world):
    made = {name: partner(world.a, name, keywords=k, technologies=t, summary=s) for name, (k, t, s) in PARTNERS.items()}
    partner(world.a, "光學送審中公司", state="qualification", keywords="光學")  # not approved: never listed
    partner(world.b, "他租戶光學", keywords="光學")  # another tenant: never listed
    return made


def _names(world, q: str) -> list[str]:
    with tenant_scope(world.a):
        ids, ranked = queries.directory(world.reviewer, world.a, q=q)
        assert ranked
        return [p.organization.name for p in queries.rows_for_ids(ids)]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # 光學: 曜光 name 5 + keywords 3 + technologies 2×2 + summary 2×1 = 14; 智感 technologies 2 = 2;
        # 鏡界 summary 1 = 1.
        ("光學", ["曜光光學股份有限公司", "智感微機電", "鏡界系統整合"]),
        # 封裝: 南星 name 5 + keywords 2×3 + technologies 2 + summary 2 = 15; 智感 summary 1.
        ("封裝", ["南星封裝科技", "智感微機電"]),
        # 扇出型 (3 characters: bigrams 扇出 ∧ 出型): only 南星.
        ("扇出型", ["南星封裝科技"]),
        # 光學鏡頭 (4 characters): 曜光 technologies 2 + summary 1 = 3 (name lacks it, keywords too); 鏡界 summary 1.
        ("光學鏡頭", ["曜光光學股份有限公司", "鏡界系統整合"]),
        # English, case-insensitive: MEMS in 智感 keywords 3 + technologies 2.
        ("mems", ["智感微機電"]),
        ("Fan-out", ["南星封裝科技"]),
        # Two terms (AND): 影像辨識 and AI → only 深度視覺 AI.
        ("影像辨識 AI", ["深度視覺 AI"]),
        # A term nobody has.
        ("量子", []),
    ],
)
def test_fixed_ranking_on_this_database(world, partners, q, expected):
    assert _names(world, q) == expected, connection.vendor


def test_one_character_terms_use_the_unigrams(world, partners):
    assert _names(world, "鏡") == ["曜光光學股份有限公司", "鏡界系統整合"]


def test_tokens_hold_unigrams_bigrams_and_ascii_words():
    tokens = search.index_tokens(["光學鏡頭 Fan-Out"]).split()
    assert tokens == [
        *("u5149", "u5b78", "u93e1", "u982d"),  # 光 學 鏡 頭 (U+5149 U+5B78 U+93E1 U+982D)
        *("u5149u5b78", "u5b78u93e1", "u93e1u982d"),  # 光學 學鏡 鏡頭
        *("afan", "aout"),
    ]
    assert search.query_tokens("光學鏡頭") == ["u5149u5b78", "u5b78u93e1", "u93e1u982d"]
    assert search.query_tokens("鏡") == ["u93e1"]


def test_a_query_with_nothing_searchable_lists_every_partner_by_name(world, partners):
    with tenant_scope(world.a):
        rows, ranked = queries.directory(world.reviewer, world.a, q="!!  ？")
        assert not ranked
        assert [p.organization.name for p in rows] == sorted(PARTNERS)


def test_the_search_index_follows_edits(world, partners):
    profile = partners["鏡界系統整合"]
    with tenant_scope(world.a):
        profile.keywords = "封裝"
        profile.save()
    assert _names(world, "封裝") == ["南星封裝科技", "鏡界系統整合", "智感微機電"]  # keywords 3 > summary 1


def test_filters_by_role_domain_and_certification(world, partners):
    optics = partners["曜光光學股份有限公司"]
    with tenant_scope(world.a):
        optics.roles, optics.domains, optics.certifications = ["module"], ["sensors"], ["iso_9001"]
        optics.save()
        for filters in ({"role": "module"}, {"domain": "sensors"}, {"certification": "iso_9001"}):
            rows, _ranked = queries.directory(world.reviewer, world.a, **filters)
            assert [p.pk for p in rows] == [optics.pk], filters
        rows, _ranked = queries.directory(world.reviewer, world.a, q="光學", role="software")
        assert [queries.rows_for_ids(rows)[i].organization.name for i in range(len(rows))] == [
            "智感微機電",
            "鏡界系統整合",
        ]
