"""Training coverage (培训覆盖率): how many of a region's current-term cadres have been trained this term,
for the region, by post and by the regions one level down; who is still untrained; and who is overdue.

The unit is a cadre in a village, as in the term report: a person holding a current post of the term on
a village's two committees (a person serving two villages counts in each). Their start is their earliest
start date in the term in that village (posts taken up later in the term do not reset it). They are
trained when they have an enrolment, not withdrawn, completed on or after that start: `completed_on` is
kept by the attendance service (see models.py), so coverage reads no attendance. Overdue: untrained more
than the deadline (policy: settings.LINGTOUYANG_TRAINING_DEADLINE_DAYS) after their start.

Whatever the region's size, the figures are three queries: the current term, the regions below, and
one grouped statement per level of those regions (one level in practice) counting cadres, trained and
overdue per (group of region codes, set of posts held) — the post sets are few, so the rows are few, and
both the groups' and the posts' figures are sums of them. Plain SQL: the per-cadre derived table and
its post set are beyond the ORM."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from lingtouyang.core.scope import PREFIX_LENGTHS, code_bounds
from lingtouyang.elections.report import TWO_COMMITTEE_POSTS, child_regions
from lingtouyang.people.codes import Post
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Region
from lingtouyang.training.models import Enrolment

# Ends a subquery so that the database computes its rows once (an optimisation fence): otherwise the
# outer sums, which read `trained` twice, each re-run its EXISTS (twice the index probes).
_FENCE = {"postgresql": "OFFSET 0", "sqlite": "LIMIT -1 OFFSET 0"}
# The bits of a cadre's current posts OR'ed together. SQLite has no bit_or: the sum of the distinct bits is
# the same number. On PostgreSQL a DISTINCT aggregate sorts each group's input (millions of small sorts for
# the country: 2.5 times the whole statement's time), and bit_or does not.
_OR = {"postgresql": "bit_or({})", "sqlite": "sum(DISTINCT {})"}
# One bit per two-committee post: a cadre's current posts in a village as one integer.
POST_BITS: dict[str, int] = {post: 1 << i for i, post in enumerate(TWO_COMMITTEE_POSTS)}


def deadline_days() -> int:
    return int(settings.LINGTOUYANG_TRAINING_DEADLINE_DAYS)


@dataclass
class Coverage:
    """Counts for one group of cadres; they add up, the share is computed from them."""

    cadres: int = 0
    trained: int = 0
    overdue: int = 0  # untrained past the deadline

    def add(self, other: Coverage) -> None:
        self.cadres += other.cadres
        self.trained += other.trained
        self.overdue += other.overdue

    @property
    def untrained(self) -> int:
        return self.cadres - self.trained

    @property
    def share(self) -> float | None:
        return self.trained / self.cadres if self.cadres else None


@dataclass
class CoverageRow:
    region: Region | None
    code: str  # the group's code prefix
    figures: Coverage


@dataclass
class CoverageReport:
    prefix: str
    term: int | None  # None: no two-committee post at all in the region
    today: date
    deadline_days: int
    total: Coverage
    by_post: dict[str, Coverage] = field(default_factory=dict)  # in TWO_COMMITTEE_POSTS order, held posts only
    rows: list[CoverageRow] = field(default_factory=list)


@dataclass
class UntrainedCadre:
    person_id: int
    name: str
    region_id: str
    village: str
    posts: list[str]
    start: date
    days: int  # since the start
    overdue: bool = False

    @property
    def post_labels(self) -> list[str]:
        return [str(Post(p).label) for p in self.posts]


def current_term(prefix: str) -> int | None:
    """The latest term with a two-committee post in the region."""
    return (Appointment.objects.within(prefix).filter(post__in=TWO_COMMITTEE_POSTS)
            .aggregate(t=Max("term"))["t"])


def posts_of(mask: int) -> list[str]:
    return [post for post, bit in POST_BITS.items() if mask & bit]


def _cadres_sql(prefix: str, term: int, today: date) -> tuple[str, list[Any]]:
    """The term's current cadres in the region, one row per (person, village): their earliest start in
    the term (appointments begun by today) and the set of posts they hold today, as POST_BITS."""
    appointment = Appointment._meta.db_table
    bits = " ".join(f"WHEN %s THEN {bit:d}" for bit in POST_BITS.values())
    where = ["a.term = %s", "a.post IN ({})".format(", ".join(["%s"] * len(TWO_COMMITTEE_POSTS))),
             "a.start_date <= %s"]
    params: list[Any] = [today, *POST_BITS, term, *TWO_COMMITTEE_POSTS, today]
    if prefix:
        where.append("a.region_id BETWEEN %s AND %s")
        params += list(code_bounds(prefix))
    bit = f"CASE WHEN a.end_date IS NULL OR a.end_date > %s THEN CASE a.post {bits} END ELSE 0 END"
    sql = f"""
        SELECT a.person_id, a.region_id, min(a.start_date) AS start, {_OR[connection.vendor].format(bit)} AS posts
        FROM {appointment} a
        WHERE {" AND ".join(where)}
        GROUP BY a.person_id, a.region_id"""  # noqa: S608 - table names from the models, values as parameters
    return sql, params


def _trained_sql(cadre: str) -> str:
    """True when the cadre (an alias with person_id and start) completed an enrolment since their start."""
    enrolment = Enrolment._meta.db_table
    return (f"EXISTS (SELECT 1 FROM {enrolment} e WHERE e.person_id = {cadre}.person_id "  # noqa: S608
            f"AND e.completed_on >= {cadre}.start AND e.withdrawn = %s)")


def _grouped(prefix: str, term: int, today: date, length: int, cutoff: date) -> list[tuple[str, int, int, int, int]]:
    """(group, post set, cadres, trained, overdue) for the groups of codes `length` long."""
    cadres_sql, params = _cadres_sql(prefix, term, today)
    sql = f"""
        SELECT substr(c.region_id, 1, {length:d}) AS grp, c.posts, count(*),
               sum(CASE WHEN c.trained THEN 1 ELSE 0 END),
               sum(CASE WHEN c.trained THEN 0 WHEN c.start < %s THEN 1 ELSE 0 END)
        FROM (
            SELECT c.region_id, c.posts, c.start, {_trained_sql("c")} AS trained
            FROM ({cadres_sql}) c
            WHERE c.posts > 0
            {_FENCE[connection.vendor]}
        ) c
        GROUP BY substr(c.region_id, 1, {length:d}), c.posts"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [cutoff, False, *params])
        return [(g, int(m), int(n), int(t or 0), int(o or 0)) for g, m, n, t, o in cursor.fetchall()]


