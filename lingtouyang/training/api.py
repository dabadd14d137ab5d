"""The training plan in the REST API: the same scoped querysets and services as the pages. Bases,
programmes and sessions are shared down (a county reads the city's); out of scope is 404."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from lingtouyang.api.params import YEAR
from lingtouyang.api.views import Capability, _call
from lingtouyang.core.scope import user_prefix
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region
from lingtouyang.training import selectors, services
from lingtouyang.training.models import Enrolment, Programme, Session, Sitting, Topic, TrainingBase


def _region(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise NotFound
    return region


class TrainingBaseSerializer(serializers.ModelSerializer):
    # Topic values (checked by the service); a plain list keeps the schema's one TopicEnum.
    specialties = serializers.ListField(child=serializers.CharField(max_length=30), required=False, default=list,
                                        help_text="topics: " + ", ".join(Topic.values))
    region = serializers.CharField(source="region_id", required=False, max_length=12,
                                   help_text="location (region code); default: your own region")

    class Meta:
        model = TrainingBase
        fields = ["id", "region", "name", "host", "kind", "address", "capacity", "specialties", "active"]


class TrainingBaseViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Training bases of your region and the regions above it; the city writes them."""

    serializer_class = TrainingBaseSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_training", "manage_training_catalogue"

    def get_queryset(self) -> Any:
        return TrainingBase.objects.shared_with(self.request.user).order_by("region_id", "name")

    def _data(self, request: Request, partial: bool = False) -> dict[str, Any]:
        data = TrainingBaseSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "region_id" in values:
            values["region"] = _region(values.pop("region_id"))
        return values

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = self._data(request)
        values.setdefault("region", request.user.region)
        base = _call(services.base_create, acting_user=request.user, **values)
        return Response(TrainingBaseSerializer(base).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        base = self.get_object()
        values = self._data(request, partial=kwargs.get("partial", False))
        base = _call(services.base_update, acting_user=request.user, base=base, **values)
        return Response(TrainingBaseSerializer(base).data)


class ProgrammeSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        model = Programme
        fields = ["id", "region", "title", "topic", "form", "hours", "audience", "threshold", "talent_tag",
                  "description", "active"]


class ProgrammeViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Programmes of your region and the regions above it; the city writes them (owned by your region)."""

    serializer_class = ProgrammeSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_training", "manage_training_catalogue"

    def get_queryset(self) -> Any:
        return Programme.objects.shared_with(self.request.user).order_by("region_id", "title")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ProgrammeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        programme = _call(services.programme_create, acting_user=request.user, region=request.user.region,
                          **data.validated_data)
        return Response(ProgrammeSerializer(programme).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        programme = self.get_object()
        data = ProgrammeSerializer(data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        programme = _call(services.programme_update, acting_user=request.user, programme=programme,
                          **data.validated_data)
        return Response(ProgrammeSerializer(programme).data)


class SittingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sitting
        fields = ["id", "starts_at", "ends_at", "hours", "subject", "teacher"]


class SessionSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)
    hours = serializers.DecimalField(max_digits=6, decimal_places=1, read_only=True)
    used = serializers.IntegerField(read_only=True, help_text="places taken (enrolments not withdrawn)")
    sittings = SittingSerializer(many=True, read_only=True)

    class Meta:
        model = Session
        fields = ["id", "region", "programme", "base", "title", "start_date", "end_date", "capacity", "state",
                  "cancel_reason", "hours", "used", "sittings"]
        read_only_fields = ["state", "cancel_reason"]


class SessionInput(serializers.Serializer):
    programme = serializers.IntegerField()
    base = serializers.IntegerField()
    title = serializers.CharField(max_length=100)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    capacity = serializers.IntegerField(min_value=1)
    sittings = SittingSerializer(many=True, required=False, default=list,
                                 help_text="on create only: sittings added after the session, each checked")


class SessionCancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("region", str, description="run-by region code prefix"),
    OpenApiParameter("programme", int), OpenApiParameter("year", YEAR),
]))
class SessionViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Sessions of your region, the regions below and above it (upcoming first), with their sittings;
    a scheduler creates them for their own region."""

    serializer_class = SessionSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_training", "run_training"

    def get_queryset(self) -> Any:
        params = self.request.query_params
        raw_year, raw_programme = params.get("year", ""), params.get("programme", "")
        region = params.get("region", "")
        return selectors.session_list(
            self.request.user, region=region if region.isdigit() and len(region) <= 12 else "",
            programme=int(raw_programme) if raw_programme.isdigit() else None,
            year=int(raw_year) if raw_year.isdigit() else None).prefetch_related("sittings")

    def _resolve(self, values: dict[str, Any]) -> dict[str, Any]:
        user = self.request.user
        for key, model in (("programme", Programme), ("base", TrainingBase)):
            if key in values:
                found = model.objects.shared_with(user).filter(pk=values[key]).first()
                if found is None:
                    raise NotFound
                values[key] = found
        return values

    def _out(self, session: Session) -> Response:
        return Response(SessionSerializer(self.get_queryset().get(pk=session.pk)).data)

    @extend_schema(request=SessionInput, responses={201: SessionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = SessionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = self._resolve(dict(data.validated_data))
        sittings = values.pop("sittings")
        with transaction.atomic():
            session = _call(services.session_create, acting_user=request.user, region=request.user.region, **values)
            for sitting in sittings:
                _call(services.sitting_add, acting_user=request.user, session=session, **sitting)
        response = self._out(session)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=SessionInput, responses={200: SessionSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self.get_object()
        prefix = user_prefix(request.user, "run_training")
        if prefix is None or not session.region_id.startswith(prefix):
            raise NotFound
        data = SessionInput(data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        values = self._resolve(dict(data.validated_data))
        values.pop("sittings", None)
        _call(services.session_update, acting_user=request.user, session=session, **values)
        return self._out(session)

    @extend_schema(request=SessionCancelInput, responses={200: SessionSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        data = SessionCancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        _call(services.session_cancel, acting_user=request.user, session=session, reason=data.validated_data["reason"])
        return self._out(session)


class EnrolmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    id_masked = serializers.CharField(source="person.id_masked", read_only=True)
    village = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        model = Enrolment
        fields = ["id", "session", "person", "name", "id_masked", "village", "via", "withdrawn", "attended_hours",
                  "completed_on"]
        read_only_fields = fields


class EnrolmentInput(serializers.Serializer):
    session = serializers.IntegerField()
    person = serializers.IntegerField()


class WithdrawInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("session", int, description="one session's enrolments")]))
class EnrolmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Enrolments of the people in your jurisdiction; POST enrols one person (refused if outside your
    jurisdiction, already enrolled, in another session on overlapping days, or if the session is full)."""

    serializer_class = EnrolmentSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_training", "run_training"

    def get_queryset(self) -> Any:
        raw = self.request.query_params.get("session", "")
        return selectors.enrolment_list(self.request.user, session=int(raw) if raw.isdigit() else None)

    @extend_schema(request=EnrolmentInput, responses={201: EnrolmentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = EnrolmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        session = (Session.objects.shared_with(request.user, "run_training")
                   .filter(pk=data.validated_data["session"]).first())
        person = Person.objects.filter(pk=data.validated_data["person"]).first()
        if session is None:
            raise NotFound
        if person is None:
            raise ValidationError({"person": [_("not found in your jurisdiction")]})
        enrolment = _call(services.enrol_one, acting_user=request.user, session=session, person=person)
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WithdrawInput, responses={200: EnrolmentSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        enrolment = self.get_object()
        data = WithdrawInput(data=request.data)
        data.is_valid(raise_exception=True)
        _call(services.enrolment_withdraw, acting_user=request.user, enrolment=enrolment,
              reason=data.validated_data["reason"])
        return Response(EnrolmentSerializer(enrolment).data)

