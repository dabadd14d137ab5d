"""Secondments in the REST API: the same scoped queryset, selectors and services as the pages."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from lingtouyang.api.params import YEAR
from lingtouyang.api.views import Capability, _call
from lingtouyang.people.models import Person
from lingtouyang.secondments import selectors, services
from lingtouyang.secondments.models import Secondment


@extend_schema_field({"type": "string", "description": "excellent (优秀) | good (良好) | pass (合格) | fail (不合格) | empty"})
class GradeField(serializers.CharField):
    """A grade, described without an enum: two fields share the choice set, and the schema's enum names
    are settled in the shared settings (ENUM_NAME_OVERRIDES)."""


class SecondmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    mid_grade = GradeField(read_only=True)
    final_grade = GradeField(read_only=True)

    class Meta:
        model = Secondment
        fields = ["id", "person", "name", "region", "host_place", "host_organisation", "start_date", "end_date",
                  "mentor_name", "mentor_post", "purpose", "state", "cancel_reason", "mid_grade", "mid_comment",
                  "mid_on", "mid_by", "final_grade", "final_comment", "final_on", "final_by"]
        read_only_fields = fields


class SecondmentInput(serializers.Serializer):
    person = serializers.IntegerField()
    host_place = serializers.CharField(max_length=50)
    host_organisation = serializers.CharField(max_length=100)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    mentor_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    mentor_post = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    purpose = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("region", str, description="region code prefix"),
    OpenApiParameter("host_place", str, description="host city, e.g. 上海市"),
    OpenApiParameter("year", YEAR, description="under way at some point in this year"),
    OpenApiParameter("state", str, enum=Secondment.State.values),
]))
class SecondmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Secondments of cadres in your jurisdiction; POST records one for a cadre on your roster."""

    serializer_class = SecondmentSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_training", "manage_secondments"

    def get_queryset(self) -> Any:
        if self.action == "list":
            return selectors.secondment_list(self.request.user, selectors.Filters.parse(self.request.query_params))
        return Secondment.objects.visible_to(self.request.user).select_related("person").order_by("region_id", "id")

    @extend_schema(request=SecondmentInput, responses={201: SecondmentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = SecondmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        person = Person.objects.visible_to(request.user, "manage_secondments").filter(pk=values.pop("person")).first()
        if person is None:
            raise NotFound
        secondment = _call(services.secondment_create, acting_user=request.user, person=person, **values)
        return Response(SecondmentSerializer(secondment).data, status=status.HTTP_201_CREATED)
