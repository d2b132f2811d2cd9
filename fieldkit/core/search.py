"""Search-as-you-type over the roster: name, full pinyin, pinyin initials, house number, phone.

Pure and in memory. Keys are computed once when the index is built (pinyin per character is cached,
so building 8,000 persons costs tens of milliseconds); a query is a linear scan over short
pre-lowered strings, a few milliseconds for 8,000 persons. A query that extends the previous one
only re-scans the previous hits, which is what typing does.

Matching rules (query lower-cased, spaces removed):
- Chinese characters: substring of the name (or of the address).
- letters: prefix of the initials (``zsf`` → 张三丰), substring of the full pinyin without tones
  (``sanfeng``, ``zhangsan``), or a mix of whole and partial syllables (``zhangsf``).
  Polyphonic surnames are indexed under each reading (单 dan/shan, 曾 ceng/zeng, 解 jie/xie…),
  and ü is indexed both as ``v`` and ``u`` (吕 lv / lu).
- digits: substring of the house number or the phone.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, NamedTuple

# Readings used as surnames that differ from pypinyin's default reading of the character.
# Only the first character of a name is treated as a surname.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("shan",),
    "曾": ("zeng",),
    "解": ("xie",),
    "仇": ("qiu",),
    "朴": ("piao",),
    "区": ("ou",),
    "查": ("zha",),
    "盖": ("ge",),
    "覃": ("qin",),
    "尉": ("yu",),
    "繁": ("po",),
    "员": ("yun",),
    "乐": ("yue",),
    "缪": ("miao",),
    "种": ("chong",),
    "翟": ("zhai",),
    "秘": ("bi",),
    "长": ("zhang",),
    "冼": ("xian",),
}

RANK_EXACT = 0
RANK_PREFIX = 1
RANK_SUBSTRING = 2


@lru_cache(maxsize=8192)
def _char_readings(char: str) -> tuple[str, ...]:
    """Toneless readings of one character, default first; non-Chinese characters map to themselves."""
    if not ("\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"):
        return (char.lower(),)
    # imported here, not at the top: loading its dictionaries takes ~0.3 s, and the app starts
    # without the index (it is built in the background right after the first screen)
    from pypinyin import Style, pinyin

    readings = pinyin(char, style=Style.NORMAL, heteronym=False, errors="default")[0]
    return tuple(r.lower() for r in readings) or (char,)


def _with_u_variant(syllable: str) -> tuple[str, ...]:
    return (syllable, syllable.replace("v", "u")) if "v" in syllable else (syllable,)


def name_syllables(name: str) -> list[tuple[str, ...]]:
    """For each character of a name, the toneless readings it can be searched by."""
    chars = [c for c in name if not c.isspace()]
    result: list[tuple[str, ...]] = []
    for position, char in enumerate(chars):
        readings = list(_char_readings(char))
        if position == 0:
            readings += [r for r in SURNAME_READINGS.get(char, ()) if r not in readings]
        variants: list[str] = []
        for reading in readings:
            for variant in _with_u_variant(reading):
                if variant not in variants:
                    variants.append(variant)
        result.append(tuple(variants))
    return result


def pinyin_keys(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(full pinyin spellings, initials spellings) of a name, one per combination of readings.

    Only the surname has alternatives in practice, so the combinations stay few; they are capped.
    """
    syllables = name_syllables(name)
    fulls: list[str] = []
    initials: list[str] = []
    for combo in itertools.islice(itertools.product(*syllables), 8):
        full = "".join(combo)
        first = "".join(s[0] for s in combo if s)
        if full not in fulls:
            fulls.append(full)
        if first not in initials:
            initials.append(first)
    return tuple(fulls), tuple(initials)


def normalize_query(query: str) -> str:
    return "".join(query.split()).lower()


def syllable_pattern(query: str) -> "re.Pattern[str]":
    """A regex matching a run of syllable prefixes that starts at the first syllable.

    Spellings are indexed as ``zhang'san'feng'``; ``zhangsf`` must match zhang-san-feng, each
    syllable consumed by a non-empty prefix, in order. Between two query letters the match either
    stays in the syllable or skips the rest of it to the next one. This covers initials (``zsf``),
    full-pinyin prefixes (``zhangsan``) and mixes, with one regex compiled per keystroke.
    """
    parts = [re.escape(query[0])]
    for char in query[1:]:
        parts.append("(?:[a-z]*')?" + re.escape(char))
    return re.compile("^" + "".join(parts), re.MULTILINE)