def coverage_report(prefix: str, *, today: date | None = None, deadline: int | None = None) -> CoverageReport:
    """The coverage of the current term's cadres in `prefix` ("" = the whole country), for the region,
    by post and by the regions one level below (a village reports on itself)."""
    today = today or timezone.localdate()
    deadline = deadline_days() if deadline is None else deadline
    term = current_term(prefix)
    report = CoverageReport(prefix, term, today, deadline, Coverage())
    if term is None:
        return report
    children = child_regions(prefix) if len(prefix) < 12 else []
    by_prefix = {c.prefix: c for c in children}
    lengths = sorted({PREFIX_LENGTHS[c.level] for c in children}) or [max(len(prefix), 12)]
    cutoff = today - timedelta(days=deadline)
    groups: dict[str, Coverage] = {code: Coverage() for code in by_prefix}
    posts: dict[str, Coverage] = {}
    for length in lengths:
        for grp, mask, cadres, trained, overdue in _grouped(prefix, term, today, length, cutoff):
            counts = Coverage(cadres, trained, overdue)
            groups.setdefault(grp, Coverage()).add(counts)
            report.total.add(counts)
            for post in posts_of(mask):
                posts.setdefault(post, Coverage()).add(counts)
    report.by_post = {post: posts[post] for post in TWO_COMMITTEE_POSTS if post in posts}
    report.rows = [CoverageRow(by_prefix.get(code), code, groups[code]) for code in sorted(groups)]
    return report


def untrained(prefix: str, term: int, *, today: date | None = None, deadline: int | None = None,
              overdue_only: bool = False, offset: int = 0, limit: int = 50) -> list[UntrainedCadre]:
    """The term's current cadres in the region not yet trained, longest waiting first: one query, a
    page of `limit` rows from `offset`."""
    today = today or timezone.localdate()
    deadline = deadline_days() if deadline is None else deadline
    cutoff = today - timedelta(days=deadline)
    cadres_sql, params = _cadres_sql(prefix, term, today)
    person, region = Person._meta.db_table, Region._meta.db_table
    late = "AND c.start < %s" if overdue_only else ""
    sql = f"""
        SELECT c.person_id, p.name, c.region_id, r.short_name, c.posts, c.start
        FROM ({cadres_sql}) c
        JOIN {person} p ON p.id = c.person_id
        JOIN {region} r ON r.code = c.region_id
        WHERE c.posts > 0 AND NOT {_trained_sql("c")} {late}
        ORDER BY c.start, c.region_id, c.person_id
        LIMIT %s OFFSET %s"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, False, *([cutoff] if overdue_only else []), limit, offset])
        rows = cursor.fetchall()
    out = []
    for person_id, name, region_id, village, mask, start in rows:
        start = start if isinstance(start, date) else date.fromisoformat(start)
        out.append(UntrainedCadre(person_id, name, region_id, village, posts_of(int(mask)), start,
                                  (today - start).days, start < cutoff))
    return out
