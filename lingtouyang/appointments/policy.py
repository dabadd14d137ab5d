"""The rules of 村官区管 as one table: what each kind of request asks for, and who may do what with it.
The services read this table and nothing else decides; a change of policy is a change here (and in
docs/architecture.md, §Appointments and dismissals).

- Who files: `request_appointment` (a township officer for their township, a county admin for their
  county), for villages in their scope and people registered there.
- Who decides: `approve_appointment` (the county admin of the village's county). The requester withdraws.
- An appointment needs the person cleared by the joint review (任职资格联审): their latest opened round
  says every department passed them. A failed, pending or never-reviewed person is refused.
- Ending an appointment (dismissal, resignation, transfer) needs the end date and the reason, which
  becomes the appointment's reason for leaving: the record says why someone went (no 来去自如).
- A transfer ends the current post and starts another in the same village on the same day; the person
  already serves there, so it asks for no new review."""

from __future__ import annotations

from dataclasses import dataclass

from lingtouyang.appointments.models import AppointmentRequest

Kind = AppointmentRequest.Kind
State = AppointmentRequest.State

REQUEST_CAPABILITY = "request_appointment"
APPROVE_CAPABILITY = "approve_appointment"


@dataclass(frozen=True)
class KindRule:
    starts: bool  # approval makes a new appointment
    ends: bool  # approval ends the appointment concerned
    needs_clearance: bool  # the person must be cleared by the joint review
    needs_reason: bool  # the request says why


KINDS: dict[str, KindRule] = {
    Kind.APPOINT: KindRule(starts=True, ends=False, needs_clearance=True, needs_reason=False),
    Kind.DISMISS: KindRule(starts=False, ends=True, needs_clearance=False, needs_reason=True),
    Kind.RESIGN: KindRule(starts=False, ends=True, needs_clearance=False, needs_reason=True),
    Kind.TRANSFER: KindRule(starts=True, ends=True, needs_clearance=False, needs_reason=True),
}

# The state machine: every allowed move, and nothing else.
TRANSITIONS = {
    (State.REQUESTED, State.APPROVED),
    (State.REQUESTED, State.REJECTED),
    (State.REQUESTED, State.WITHDRAWN),
}