@dataclass(frozen=True)
class SearchItem:
    """One searchable row: a person (``person`` set) or a household with no members (``person`` None)."""

    household: str
    person: str | None
    name: str
    number: str
    phone: str = ""
    address: str = ""


class Hit(NamedTuple):  # a tuple: thousands are made per keystroke for one-letter queries
    household: str
    person: str | None
    rank: int


@dataclass
class _Keys:
    item: SearchItem
    name: str
    fulls: tuple[str, ...]
    initials: tuple[str, ...]
    spelled: str  # each reading combination as zhang'san'feng', one per line
    letters: str  # every full spelling joined by "|", for substring matches
    number: str
    phone: str
    address: str


def _letters_ranker(query: str) -> Callable[[_Keys], int | None]:
    pattern = syllable_pattern(query)

    def rank(keys: _Keys) -> int | None:
        if pattern.search(keys.spelled):
            if query in keys.initials or query in keys.fulls:
                return RANK_EXACT
            return RANK_PREFIX
        if query in keys.letters:  # inside the given name: ``sanfeng``
            return RANK_SUBSTRING
        return None

    return rank


def _digits_ranker(query: str) -> Callable[[_Keys], int | None]:
    def rank(keys: _Keys) -> int | None:
        if keys.number == query or keys.phone == query:
            return RANK_EXACT
        if keys.number.startswith(query) or keys.number.lstrip("0").startswith(query):
            return RANK_PREFIX
        if query in keys.number or query in keys.phone:
            return RANK_SUBSTRING
        return None

    return rank


def _text_ranker(query: str) -> Callable[[_Keys], int | None]:
    def rank(keys: _Keys) -> int | None:
        if keys.name == query:
            return RANK_EXACT
        if keys.name.startswith(query):
            return RANK_PREFIX
        if query in keys.name or query in keys.address:
            return RANK_SUBSTRING
        return None

    return rank


def query_kind(query: str) -> str:
    """``digits`` (house number, phone), ``letters`` (pinyin) or ``text`` (characters)."""
    if query.isascii() and query.isdigit():
        return "digits"
    if query.isascii() and query.isalpha():
        return "letters"
    return "text"


_RANKERS = {"digits": _digits_ranker, "letters": _letters_ranker, "text": _text_ranker}


def _spelled(syllables: list[tuple[str, ...]]) -> str:
    combos = itertools.islice(itertools.product(*syllables), 8)
    return "\n".join("".join(s + "'" for s in combo) for combo in combos)


@dataclass
class SearchIndex:
    """Pre-computed search keys for a roster. Build once; query on every keystroke."""

    _keys: list[_Keys] = field(default_factory=list)
    _last_query: str = ""
    _last_positions: list[int] | None = None

    @classmethod
    def build(cls, items: list[SearchItem] | tuple[SearchItem, ...]) -> "SearchIndex":
        keys = []
        for item in items:
            syllables = name_syllables(item.name)
            fulls, initials = pinyin_keys(item.name)
            keys.append(
                _Keys(
                    item=item,
                    name=item.name,
                    fulls=fulls,
                    initials=initials,
                    spelled=_spelled(syllables),
                    letters="|".join(fulls),
                    number=item.number.lower(),
                    phone="".join(ch for ch in item.phone if ch.isdigit()),
                    address=item.address,
                )
            )
        return cls(_keys=keys)

    def __len__(self) -> int:
        return len(self._keys)

    def search(self, query: str) -> list[Hit]:
        """Every item matching ``query``, best first (exact, prefix, substring; stable within a rank)."""
        q = normalize_query(query)
        if not q:
            self._last_query, self._last_positions = "", None
            return [Hit(k.item.household, k.item.person, RANK_SUBSTRING) for k in self._keys]
        kind = query_kind(q)
        rank = _RANKERS[kind](q)
        # Typing one more character can only narrow the set within the same kind of query.
        if (
            self._last_positions is not None
            and self._last_query
            and q.startswith(self._last_query)
            and query_kind(self._last_query) == kind
        ):
            candidates = self._last_positions
        else:
            candidates = range(len(self._keys))
        matched: list[tuple[int, int]] = []
        for position in candidates:
            r = rank(self._keys[position])
            if r is not None:
                matched.append((r, position))
        self._last_query = q
        self._last_positions = sorted(p for _, p in matched)
        matched.sort()
        keys = self._keys
        return [Hit(keys[p].item.household, keys[p].item.person, r) for r, p in matched]

    def households(self, query: str) -> list[str]:
        """Household ids with at least one match, best-ranked first, each once."""
        seen: dict[str, None] = {}
        for hit in self.search(query):
            seen.setdefault(hit.household, None)
        return list(seen)
