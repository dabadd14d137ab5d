"""Social-work exam registrations in the REST API: the same scoped queryset, selectors and services as
the pages."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from lingtouyang.api.params import YEAR
from lingtouyang.api.views import Capability, _call
from lingtouyang.people.models import Person
from lingtouyang.socialwork import selectors, services
from lingtouyang.socialwork.models import Level, Registration, Result

LEVEL_SCHEMA = {"type": "string",
                "description": "assistant (助理社会工作师) | intermediate (社会工作师) | senior (高级社会工作师)"}


@extend_schema_field(LEVEL_SCHEMA)
class LevelField(serializers.ChoiceField):
    """The certificate level, described without an enum: a region's `level` is another choice set under the same
    name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Level.choices, **kwargs)


class RegistrationSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    level = LevelField(read_only=True)

    class Meta:
        model = Registration
        fields = ["id", "person", "name", "region", "exam_year", "level", "training_hours", "training_session",
                  "result", "result_on", "certificate_no", "certificate_date"]
        read_only_fields = fields


class RegistrationInput(serializers.Serializer):
    person = serializers.IntegerField()
    exam_year = serializers.IntegerField()
    level = LevelField()


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("region", str, description="region code prefix"),
    OpenApiParameter("year", YEAR, description="exam year"),
    OpenApiParameter("level", str, enum=Level.values),
    OpenApiParameter("result", str, enum=[*Result.values, selectors.RESULT_NONE]),
]))
class RegistrationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Social-work exam registrations in your jurisdiction; POST registers a cadre on your roster."""

    serializer_class = RegistrationSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_training", "manage_certification"

    def get_queryset(self) -> Any:
        if self.action == "list":
            return selectors.registration_list(self.request.user, selectors.Filters.parse(self.request.query_params))
        return Registration.objects.visible_to(self.request.user).select_related("person").order_by("region_id", "id")

    @extend_schema(request=RegistrationInput, responses={201: RegistrationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = RegistrationInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        person = (Person.objects.visible_to(request.user, "manage_certification")
                  .filter(pk=values.pop("person")).first())
        if person is None:
            raise NotFound
        registration = _call(services.registration_create, acting_user=request.user, person=person, **values)
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)
