from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lingtouyang.accounts.models import User
from lingtouyang.accounts.roles import ROLE_LEVEL, Role
from lingtouyang.audit.services import audit_record
from lingtouyang.core.scope import in_prefix, user_prefix
from lingtouyang.regions.models import Region


def user_create(*, acting_user: Any, username: str, role: str, region_code: str, password: str,
                department: str = "", full_name: str = "", check_password: bool = True) -> User:
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [_("unknown role %(role)s; one of: %(roles)s") % {"role": role, "roles": ", ".join(Role.values)}]
    region = Region.objects.filter(code=region_code.ljust(12, "0")).first()
    if region is None:
        errors["region"] = [_("no such region: %(code)s") % {"code": region_code}]
    elif role in Role.values and region.level != ROLE_LEVEL[Role(role)]:
        errors["region"] = [_("a %(role)s is bound to a region of level %(level)s, not %(name)s") % {
            "role": Role(role).label, "level": ROLE_LEVEL[Role(role)].label, "name": region.short_name}]
    if region is not None and acting_user is not None:
        prefix = user_prefix(acting_user, "manage_accounts")
        if prefix is None or not in_prefix(region.code, prefix):
            errors["region"] = [_("this region is outside your jurisdiction")]
    if not username or len(username) > 150:
        errors["username"] = [_("a user name is required (at most 150 characters)")]
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("the user name %(name)s is taken") % {"name": username}]
    user = User(username=username, role=role, region=region, department=department, first_name=full_name)
    if "username" not in errors:
        try:
            user.full_clean(exclude=["password", "region"], validate_unique=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if check_password and not errors:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        audit_record("account.create", obj=user, region_code=region.code if region else "", user=acting_user,
                     changes={"username": username, "role": role, "region": region.code if region else ""})
    return user
