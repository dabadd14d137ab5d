"""`{% session_attendance session as block %}`: the session page's attendance block, read in a fixed number
of queries (see selectors_attendance.session_attendance)."""

from typing import Any

from django import template

from lingtouyang.training.selectors_attendance import SessionAttendance, session_attendance

register = template.Library()


@register.simple_tag(takes_context=True, name="session_attendance")
def session_attendance_tag(context: dict[str, Any], session: Any) -> SessionAttendance | None:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if session is None or user is None or not getattr(user, "is_authenticated", False):
        return None
    return session_attendance(user, session)
