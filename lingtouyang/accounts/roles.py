"""Roles and what each may do: policy as data. A capability names an action; the user's region
(code prefix) says where. SPEC §1 is the source of this table."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lingtouyang.regions.models import Level


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("city organisation department admin")
    COUNTY_ADMIN = "county_admin", _("county organisation department admin")
    TOWNSHIP_OFFICER = "township_officer", _("township officer")
    VILLAGE_CADRE = "village_cadre", _("village cadre")
    DEPT_REVIEWER = "dept_reviewer", _("joint-review department reviewer")
    SUPERVISOR = "supervisor", _("village affairs supervision committee member")


# The level of region each role is bound to.
ROLE_LEVEL = {
    Role.CITY_ADMIN: Level.CITY,
    Role.COUNTY_ADMIN: Level.COUNTY,
    Role.TOWNSHIP_OFFICER: Level.TOWNSHIP,
    Role.VILLAGE_CADRE: Level.VILLAGE,
    Role.DEPT_REVIEWER: Level.COUNTY,
    Role.SUPERVISOR: Level.VILLAGE,
}

_ROSTER_READ = {"view_regions", "view_people", "export"}
_ROSTER_WRITE = _ROSTER_READ | {"edit_people", "import_people"}
# manage_pool_targets: set the reserve pool's target (reserves per post) for one's region or below.
_ADMIN = _ROSTER_WRITE | {"view_full_id", "view_audit", "manage_accounts", "manage_pool_targets"}
# Joint review: the city sets the rules and watches the rounds; a county runs its rounds; a department
# reviewer records its own department's verdicts in its county.
_REVIEW_READ = {"view_rules", "view_review"}
# Term elections: a township records its villages' elections, the county certifies the results (which
# makes the new term's appointments); everyone who reads the roster reads the elections.
# Public recruitment: a county runs its campaigns; the city watches them.
# Appointments and dismissals (村官区管): a township or county asks, the county approves.
_SELECTION_READ = {"view_elections"}
_COUNTY_SELECTION = {"view_recruitment", "run_recruitment", "manage_elections", "certify_elections",
                     "request_appointment", "approve_appointment"}

# Training (训): everyone who reads the roster reads the training records of their region (and the
# city's bases and programmes); the city keeps the catalogue (bases, programmes, certification subsidy
# policy); a county schedules sessions, enrols, runs secondments and the social-work exam registrations;
# an officer at a session marks attendance; a cadre checks in and rates sessions as themselves.
_TRAINING_READ = {"view_training"}
_COUNTY_TRAINING = {"run_training", "mark_attendance", "manage_secondments", "manage_certification",
                    "manage_subsidy_policy"}

# Use and management (用·管): everyone who reads the roster reads assessments, careers, care records, the
# collective economy, key tasks and village decisions of their region. A county defines the assessment scheme,
# approves grades and decides appeals, sets its pay policy and runs its payroll; a township enters scores and
# keeps care records, its villages' collective accounts and key tasks; the city keeps the governance
# checklists. A cadre sees their own assessment and pay slips through their linked roster entry.
_MANAGE_READ = {"view_assessment", "view_management"}
_COUNTY_MANAGE = {"manage_assessment_scheme", "enter_scores", "approve_assessment", "view_pay",
                  "manage_pay_policy", "run_payroll", "manage_careers", "manage_care", "manage_economy",
                  "manage_tasks", "record_decisions"}
_TOWNSHIP_MANAGE = {"enter_scores", "view_pay", "manage_care", "manage_economy", "manage_tasks", "record_decisions"}

# Open village affairs (云公开·云监督): everyone who reads the roster reads the disclosures and residents'
# feedback of their region. The city keeps the catalogue (a county adds its own items); a village cadre
# drafts and answers; the supervision committee reviews; the township approves, moderates and answers what
# is escalated; officials above see compliance.
_DISCLOSURE_READ = {"view_disclosure"}
_DISCLOSURE_WATCH = {"view_compliance"}

CAPABILITIES: dict[str, frozenset[str]] = {
    Role.CITY_ADMIN: frozenset(_ADMIN | _REVIEW_READ | _SELECTION_READ | _TRAINING_READ | _COUNTY_TRAINING
                               | {"manage_rules", "view_recruitment", "manage_training_catalogue"}
                               | _MANAGE_READ | {"view_pay", "manage_tasks", "manage_checklists"}
                               | _DISCLOSURE_READ | _DISCLOSURE_WATCH | {"manage_catalogue"}),
    Role.COUNTY_ADMIN: frozenset(_ADMIN | _REVIEW_READ | _SELECTION_READ | _COUNTY_SELECTION | _TRAINING_READ
                                 | _COUNTY_TRAINING | {"run_review"} | _MANAGE_READ | _COUNTY_MANAGE
                                 | _DISCLOSURE_READ | _DISCLOSURE_WATCH | {"manage_catalogue", "moderate_feedback"}),
    Role.TOWNSHIP_OFFICER: frozenset(_ROSTER_WRITE | _SELECTION_READ | _TRAINING_READ
                                     | {"manage_elections", "request_appointment", "mark_attendance"}
                                     | _MANAGE_READ | _TOWNSHIP_MANAGE | _DISCLOSURE_READ | _DISCLOSURE_WATCH
                                     | {"approve_disclosure", "moderate_feedback", "answer_feedback"}),
    Role.VILLAGE_CADRE: frozenset(_ROSTER_READ | _SELECTION_READ | _TRAINING_READ | {"check_in"} | _MANAGE_READ
                                  | {"record_decisions"} | _DISCLOSURE_READ
                                  | {"draft_disclosure", "answer_feedback"}),
    Role.SUPERVISOR: frozenset(_ROSTER_READ | _SELECTION_READ | _TRAINING_READ | _MANAGE_READ | _DISCLOSURE_READ
                               | {"review_disclosure"}),
    Role.DEPT_REVIEWER: frozenset({"view_regions", "view_rules", "review_verdict"}),
}
