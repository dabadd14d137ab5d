"""The REST API: the same scoped querysets and services as the pages. Out of scope is 404."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from lingtouyang.api.serializers import (
    AppointmentInput,
    AppointmentSerializer,
    PersonInput,
    PersonSerializer,
    RegionSerializer,
    StructureSerializer,
)
from lingtouyang.core.scope import parse_prefix, user_prefix
from lingtouyang.people import services
from lingtouyang.people.models import Appointment, Person
from lingtouyang.people.selectors import region_figures
from lingtouyang.regions.models import Region


class Capability(permissions.BasePermission):
    """Reading needs the view's read capability, writing its write capability."""

    def has_permission(self, request: Request, view: Any) -> bool:
        needed = view.read_capability if request.method in permissions.SAFE_METHODS else view.write_capability
        return bool(request.user and request.user.is_authenticated and request.user.has_capability(needed))


def _call(service: Any, **kwargs: Any) -> Any:
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc


def _prefix_param(raw: str) -> str:
    prefix = parse_prefix(raw)
    if prefix is None:
        raise ValidationError({"region": [_("A region code has up to 12 digits.")]})
    return prefix


def _in_scope(request: Request, obj: Any, capability: str) -> Any:
    prefix = user_prefix(request.user, capability)
    code = getattr(obj, "region_id", None) or getattr(obj, "code", "")
    if obj is None or prefix is None or not code.startswith(prefix):
        raise NotFound
    return obj


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("parent", str, description="children of this region code"),
    OpenApiParameter("level", int, description="1 province … 5 village"),
    OpenApiParameter("q", str, description="code, name, pinyin or pinyin initials (prefix)"),
]))
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RegionSerializer
    permission_classes = [Capability]
    read_capability = write_capability = "view_regions"
    lookup_field = "code"
    lookup_value_regex = "[0-9]{1,12}"  # anything else is no region (and PostgreSQL refuses NUL in a lookup)

    @extend_schema(responses={200: StructureSerializer}, parameters=[])
    @action(detail=True, methods=["get"])
    def structure(self, request: Request, code: str | None = None, **kwargs: Any) -> Response:
        """The region's cadre structure (as its page charts it) and one row per region below it."""
        if not request.user.has_capability("view_people"):
            raise NotFound
        region = self.get_object()
        data, rows = region_figures(region)
        children = [
            {**{k: v for k, v in row.items() if k != "region"}, "code": row["region"].code,
             "name": row["region"].short_name}
            for row in rows
        ]
        return Response({"code": region.code, "name": region.short_name, **data, "children": children})

    def get_queryset(self) -> Any:
        qs = Region.objects.visible_to(self.request.user).order_by("code")
        params = self.request.query_params
        if params.get("parent"):
            qs = qs.filter(parent_id=params["parent"])
        if params.get("level", "").isdigit():
            qs = qs.filter(level=int(params["level"]))
        return qs.search(params.get("q", ""))


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("region", str, description="region code prefix within your jurisdiction"),
    OpenApiParameter("q", str, description="name, pinyin or initials (prefix)"),
]))
class PersonViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PersonSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_people", "edit_people"

    def get_queryset(self) -> Any:
        qs = Person.objects.visible_to(self.request.user).select_related("region").order_by("region_id", "id")
        params = self.request.query_params
        if params.get("region"):
            qs = qs.within(_prefix_param(params["region"]))
        return qs.search(params.get("q", ""))

    @extend_schema(request=PersonInput, responses={201: PersonSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = PersonInput(data=request.data)
        data.is_valid(raise_exception=True)
        if not data.validated_data.get("id_number"):
            raise ValidationError({"id_number": [_("an ID number is required")]})
        person = _call(services.person_create, acting_user=request.user, **data.validated_data)
        return Response(PersonSerializer(person, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PersonInput, responses={200: PersonSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = _in_scope(request, self.get_object(), "edit_people")
        data = PersonInput(data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        person = _call(services.person_update, acting_user=request.user, person=person, **data.validated_data)
        return Response(PersonSerializer(person, context=self.get_serializer_context()).data)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("region", str, description="region code prefix within your jurisdiction"),
    OpenApiParameter("person", int), OpenApiParameter("current", bool),
]))
class AppointmentViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Posts held: read, and corrected (dates, term). Under 村官区管 a new appointment, or the end of a current
    one, is an appointment request the county approves (`appointment-requests/`), so there is no POST here."""

    serializer_class = AppointmentSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_people", "edit_people"

    def get_queryset(self) -> Any:
        qs = Appointment.objects.visible_to(self.request.user).select_related("region").order_by("region_id", "id")
        params = self.request.query_params
        if params.get("region"):
            qs = qs.within(_prefix_param(params["region"]))
        if params.get("person"):
            person = params["person"]
            if not (person.isascii() and person.isdigit() and int(person) < 2**63):
                raise ValidationError({"person": [_("a person is given by their numeric id")]})
            qs = qs.filter(person_id=int(person))
        if params.get("current") in ("1", "true"):
            qs = qs.current()
        return qs

    @extend_schema(request=AppointmentInput, responses={200: AppointmentSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        appointment = _in_scope(request, self.get_object(), "edit_people")
        data = AppointmentInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items() if k != "person"}
        appointment = _call(services.appointment_correct, acting_user=request.user, appointment=appointment,
                            **values)
        return Response(AppointmentSerializer(appointment).data)
