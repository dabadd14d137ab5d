"""The reserve pool in the REST API: the same scoped querysets, selectors and services as the pages."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from lingtouyang.api.views import Capability, _call, _prefix_param
from lingtouyang.people.codes import Post, Source
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region
from lingtouyang.reserves import selectors, services
from lingtouyang.reserves.models import Merit, PoolTarget, Reserve


class ReserveSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    region_name = serializers.CharField(source="region.short_name", read_only=True)

    class Meta:
        model = Reserve
        fields = ["id", "person", "name", "region", "region_name", "source", "posts", "added_on", "status",
                  "status_reason", "status_changed_on"]


class ReserveInput(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    source = serializers.ChoiceField(choices=Source.choices, required=False)
    posts = serializers.ListField(child=serializers.ChoiceField(choices=Post.choices), allow_empty=True)
    added_on = serializers.DateField(required=False)


class MeritSerializer(serializers.ModelSerializer):
    evidence_url = serializers.SerializerMethodField()

    class Meta:
        model = Merit
        fields = ["id", "reserve", "task", "description", "done_on", "evidence_name", "evidence_type",
                  "evidence_size", "evidence_url"]

    def get_evidence_url(self, merit: Merit) -> str | None:
        if not merit.evidence_path:
            return None
        return reverse("reserves:evidence", args=[merit.pk], request=self.context.get("request"))


class MeritInput(serializers.Serializer):
    reserve = serializers.IntegerField()
    task = serializers.ChoiceField(choices=Merit.Task.choices)
    description = serializers.CharField(allow_blank=True)
    done_on = serializers.DateField()
    evidence = serializers.FileField(required=False, allow_null=True)


class PoolTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = PoolTarget
        fields = ["id", "prefix", "per_post", "effective_from", "note"]


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("region", str, description="region code prefix within your jurisdiction"),
    OpenApiParameter("status", str, enum=Reserve.Status.values),
]))
class ReserveViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Reserves in your jurisdiction; POST adds a person from your roster to a village's pool."""

    serializer_class = ReserveSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_people", "edit_people"

    def get_queryset(self) -> Any:
        params = self.request.query_params
        region = _prefix_param(params["region"]) if params.get("region") else ""
        return selectors.reserve_list(self.request.user, region=region, status=params.get("status", ""))

    @extend_schema(request=ReserveInput, responses={201: ReserveSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ReserveInput(data=request.data)
        # Out of scope reads exactly like "does not exist".
        data.fields["person"].queryset = Person.objects.visible_to(request.user, "edit_people")
        data.is_valid(raise_exception=True)
        reserve = _call(services.reserve_add, acting_user=request.user, **data.validated_data)
        return Response(ReserveSerializer(reserve).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("reserve", int, description="one reserve's records")]))
class MeritViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Merit records of reserves in your jurisdiction; POST (multipart) adds one, with an evidence file."""

    serializer_class = MeritSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_people", "edit_people"
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self) -> Any:
        qs = Merit.objects.visible_to(self.request.user).order_by("reserve_id", "-done_on", "id")
        reserve = self.request.query_params.get("reserve", "")
        if reserve:
            if not (reserve.isascii() and reserve.isdigit() and int(reserve) < 2**63):
                raise serializers.ValidationError({"reserve": [_("a reserve is given by its numeric id")]})
            qs = qs.filter(reserve_id=int(reserve))
        return qs

    @extend_schema(request={"multipart/form-data": MeritInput}, responses={201: MeritSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = MeritInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        reserve = Reserve.objects.visible_to(request.user, "edit_people").filter(pk=values.pop("reserve")).first()
        if reserve is None:
            raise NotFound
        merit = _call(services.merit_add, acting_user=request.user, reserve=reserve, upload=values.pop("evidence", None),
                      **values)
        return Response(MeritSerializer(merit, context={"request": request}).data, status=status.HTTP_201_CREATED)


class PoolTargetViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The pool targets (reserves per post by region prefix, from a date); the most specific prefix wins."""

    serializer_class = PoolTargetSerializer
    permission_classes = [Capability]
    read_capability = write_capability = "view_people"
    queryset = PoolTarget.objects.order_by("prefix", "-effective_from")
