from typing import Any

from django.http import HttpRequest


def capabilities(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "perms_view_people": user.has_capability("view_people"),
        "perms_edit": user.has_capability("edit_people"),
        "perms_import": user.has_capability("import_people"),
        "perms_audit": user.has_capability("view_audit"),
        "perms_full_id": user.has_capability("view_full_id"),
        "perms_export": user.has_capability("export"),
        "perms_accounts": user.has_capability("manage_accounts"),
        "perms_review": user.has_capability("view_review"),
        "perms_verdict": user.has_capability("review_verdict"),
        "perms_rules": user.has_capability("view_rules"),
        "perms_elections": user.has_capability("view_elections"),
        "perms_recruitment": user.has_capability("view_recruitment"),
        "perms_request_appointment": user.has_capability("request_appointment"),
        "perms_training": user.has_capability("view_training"),
        "perms_check_in": user.has_capability("check_in") and user.person_id is not None,
        "perms_assessment": user.has_capability("view_assessment"),
        "perms_pay": user.has_capability("view_pay"),
        "perms_management": user.has_capability("view_management"),
        "perms_disclosure": user.has_capability("view_disclosure"),
        # A cadre's own assessment and pay slips: any account linked to its roster entry.
        "has_person": user.person_id is not None,
    }
