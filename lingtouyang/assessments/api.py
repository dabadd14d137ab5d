"""Assessments in the REST API: the same scoped querysets and services as the pages. Schemes are read;
results are read within the jurisdiction (a village account — a cadre — reads only its own person's
published results); appeals are filed by the cadre and decided by the county. Out of scope is 404."""

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
from lingtouyang.assessments import selectors, services
from lingtouyang.assessments.models import Appeal, Component, Grade, Result, ResultState, Scheme


class ComponentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Component
        fields = ["id", "kind", "name", "task"]


class SchemeSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="region_id", read_only=True)
    components = ComponentSerializer(many=True, read_only=True)

    class Meta:
        model = Scheme
        fields = ["id", "county", "year", "weight_regular", "weight_special", "weight_annual", "band_excellent",
                  "band_competent", "band_basic", "excellent_cap", "components"]


class SchemeViewSet(viewsets.ReadOnlyModelViewSet):
    """Assessment schemes of your county (or of the counties in your region)."""

    serializer_class = SchemeSerializer
    permission_classes = [Capability]
    read_capability = write_capability = "view_assessment"

    def get_queryset(self) -> Any:
        return selectors.scheme_list(self.request.user).prefetch_related("components").order_by("-year", "region_id")


class ResultSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        model = Result
        fields = ["id", "person", "person_name", "region", "year", "score", "computed_grade", "grade", "state",
                  "grade_note", "quota_override", "published_on"]


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("year", YEAR), OpenApiParameter("state", str, enum=ResultState.values),
                           OpenApiParameter("grade", str, enum=Grade.values)]))
class ResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Assessment results within your jurisdiction; a cadre's account reads its own published results only."""

    serializer_class = ResultSerializer
    permission_classes = [Capability]
    read_capability = write_capability = "view_assessment"

    def get_queryset(self) -> Any:
        rows = Result.objects.visible_to(self.request.user).select_related("person").order_by("region_id", "id")
        params = self.request.query_params
        if (year := params.get("year", "")).isdigit():
            rows = rows.filter(year=int(year))
        if params.get("state") in ResultState.values:
            rows = rows.filter(state=params["state"])
        if params.get("grade") in Grade.values:
            rows = rows.filter(grade=params["grade"])
        return rows


class AppealSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        model = Appeal
        fields = ["id", "result", "region", "filed_on", "reason", "state", "grade_before", "grade_after",
                  "decision", "decided_at"]
        read_only_fields = ["filed_on", "state", "grade_before", "grade_after", "decision", "decided_at"]


class AppealInput(serializers.Serializer):
    result = serializers.IntegerField()
    reason = serializers.CharField(max_length=2000)


class DecideInput(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Grade.choices)
    reason = serializers.CharField(max_length=2000)


class AppealViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Appeals within your jurisdiction (a cadre: their own). A cadre files one against their own published
    grade within the appeal period; the county decides (uphold, or change the grade) with a reason."""

    serializer_class = AppealSerializer
    permission_classes = [Capability]
    # Filing is the cadre's own act (checked by the service); deciding needs approve_assessment (likewise).
    read_capability = write_capability = "view_assessment"

    def get_queryset(self) -> Any:
        return Appeal.objects.visible_to(self.request.user).order_by("-filed_on", "-id")

    @extend_schema(request=AppealInput, responses={201: AppealSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = AppealInput(data=request.data)
        data.is_valid(raise_exception=True)
        person_id = getattr(request.user, "person_id", None)
        result = Result.objects.filter(pk=data.validated_data["result"], person_id=person_id).first() if person_id else None
        if result is None:
            raise NotFound
        appeal = _call(services.appeal_file, acting_user=request.user, result=result,
                       reason=data.validated_data["reason"])
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecideInput, responses={200: AppealSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        appeal = self.get_object()
        data = DecideInput(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = _call(services.appeal_decide, acting_user=request.user, appeal=appeal, **data.validated_data)
        return Response(AppealSerializer(appeal).data)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("assessment-schemes", SchemeViewSet, basename="assessment-scheme")
    router.register("assessment-results", ResultViewSet, basename="assessment-result")
    router.register("assessment-appeals", AppealViewSet, basename="assessment-appeal")
