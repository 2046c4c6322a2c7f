"""Keyword search in Traditional Chinese that works the same on SQLite and PostgreSQL (issue 9).

Neither SQLite's FTS5 ``trigram`` tokenizer nor PostgreSQL's ``pg_trgm`` indexes terms shorter than three
characters (and pg_trgm indexes no CJK at all under a C locale), so a two-character term such as 光學 or 封裝
would find nothing. Instead every profile keeps a **token column** (``SupplierProfile.search_tokens``):

* each run of CJK characters gives its unigrams and its bigrams (``光學鏡頭`` → 光 學 鏡 頭 光學 學鏡 鏡頭);
* each run of ASCII letters/digits gives one lower-cased word (``Fan-Out`` → ``fan`` ``out``).

Tokens are stored **hex-encoded** (``u5149u5b78`` for 光學, ``a`` + the word for ASCII), so neither database's
parser or locale can split or drop them: PostgreSQL indexes ``to_tsvector('simple', search_tokens)`` with a
GIN index, SQLite an FTS5 table kept in step by triggers (``migrations/0003_search_index.py``).

A query is tokenised the same way, but a CJK run of two or more characters contributes only its bigrams
(光學鏡頭 → 光學 ∧ 學鏡 ∧ 鏡頭) and a single character its unigram; all query tokens must match (AND).
The ranking is computed in Python from the matching rows' texts (:func:`score`), so it is identical on both
databases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: CJK unified ideographs (+ extension A, compatibility ideographs): the characters that get n-grams.
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
ASCII_WORD = re.compile(r"[A-Za-z0-9]+")
#: Longest query used (longer input is cut, never an error) and most query tokens.
MAX_QUERY_LENGTH = 60
MAX_QUERY_TOKENS = 24


def _encode_cjk(gram: str) -> str:
    return "".join(f"u{ord(ch):x}" for ch in gram)


def _encode_ascii(word: str) -> str:
    return "a" + word.lower()


def index_tokens(texts: Iterable[str]) -> str:
    """The token column for ``texts``: space-separated, de-duplicated, in first-seen order."""
    seen: dict[str, None] = {}
    for text in texts:
        for run in CJK_RUN.findall(text or ""):
            for ch in run:
                seen.setdefault(_encode_cjk(ch))
            for i in range(len(run) - 1):
                seen.setdefault(_encode_cjk(run[i : i + 2]))
        for word in ASCII_WORD.findall(text or ""):
            seen.setdefault(_encode_ascii(word))
    return " ".join(seen)


def query_terms(query: str) -> list[str]:
    """The user's query split into terms: CJK runs and ASCII words (lower-cased), e.g.
    ``"光學 Lens"`` → ``["光學", "lens"]``. Punctuation and other scripts are ignored."""
    query = (query or "")[:MAX_QUERY_LENGTH]
    terms = [*CJK_RUN.findall(query), *(w.lower() for w in ASCII_WORD.findall(query))]
    return list(dict.fromkeys(terms))


def query_tokens(query: str) -> list[str]:
    """The encoded tokens every match must contain (AND): bigrams of each CJK run (its unigram when it is one
    character), each ASCII word. ``[]`` when the query has nothing searchable."""
    tokens: dict[str, None] = {}
    for term in query_terms(query):
        if CJK_RUN.fullmatch(term):
            grams = [term] if len(term) == 1 else [term[i : i + 2] for i in range(len(term) - 1)]
            for gram in grams:
                tokens.setdefault(_encode_cjk(gram))
        else:
            tokens.setdefault(_encode_ascii(term))
    return list(tokens)[:MAX_QUERY_TOKENS]


def fts5_query(tokens: list[str]) -> str:
    """SQLite FTS5 MATCH expression: every token quoted, ANDed."""
    return " AND ".join(f'"{t}"' for t in tokens)


def tsquery(tokens: list[str]) -> str:
    """PostgreSQL ``to_tsquery('simple', …)`` text: the tokens ANDed (tokens are [a-z0-9] only)."""
    return " & ".join(tokens)


#: Weight of a term found in each field (name counts once, the others per occurrence).
WEIGHTS = {"name": 5, "keywords": 3, "technologies": 2, "summary": 1, "specifications": 1}


def score(terms: list[str], fields: dict[str, str]) -> int:
    """Rank of one matching profile: Σ over terms of 5 if the term is in the name, + 3 × its occurrences in
    the keywords, + 2 × in the technologies, + 1 × in the summary and the specifications (ASCII compared
    lower-cased). Higher first; ties are broken by the caller (name, then id)."""
    total = 0
    lowered = {name: (value or "").lower() for name, value in fields.items()}
    for term in terms:
        for name, weight in WEIGHTS.items():
            text = lowered.get(name, "")
            if name == "name":
                total += weight if term in text else 0
            else:
                total += weight * text.count(term)
    return total
