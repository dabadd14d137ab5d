"""Attendance in the REST API: the same scoped reads and services as the pages. A cadre checks in as
themselves (`check-in`, with the code's token); an officer marks the people of their jurisdiction
(`mark`); a trainee rates a session they attended (`training-evaluations`, POST)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from lingtouyang.api.views import _call
from lingtouyang.core.scope import code_bounds, user_prefix
from lingtouyang.training import attendance, selectors_attendance
from lingtouyang.training.models import Attendance, Enrolment, Evaluation


class AttendanceSerializer(serializers.ModelSerializer):
    session = serializers.IntegerField(source="sitting.session_id", read_only=True)
    person = serializers.IntegerField(source="enrolment.person_id", read_only=True)
    village = serializers.CharField(source="enrolment.region_id", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "session", "sitting", "enrolment", "person", "village", "method", "checked_in_at"]
        read_only_fields = fields


class CheckInInput(serializers.Serializer):
    token = serializers.CharField(max_length=500)


class MarkInput(serializers.Serializer):
    sitting = serializers.IntegerField()
    present = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    absent = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class MarkOutput(serializers.Serializer):
    added = serializers.IntegerField()
    removed = serializers.IntegerField()


class EvaluationSerializer(serializers.ModelSerializer):
    session = serializers.IntegerField(source="enrolment.session_id", read_only=True)

    class Meta:
        model = Evaluation
        fields = ["id", "enrolment", "session", "score", "comment", "created_at"]
        read_only_fields = fields


class EvaluationInput(serializers.Serializer):
    enrolment = serializers.IntegerField()
    score = serializers.IntegerField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=attendance.COMMENT_MAX)


class ByAction(permissions.BasePermission):
    """The capability each action needs (`capabilities`, by action name; None: any signed-in account). A
    method an endpoint does not take is checked as reading (then 405), as the other viewsets do."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        needed = view.capabilities[view.action or "list"]
        return needed is None or request.user.has_capability(needed)


def _visible(user: Any, qs: QuerySet[Any], region_field: str = "enrolment__region_id",
             person_field: str = "enrolment__person_id") -> QuerySet[Any]:
    """Rows of enrolments in the user's training jurisdiction, and the user's own."""
    prefix = user_prefix(user, "view_training")
    mine = Q(**{person_field: user.person_id}) if user.person_id else Q(pk__in=[])
    if prefix is None:
        return qs.filter(mine)
    if not prefix:
        return qs
    low, high = code_bounds(prefix)
    return qs.filter(Q(**{f"{region_field}__gte": low, f"{region_field}__lte": high}) | mine)


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("session", int), OpenApiParameter("sitting", int)]))
class AttendanceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Who came to which sitting, for the people of your jurisdiction (and yourself)."""

    serializer_class = AttendanceSerializer
    permission_classes = [ByAction]
    capabilities = {"list": "view_training", "check_in": "check_in", "mark": "mark_attendance"}

    def get_queryset(self) -> Any:
        qs = _visible(self.request.user, Attendance.objects.select_related("sitting", "enrolment")).order_by("sitting_id", "enrolment_id")
        params = self.request.query_params
        for name, field in (("session", "sitting__session_id"), ("sitting", "sitting_id")):
            if params.get(name, "").isdigit():
                qs = qs.filter(**{field: int(params[name])})
        return qs

    @extend_schema(request=CheckInInput, responses={201: AttendanceSerializer})
    @action(detail=False, methods=["post"], url_path="check-in")
    def check_in(self, request: Request) -> Response:
        """Checks the caller's own roster entry in with a code's token (from the QR code's URL)."""
        data = CheckInInput(data=request.data)
        data.is_valid(raise_exception=True)
        record = _call(attendance.check_in, acting_user=request.user, token=data.validated_data["token"])
        return Response(AttendanceSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MarkInput, responses={200: MarkOutput})
    @action(detail=False, methods=["post"])
    def mark(self, request: Request) -> Response:
        """Marks enrolments present or absent at a sitting (absent removes the row), all or nothing."""
        data = MarkInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            sitting = selectors_attendance.markable_sitting(request.user, data.validated_data["sitting"])
        except Http404 as exc:
            raise NotFound from exc
        marked = _call(attendance.attendance_mark, acting_user=request.user, sitting=sitting,
                       present=data.validated_data["present"], absent=data.validated_data["absent"])
        return Response({"added": marked.added, "removed": marked.removed})


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("session", int)]))
class EvaluationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Trainees' ratings of the sessions of your jurisdiction (and your own); POST rates a session you attended."""

    serializer_class = EvaluationSerializer
    permission_classes = [ByAction]
    capabilities = {"list": "view_training", "create": None}

    def get_queryset(self) -> Any:
        qs = _visible(self.request.user, Evaluation.objects.select_related("enrolment")).order_by("-id")
        session = self.request.query_params.get("session", "")
        return qs.filter(enrolment__session_id=int(session)) if session.isdigit() else qs

    @extend_schema(request=EvaluationInput, responses={201: EvaluationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = EvaluationInput(data=request.data)
        data.is_valid(raise_exception=True)
        person_id = request.user.person_id
        enrolment = (Enrolment.objects.filter(pk=data.validated_data["enrolment"], person_id=person_id).first()
                     if person_id else None)
        if enrolment is None:
            raise NotFound
        evaluation = _call(attendance.evaluation_submit, acting_user=request.user, enrolment=enrolment,
                           score=data.validated_data["score"], comment=data.validated_data["comment"])
        return Response(EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)
