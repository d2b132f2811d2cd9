"""Choosing households for call-back checks (回访): deterministic, seedable, stratified. Pure.

A supervisor must be able to re-derive a sample: the same master and the same seed always give the
same households, whatever order the data arrived in. So nothing here uses a random generator:

- Each household gets a rank, ``sha256("fieldkit-callback/1\\n<seed>\\n<household id>")``. Only the
  seed and the id go in, so adding or removing other households never reshuffles the rest.
- Only households that were visited and claimed (已覆盖 covered and 部分覆盖 partial) can be called
  back; 未走访, 空挂 and 已迁出 are not in the population.
- Strata are (village, group). When the sample is at least as large as the number of strata, every
  stratum gets one household first and the rest is shared in proportion to the strata's remaining
  households (largest remainders; ties by the stratum's own seeded rank). A smaller sample takes one
  household from each of the strata with the lowest seeded rank. Within a stratum the households with
  the lowest rank are taken.

``contact`` picks the call-back contact from the roster: the head of household (与户主关系 户主/本人)
or else the first active member, and a phone: the head's, else another active member's with that
member's relation. That IS personal data: only the CLI writes it, and only to a file the user names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from fieldkit.core.coverage import COVERED, PARTIAL
from fieldkit.core.model import State
from sync.audit import natural_key

SCHEME = "fieldkit-callback/1"
ELIGIBLE = (COVERED, PARTIAL)
HEAD_RELATIONS = frozenset({"户主", "本人", "户主本人", "head"})

Stratum = tuple[str, str]  # (village code, group)


@dataclass(frozen=True)
class Sampled:
    household: str
    village: str
    group: str
    number: str
    address: str
    status: str
    rank: str  # the seeded hash; lower is drawn first


@dataclass(frozen=True)
class Contact:
    name: str  # the head of household (or the first active member)
    relation: str  # that person's relation to the head
    phone: str  # "" when nobody in the household has one
    phone_relation: str  # whose phone it is ("" when it is the contact's own)


def rank(seed: str, key: str) -> str:
    return hashlib.sha256(f"{SCHEME}\n{seed}\n{key}".encode("utf-8")).hexdigest()


def allocate(populations: Mapping[Stratum, int], size: int, seed: str) -> dict[Stratum, int]:
    """How many to draw from each stratum (see the module doc). Never more than a stratum holds."""
    strata = sorted((s for s, n in populations.items() if n > 0), key=lambda s: (s[0], natural_key(s[1])))
    total = sum(populations[s] for s in strata)
    if size >= total:
        return {s: populations[s] for s in strata}
    if size <= 0:
        return {s: 0 for s in strata}
    stratum_rank = {s: rank(seed, f"stratum\n{s[0]}\n{s[1]}") for s in strata}
    if size < len(strata):
        chosen = set(sorted(strata, key=lambda s: stratum_rank[s])[:size])
        return {s: int(s in chosen) for s in strata}
    rest = size - len(strata)
    spare = {s: populations[s] - 1 for s in strata}
    pool = total - len(strata)  # > rest, since size < total
    shares = {s: 1 + rest * spare[s] // pool for s in strata}
    remainders = {s: (rest * spare[s]) % pool for s in strata}
    left = size - sum(shares.values())
    for s in sorted(strata, key=lambda s: (-remainders[s], stratum_rank[s]))[:left]:
        shares[s] += 1
    return shares


def draw(
    state: State,
    statuses: Mapping[str, str],
    size: int,
    seed: str,
    villages: Iterable[str] | None = None,
) -> list[Sampled]:
    """The call-back sample: ``size`` households (fewer if fewer are eligible), sorted by village,
    group and house number. ``statuses`` is ``coverage.report(state).statuses``; ``villages``
    limits the population to those village codes."""
    wanted = set(villages) if villages is not None else None
    population: dict[Stratum, list[tuple[str, str]]] = {}
    for hid, status in statuses.items():
        household = state.households.get(hid)
        if status not in ELIGIBLE or household is None:
            continue
        if wanted is not None and household.village not in wanted:
            continue
        population.setdefault((household.village, household.group), []).append((rank(seed, hid), hid))
    shares = allocate({s: len(members) for s, members in population.items()}, size, seed)
    sample: list[Sampled] = []
    for stratum, members in population.items():
        for household_rank, hid in sorted(members)[: shares.get(stratum, 0)]:
            household = state.households[hid]
            sample.append(
                Sampled(hid, household.village, household.group, household.number, household.address,
                        statuses[hid], household_rank)
            )
    sample.sort(key=lambda s: (s.village, natural_key(s.group), natural_key(s.number), s.household))
    return sample


def contact(state: State, household_id: str) -> Contact:
    members = state.members_of(household_id)
    if not members:
        return Contact("", "", "", "")
    heads = [p for p in members if p.relation.replace(" ", "") in HEAD_RELATIONS]
    person = heads[0] if heads else members[0]
    if person.phone:
        return Contact(person.name, person.relation, person.phone, "")
    for other in members:
        if other.phone:
            return Contact(person.name, person.relation, other.phone, other.relation or other.name)
    return Contact(person.name, person.relation, "", "")
