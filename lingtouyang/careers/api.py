"""Careers in the REST API: the same scoped queryset, selectors and services as the pages. Read with
`view_management`, written with `manage_careers` (the county); out of scope is 404."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from lingtouyang.api.params import YEAR
from lingtouyang.api.views import Capability, _call
from lingtouyang.careers import selectors, services
from lingtouyang.careers.models import CareerEvent, Kind
from lingtouyang.people.models import Person


class CareerEventSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        model = CareerEvent
        fields = ["id", "person", "name", "region", "kind", "date", "destination", "reason", "note", "ended_posts"]
        read_only_fields = fields


class CareerEventInput(serializers.Serializer):
    person = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    date = serializers.DateField()
    destination = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    end_posts = serializers.BooleanField(required=False, default=False,
                                         help_text="end the posts held on the date (a county admin only)")


class CareerEventChange(serializers.Serializer):
    date = serializers.DateField(required=False)
    destination = serializers.CharField(max_length=100, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("region", str, description="region code prefix"),
    OpenApiParameter("kind", str, enum=Kind.values),
    OpenApiParameter("year", YEAR),
]))
class CareerEventViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Career events (三个通道, 能上能下) of people in your jurisdiction."""

    serializer_class = CareerEventSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_management", "manage_careers"

    def get_queryset(self) -> Any:
        if self.action == "list":
            return selectors.event_list(self.request.user, selectors.Filters.parse(self.request.query_params))
        return CareerEvent.objects.visible_to(self.request.user).select_related("person").order_by("region_id", "id")

    @extend_schema(request=CareerEventInput, responses={201: CareerEventSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CareerEventInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        person = Person.objects.visible_to(request.user, "manage_careers").filter(pk=values.pop("person")).first()
        if person is None:
            raise NotFound
        event = _call(services.event_create, acting_user=request.user, person=person, **values)
        return Response(CareerEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CareerEventChange, responses={200: CareerEventSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        event = self.get_object()
        data = CareerEventChange(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        event = _call(services.event_update, acting_user=request.user, event=event, **data.validated_data)
        return Response(CareerEventSerializer(event).data)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("career-events", CareerEventViewSet, basename="career-event")
