"""API tokens. A token stands in for a log-in and never expires by itself, so it is issued the way a
session is trusted: the password (through django-axes' lockout), plus a one-time code for an account
that must use a second factor. A token is revoked when its account's second factor is removed or reset,
or the account is deactivated."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response

from lingtouyang.accounts import twofactor
from lingtouyang.accounts.authentication import token_expiry_cutoff
from lingtouyang.accounts.models import User
from lingtouyang.accounts.services import totp_verify
from lingtouyang.accounts.views import locked_out
from lingtouyang.audit.services import audit_record


class TokenRequestSerializer(AuthTokenSerializer):
    otp_token = serializers.CharField(
        label=gettext_lazy("six-digit code"), required=False, write_only=True, max_length=20,
        help_text=gettext_lazy("a code from the authenticator app; required where two-step verification is"),
    )


class ObtainTokenView(ObtainAuthToken):
    serializer_class = TokenRequestSerializer

    def post(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            tried = str(request.data.get("username", ""))[:150] if hasattr(request.data, "get") else ""
            account = User.objects.filter(username=tried).only("id", "region_id").first() if tried else None
            audit_record("account.token", obj=account, region_code=(account.region_id or "") if account else "",
                         changes={"username": tried}, outcome="failed")
            if getattr(request, "axes_locked_out", False):
                # django-axes marks the request it was given (this DRF request), which its middleware never sees.
                return locked_out(request._request)
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        user = serializer.validated_data["user"]
        if twofactor.must_use_second_factor(user):
            if twofactor.confirmed_device(user) is None:
                return self._refused(user, _("Set up two-step verification on the web before asking for a token."))
            if not serializer.validated_data.get("otp_token"):
                return self._refused(user, _("Enter the six-digit code from your authenticator app (otp_token)."))
            try:
                totp_verify(acting_user=user, code=serializer.validated_data["otp_token"])
            except ValidationError as exc:
                return self._refused(user, " ".join(exc.messages))
        # An expired token is replaced, never handed out again.
        Token.objects.filter(user=user, created__lt=token_expiry_cutoff()).delete()
        token, _created = Token.objects.get_or_create(user=user)
        audit_record("account.token", obj=user, region_code=user.region_id or "", user=user)
        return Response({"token": token.key})

    def _refused(self, user: User, message: str) -> Response:
        audit_record("account.token", obj=user, region_code=user.region_id or "", user=user,
                     changes={"username": user.username, "reason": "second factor"}, outcome="denied")
        return Response({"otp_token": [message]}, status=status.HTTP_400_BAD_REQUEST)


obtain_token = ObtainTokenView.as_view()
