"""The election rules as data, and the one small engine that applies them. Pure functions: the services
and the pages feed them numbers and read the outcome.

村民委员会组织法 第三十四条: 选举村民委员会，有登记参加选举的村民过半数投票，选举有效；候选人获得参加投票的
村民过半数的选票，始得当选。 The party branch's rules (中国共产党基层组织选举工作条例) set the same two
thresholds for its members. Both are "more than" a share, never "at least"."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from lingtouyang.people.codes import Post
from lingtouyang.regions.models import Kind

# An election is valid when more than this share of the electorate cast a ballot.
VALID_TURNOUT = Fraction(1, 2)
# A candidate wins only with more than this share of the ballots cast (and a place within the seats).
WINNING_SHARE = Fraction(1, 2)
# The reasons written on the previous term's appointments when a certified election ends them.
END_REASON_REELECTED = "换届连任"  # the same post again: data, as rosters write it
END_REASON_LEFT = "换届离任"

# The posts each kind of election fills, and the seats it has by default (policy, per election editable).
PARTY_SEATS = {Post.PARTY_SECRETARY: 1, Post.PARTY_DEPUTY: 1, Post.PARTY_MEMBER: 3}
VILLAGE_SEATS = {Post.VILLAGE_DIRECTOR: 1, Post.VILLAGE_DEPUTY: 1, Post.VILLAGE_MEMBER: 3}
COMMUNITY_SEATS = {Post.COMMUNITY_DIRECTOR: 1, Post.COMMUNITY_DEPUTY: 1, Post.COMMUNITY_MEMBER: 3}
# The village affairs supervision committee is elected at the villagers' assembly with the committee.
SUPERVISION_SEATS = {Post.SUPERVISION_CHAIR: 1, Post.SUPERVISION_MEMBER: 2}
# Posts with one holder: exactly one seat. Any post: at most MAX_SEATS.
ONE_SEAT = frozenset({Post.PARTY_SECRETARY, Post.VILLAGE_DIRECTOR, Post.COMMUNITY_DIRECTOR, Post.SUPERVISION_CHAIR})
MAX_SEATS = 9


def default_seats(election_kind: str, region_kind: str) -> dict[str, int]:
    """The seats an election of this kind has in a village (or community) by default."""
    if election_kind == "party":
        return {str(p): n for p, n in PARTY_SEATS.items()}
    committee = COMMUNITY_SEATS if region_kind == Kind.COMMUNITY else VILLAGE_SEATS
    return {str(p): n for p, n in {**committee, **SUPERVISION_SEATS}.items()}


def allowed_posts(election_kind: str, region_kind: str) -> frozenset[str]:
    return frozenset(default_seats(election_kind, region_kind))


def is_valid(electorate: int, ballots_cast: int) -> bool:
    """More than half of the electorate voted (an electorate of nobody never makes a valid election)."""
    return electorate > 0 and ballots_cast > electorate * VALID_TURNOUT


def has_majority(votes: int, ballots_cast: int) -> bool:
    return votes > ballots_cast * WINNING_SHARE


@dataclass(frozen=True)
class Outcome:
    winners: list[Hashable]  # most votes first
    unfilled: int  # seats left for a further election (另行选举)
    tie: bool  # a tie at the last seat left it unfilled


def winners(votes: Mapping[Hashable, int], seats: int, ballots_cast: int) -> Outcome:
    """Who fills a post's seats: those with more than half of the ballots, most votes first, within the
    seats. Candidates tied for the last seat all stay out and the seat is filled by a further election;
    so do seats for which too few reached a majority. Order of the input does not matter."""
    ranked = sorted(((v, k) for k, v in votes.items() if has_majority(v, ballots_cast)),
                    key=lambda item: -item[0])
    if len(ranked) <= seats:
        chosen = [k for _v, k in ranked]
        return Outcome(chosen, max(seats, 0) - len(chosen), False)
    cut = ranked[seats - 1][0] if seats > 0 else None
    tie = cut is not None and ranked[seats][0] == cut
    chosen = [k for v, k in ranked[:seats] if not (tie and v == cut)]
    return Outcome(chosen, seats - len(chosen), tie)
