"""Care records in the REST API: the same scoped queryset, selectors and services as the pages. Read with
`view_management`, written with `manage_care` (township, county); out of scope is 404."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from lingtouyang.api.params import YEAR
from lingtouyang.api.views import Capability, _call
from lingtouyang.care import selectors, services
from lingtouyang.care.models import CareRecord, Kind
from lingtouyang.core.scope import user_prefix
from lingtouyang.people.models import Person


class CareRecordSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        model = CareRecord
        fields = ["id", "person", "name", "region", "kind", "date", "by_whom", "note", "amount", "follow_up_due",
                  "follow_up_done", "follow_up_note"]
        read_only_fields = fields


class CareRecordInput(serializers.Serializer):
    person = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    date = serializers.DateField()
    by_whom = serializers.CharField(max_length=100)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    # A string: the service refuses a negative or malformed amount with its own reason.
    amount = serializers.CharField(max_length=20, required=False, allow_blank=True, allow_null=True, default=None,
                                   help_text="yuan, at most two decimals")
    follow_up_due = serializers.DateField(required=False, allow_null=True, default=None)


class CareRecordChange(serializers.Serializer):
    date = serializers.DateField(required=False)
    by_whom = serializers.CharField(max_length=100, required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    amount = serializers.CharField(max_length=20, required=False, allow_blank=True, allow_null=True)
    follow_up_due = serializers.DateField(required=False, allow_null=True)


class FollowUpInput(serializers.Serializer):
    done_on = serializers.DateField()
    note = serializers.CharField(max_length=500)


class PersonWithoutCareSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "name", "region", "id_masked"]
        read_only_fields = fields


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("region", str, description="region code prefix"),
    OpenApiParameter("kind", str, enum=Kind.values),
    OpenApiParameter("year", YEAR),
    OpenApiParameter("open", bool, description="reminder talks whose follow-up is not done"),
]))
class CareRecordViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Condolence visits, reminder talks and hardship assistance for people in your jurisdiction."""

    serializer_class = CareRecordSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_management", "manage_care"

    def get_queryset(self) -> Any:
        if self.action == "list":
            return selectors.record_list(self.request.user, selectors.Filters.parse(self.request.query_params))
        return CareRecord.objects.visible_to(self.request.user).select_related("person").order_by("region_id", "id")

    @extend_schema(request=CareRecordInput, responses={201: CareRecordSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CareRecordInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        person = Person.objects.visible_to(request.user, "manage_care").filter(pk=values.pop("person")).first()
        if person is None:
            raise NotFound
        record = _call(services.record_create, acting_user=request.user, person=person, **values)
        return Response(CareRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CareRecordChange, responses={200: CareRecordSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        data = CareRecordChange(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        record = _call(services.record_update, acting_user=request.user, record=record, **data.validated_data)
        return Response(CareRecordSerializer(record).data)

    @extend_schema(request=FollowUpInput, responses={200: CareRecordSerializer})
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, pk: str | None = None) -> Response:
        """Record a reminder talk's follow-up."""
        record = self.get_object()
        data = FollowUpInput(data=request.data)
        data.is_valid(raise_exception=True)
        record = _call(services.follow_up_record, acting_user=request.user, record=record, **data.validated_data)
        return Response(CareRecordSerializer(record).data)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("region", str, description="region code prefix (default: your own region)"),
    OpenApiParameter("year", YEAR, description="default: this year"),
]))
class WithoutCareViewSet(viewsets.GenericViewSet, mixins.ListModelMixin):
    """Current cadres with no care record in the year."""

    serializer_class = PersonWithoutCareSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_management", "manage_care"

    def get_queryset(self) -> Any:
        f = selectors.Filters.parse(self.request.query_params, default_year=True)
        assert f.year is not None
        prefix = f.region or user_prefix(self.request.user, "view_management") or ""
        return selectors.without_care(self.request.user, prefix, f.year)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("care-records", CareRecordViewSet, basename="care-record")
    router.register("care-without", WithoutCareViewSet, basename="care-without")
