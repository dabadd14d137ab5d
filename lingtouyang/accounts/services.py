import unicodedata
from binascii import unhexlify
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from lingtouyang.accounts import twofactor
from lingtouyang.accounts.models import User
from lingtouyang.accounts.roles import ROLE_LEVEL, Role
from lingtouyang.audit.services import audit_record, diff
from lingtouyang.core.scope import in_prefix, user_prefix
from lingtouyang.regions.models import Region


def _role_region(acting_user: Any, role: str, region_code: str, errors: dict[str, list[str]]) -> Region | None:
    """The region an account of this role is bound to, if it fits the role and the acting user's
    jurisdiction (nobody hands out a role above or beside their own region); else errors say why."""
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
    return region


def user_create(*, acting_user: Any, username: str, role: str, region_code: str, password: str,
                department: str = "", full_name: str = "", check_password: bool = True) -> User:
    errors: dict[str, list[str]] = {}
    region = _role_region(acting_user, role, region_code, errors)
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


def _check_manages(acting_user: Any, user: User) -> None:
    """The acting account manages this one: same rule as the accounts list (outside it is 404 in views)."""
    if acting_user is None:
        return
    if not User.objects.visible_to(acting_user).filter(pk=user.pk).exists():
        raise PermissionDenied
    if user.is_superuser and not acting_user.is_superuser:
        raise PermissionDenied


def user_update(*, acting_user: Any, user: User, role: str, region_code: str, is_active: bool,
                department: str = "") -> User:
    """Change an account's role, region, department or active flag. A deactivated account is signed out
    of every session at its next request (Django refuses inactive accounts when it reloads the user)."""
    _check_manages(acting_user, user)
    errors: dict[str, list[str]] = {}
    region = _role_region(acting_user, role, region_code, errors)
    if acting_user is not None and acting_user.pk == user.pk and (
            role != user.role or (region and region.code != user.region_id) or not is_active):
        # An administrator cannot lock themselves out or move their own jurisdiction; another must.
        errors.setdefault("role", []).append(_("you cannot change the role, region or state of your own account"))
    if len(department) > 50:
        errors["department"] = [_("at most %(n)d characters") % {"n": 50}]
    if errors:
        raise ValidationError(errors)
    fields = ["role", "region_id", "department", "is_active"]
    before = {name: getattr(user, name) for name in fields}
    user.role, user.region, user.department, user.is_active = role, region, department, is_active
    after = {name: getattr(user, name) for name in fields}
    changes = diff(before, after)
    if not changes:
        return user
    with transaction.atomic():
        user.save(update_fields=["role", "region", "department", "is_active"])
        if not is_active:
            # Its API tokens stop with it (TokenAuthentication refuses inactive accounts too; this is for good).
            Token.objects.filter(user=user).delete()
        audit_record("account.role_change", obj=user, region_code=user.region_id or "", user=acting_user,
                     changes={"username": user.username, **changes})
    return user


def user_unlock(*, acting_user: Any, user: User) -> int:
    """Lift a log-in lockout of this account name before its cool-off ends; the count of attempts removed."""
    _check_manages(acting_user, user)
    with transaction.atomic():
        count = axes_reset(username=user.username)
        audit_record("account.unlock", obj=user, region_code=user.region_id or "", user=acting_user,
                     changes={"username": user.username, "attempts": count})
    return count


# --- the second factor -----------------------------------------------------------------------------


def _code(raw: Any) -> str | None:
    """Six digits as typed (spaces and full-width digits from a Chinese keyboard allowed); None if not."""
    if not isinstance(raw, str):
        return None
    code = unicodedata.normalize("NFKC", raw).replace(" ", "").strip()
    return code if len(code) == 6 and code.isascii() and code.isdigit() else None


def _audit_2fa(action: str, user: User, outcome: str = "ok", acting_user: Any = None, **details: Any) -> None:
    audit_record(action, obj=user, region_code=user.region_id or "", user=acting_user or user,
                 changes={"username": user.username, **details}, outcome=outcome)


def totp_device_confirm(*, acting_user: User, key: str, code: str) -> TOTPDevice:
    """Turn on the second factor: the key shown on the set-up page becomes the account's device once a
    first code from the app matches it. An account has one device; replacing it means removing it first."""
    if twofactor.confirmed_device(acting_user) is not None:
        raise ValidationError(_("Two-step verification is already on for this account."))
    if not twofactor.is_key(key):
        # The set-up page keeps the key in the session; without one (expired, forged) start again.
        raise ValidationError(_("The set-up has expired. Scan the new code and try again."))
    token = _code(code)
    totp = TOTP(unhexlify(key))
    if token is None or not totp.verify(int(token), tolerance=1):
        _audit_2fa("account.2fa_setup", acting_user, outcome="failed")
        raise ValidationError(_("That code is not right. Check the time on your phone and enter the current code."))
    with transaction.atomic():
        # The code used here may not be used again to verify a session: last_t remembers its time step.
        device = TOTPDevice.objects.create(user=acting_user, name=_("authenticator app"), key=key, confirmed=True,
                                           drift=totp.drift, last_t=totp.t(), created_at=timezone.now())
        _audit_2fa("account.2fa_setup", acting_user, device=device.persistent_id)
    return device


def totp_verify(*, acting_user: User, code: Any) -> TOTPDevice:
    """Check a code from the account's device. Wrong or malformed codes are refused and audited; each wrong
    code doubles the wait before the next is even looked at (django-otp's throttle, per device)."""
    device = twofactor.confirmed_device(acting_user)
    if device is None:
        raise ValidationError(_("Two-step verification is not set up for this account."))
    allowed, info = device.verify_is_allowed()
    if not allowed:
        _audit_2fa("account.2fa_verify", acting_user, outcome="denied", reason="throttled")
        wait = max(1, int(((info or {}).get("locked_until", timezone.now()) - timezone.now()).total_seconds()) + 1)
        raise ValidationError(_("Too many wrong codes. Wait %(seconds)s seconds and try again.") % {"seconds": wait})
    token = _code(code)
    verified = verify_token(acting_user, device.persistent_id, token) if token is not None else None
    if verified is None:
        if token is None:
            # A malformed code never reaches the device, so it counts as a wrong one here.
            device.throttle_increment(commit=True)
        _audit_2fa("account.2fa_verify", acting_user, outcome="failed")
        raise ValidationError(_("That code is not right. Enter the current six-digit code from your app."))
    _audit_2fa("account.2fa_verify", acting_user)
    return verified


def totp_device_remove(*, acting_user: User, user: User) -> int:
    """Turn the second factor off: the account itself (from a verified session), or an administrator whose
    jurisdiction holds it (a lost phone). Sessions verified with the device lose that state at once, and
    API tokens issued against it are revoked. Returns the number of devices removed."""
    resetting = acting_user.pk != user.pk
    if resetting:
        _check_manages(acting_user, user)
        if not acting_user.has_capability("manage_accounts"):
            raise PermissionDenied
    with transaction.atomic():
        count, _detail = TOTPDevice.objects.filter(user=user).delete()
        tokens, _detail = Token.objects.filter(user=user).delete()
        _audit_2fa("account.2fa_reset" if resetting else "account.2fa_remove", user, acting_user=acting_user,
                   devices=count, tokens=tokens)
    return count
