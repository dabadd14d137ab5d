"""Appointment requests in the REST API: the same scoped querysets, selectors and services as the pages."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from lingtouyang.api.views import Capability, _call
from lingtouyang.appointments import selectors, services
from lingtouyang.appointments.models import AppointmentRequest
from lingtouyang.appointments.policy import APPROVE_CAPABILITY, REQUEST_CAPABILITY
from lingtouyang.people.codes import Post
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Region


class AppointmentRequestSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", allow_null=True, default=None)
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)

    class Meta:
        model = AppointmentRequest
        fields = ["id", "kind", "state", "person", "name", "region", "post", "term", "start_date", "basis",
                  "appointment", "end_date", "reason", "new_post", "requested_by", "requested_at", "decided_by",
                  "decided_at", "decision_reason", "result"]


class RequestInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AppointmentRequest.Kind.choices)
    # An appointment: person, region (village code), post, start_date, basis, optional term.
    person = serializers.IntegerField(required=False)
    region = serializers.CharField(max_length=12, required=False)
    post = serializers.ChoiceField(choices=Post.choices, required=False)
    term = serializers.IntegerField(required=False, allow_null=True, min_value=1950, max_value=2100)
    start_date = serializers.DateField(required=False)
    basis = serializers.ChoiceField(choices=AppointmentRequest.Basis.choices, required=False)
    # Every other kind: the appointment it ends, end_date, reason (and new_post for a transfer).
    appointment = serializers.IntegerField(required=False)
    end_date = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    new_post = serializers.ChoiceField(choices=Post.choices, required=False, allow_blank=True, default="")


class RejectInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("state", str, enum=AppointmentRequest.State.values),
    OpenApiParameter("kind", str, enum=AppointmentRequest.Kind.values),
]))
class AppointmentRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                                viewsets.GenericViewSet):
    """Appointment, dismissal, resignation and transfer requests in your jurisdiction, awaiting approval
    first. POST files one; the county approves or rejects it, the requester may withdraw it."""

    serializer_class = AppointmentRequestSerializer
    permission_classes = [Capability]
    read_capability = write_capability = REQUEST_CAPABILITY

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return selectors.request_list(self.request.user, state=params.get("state", ""), kind=params.get("kind", ""))

    def _lookup(self, model: Any, value: Any, field: str) -> Any:
        """Only what this account may act on is found; anything else reads like "does not exist"."""
        if value is None:
            return None
        found = model.objects.visible_to(self.request.user, REQUEST_CAPABILITY).filter(pk=value).first()
        if found is None:
            raise ValidationError({field: [_("no such person on your roster") if model is Person
                                           else _("no such appointment on your roster")]})
        return found

    @extend_schema(request=RequestInput, responses={201: AppointmentRequestSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = RequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["person"] = self._lookup(Person, values.get("person"), "person")
        values["appointment"] = self._lookup(Appointment, values.get("appointment"), "appointment")
        if values.get("region"):
            region = Region.objects.filter(code=values["region"]).first()
            if region is None:
                raise ValidationError({"region": [_("no such village or community")]})
            values["region"] = region
        made = _call(services.request_create, acting_user=request.user, **values)
        return Response(AppointmentRequestSerializer(made).data, status=status.HTTP_201_CREATED)

    def _decision(self, request: Request) -> AppointmentRequest:
        if not request.user.has_capability(APPROVE_CAPABILITY):
            raise PermissionDenied(_("only the county organisation department approves or rejects requests"))
        item = self.get_object()
        if not selectors.may_approve(request.user, item):
            raise PermissionDenied(_("this village or community is outside your jurisdiction"))
        return item

    @extend_schema(request=None, responses={200: AppointmentRequestSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: Any = None) -> Response:
        """Approve: the roster changes with it (the appointment made, or ended with the request's reason)."""
        item = _call(services.request_approve, acting_user=request.user, request=self._decision(request))
        return Response(AppointmentRequestSerializer(item).data)

    @extend_schema(request=RejectInput, responses={200: AppointmentRequestSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: Any = None) -> Response:
        """Reject, saying why."""
        item = self._decision(request)
        data = RejectInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = _call(services.request_reject, acting_user=request.user, request=item,
                     reason=data.validated_data["reason"])
        return Response(AppointmentRequestSerializer(item).data)

    @extend_schema(request=None, responses={200: AppointmentRequestSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        """Withdraw a request you filed, while it awaits approval."""
        item = _call(services.request_withdraw, acting_user=request.user, request=self.get_object())
        return Response(AppointmentRequestSerializer(item).data)
