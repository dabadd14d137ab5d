"""The quorum and voting rules of the meetings under 四议两公开, as data, and the one engine that checks a
meeting's counts against them. Integers only: "two-thirds or more" is `present * 3 >= entitled * 2`,
"more than half" is `votes * 2 > base`, so no rounding ever decides a vote.

Sources: party members' meeting — at least two-thirds of the members entitled attend and more than half of
those entitled approve (the 四议两公开 working method); villagers' meeting — more than half of the adult
villagers, or two-thirds of the households' representatives, attend, and decisions take more than half of
those present (村民委员会组织法 art. 22); villagers' representatives' meeting — two-thirds of the
representatives attend, and decisions take more than half of those present (art. 26). Matters of art. 24 are
for the villagers' meeting (or representatives it authorised under art. 25 — not modelled: they go to the
villagers' meeting here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# attendance: (numerator, denominator, inclusive): present/entitled ≥ n/d when inclusive, > n/d otherwise.
# approval: (numerator, denominator, base): approve/base > n/d, base "entitled" or "present".


@dataclass(frozen=True)
class Rule:
    attendance: tuple[int, int, bool]
    approval: tuple[int, int, Literal["entitled", "present"]]
    entitled_label: Promise
    text: Promise


RULES: dict[str, Rule] = {
    "party_members": Rule((2, 3, True), (1, 2, "entitled"), _("party members entitled to attend"),
                          _("at least two-thirds of the party members entitled attend; more than half of those "
                            "entitled approve")),
    "villagers_adults": Rule((1, 2, False), (1, 2, "present"), _("adult villagers (18 and over)"),
                             _("more than half of the adult villagers attend; more than half of those present "
                               "approve")),
    "villagers_households": Rule((2, 3, True), (1, 2, "present"), _("households"),
                                 _("households' representatives of at least two-thirds of the households attend; "
                                   "more than half of those present approve")),
    "representatives": Rule((2, 3, True), (1, 2, "present"), _("villagers' representatives"),
                            _("at least two-thirds of the villagers' representatives attend; more than half of "
                              "those present approve")),
}

# The meetings that may vote at each step.
STEP_BODIES: dict[int, tuple[str, ...]] = {
    3: ("party_members",),
    4: ("villagers_adults", "villagers_households", "representatives"),
}
# Matters the villagers' meeting decides (村民委员会组织法 art. 24): never the representatives' meeting here.
ASSEMBLY_ONLY = frozenset({"allowances", "collective_income", "land_contracting", "homestead", "land_compensation",
                           "collective_property"})


@dataclass(frozen=True)
class Verdict:
    quorate: bool
    approved: bool

    @property
    def passed(self) -> bool:
        return self.quorate and self.approved


def counts_problem(entitled: int, present: int, approve: int) -> str | None:
    """Counts that cannot be: none negative, someone entitled, no more present than entitled, no more in
    favour than present. A reason, or None."""
    if min(entitled, present, approve) < 0:
        return str(_("counts are not negative"))
    if entitled < 1:
        return str(_("at least one person is entitled to attend"))
    if present > entitled:
        return str(_("no more can be present than are entitled to attend"))
    if approve > present:
        return str(_("no more can vote in favour than are present"))
    return None


def check(body: str, entitled: int, present: int, approve: int) -> Verdict:
    """Whether a meeting of `body` with these counts was quorate and approved. Counts must pass
    counts_problem first."""
    rule = RULES[body]
    n, d, inclusive = rule.attendance
    quorate = present * d >= entitled * n if inclusive else present * d > entitled * n
    an, ad, base = rule.approval
    approved = approve * ad > (entitled if base == "entitled" else present) * an
    return Verdict(quorate, quorate and approved)
