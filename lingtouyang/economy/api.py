"""The collective economy in the REST API: the same scoped queryset, selectors and services as the pages.
Projects (with the cadres who ran them) are read with `view_management` and written with `manage_economy`;
out of scope is 404."""

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
from lingtouyang.economy import selectors, services
from lingtouyang.economy.models import Project
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region


class ProjectSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)
    village = serializers.CharField(source="region.short_name", read_only=True)
    net_income = serializers.DecimalField(max_digits=15, decimal_places=2, read_only=True)
    cadres = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["id", "region", "village", "year", "name", "operating_income", "operating_cost", "net_income",
                  "note", "cadres"]
        read_only_fields = fields

    def get_cadres(self, obj: Project) -> list[int]:
        return sorted(c.person_id for c in obj.cadres.all())


class ProjectInput(serializers.Serializer):
    # Amounts as strings or numbers; the service refuses negative or malformed ones with its own reason.
    region = serializers.CharField(max_length=12, help_text="the village's 12-digit code")
    year = serializers.IntegerField()
    name = serializers.CharField(max_length=100)
    operating_income = serializers.CharField(max_length=20)
    operating_cost = serializers.CharField(max_length=20)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ProjectChange(ProjectInput):
    region = None  # type: ignore[assignment]


class CadreInput(serializers.Serializer):
    person = serializers.IntegerField()


class VillageTotalSerializer(serializers.Serializer):
    region = serializers.CharField(source="region_id")
    village = serializers.CharField(source="region__short_name")
    township = serializers.CharField(source="region__parent__short_name")
    projects = serializers.IntegerField()
    income = serializers.DecimalField(max_digits=16, decimal_places=2)
    cost = serializers.DecimalField(max_digits=16, decimal_places=2)
    net = serializers.DecimalField(max_digits=16, decimal_places=2)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("region", str, description="region code prefix"),
    OpenApiParameter("year", YEAR, description="the year (default: last year)"),
]))
class ProjectViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin,
                     viewsets.ReadOnlyModelViewSet):
    """Collective economy projects of the villages in your jurisdiction, with the cadres who ran them."""

    serializer_class = ProjectSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_management", "manage_economy"

    def get_queryset(self) -> Any:
        if self.action == "list":
            filters = selectors.Filters.parse(self.request.query_params)
            return selectors.projects(self.request.user, filters).prefetch_related("cadres")
        return (Project.objects.visible_to(self.request.user).select_related("region").prefetch_related("cadres")
                .order_by("region_id", "id"))

    @extend_schema(request=ProjectInput, responses={201: ProjectSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ProjectInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        region = Region.objects.visible_to(request.user, "manage_economy").filter(code=values.pop("region")).first()
        if region is None:
            raise NotFound
        project = _call(services.project_create, acting_user=request.user, region=region, **values)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProjectChange, responses={200: ProjectSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = self.get_object()
        data = ProjectChange(data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        project = _call(services.project_update, acting_user=request.user, project=project, **data.validated_data)
        return Response(ProjectSerializer(project).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _call(services.project_delete, acting_user=request.user, project=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _person(self, request: Request) -> Person:
        data = CadreInput(data=request.data)
        data.is_valid(raise_exception=True)
        person = Person.objects.visible_to(request.user, "manage_economy").filter(pk=data.validated_data["person"]).first()
        if person is None:
            raise NotFound
        return person

    @extend_schema(request=CadreInput, responses={200: ProjectSerializer})
    @action(detail=True, methods=["post"], url_path="add-cadre")
    def add_cadre(self, request: Request, pk: str | None = None) -> Response:
        """Name a cadre who held a post in the project's village during its year."""
        project = self.get_object()
        _call(services.cadre_add, acting_user=request.user, project=project, person=self._person(request))
        return Response(ProjectSerializer(self.get_object()).data)

    @extend_schema(request=CadreInput, responses={200: ProjectSerializer})
    @action(detail=True, methods=["post"], url_path="remove-cadre")
    def remove_cadre(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        _call(services.cadre_remove, acting_user=request.user, project=project, person=self._person(request))
        return Response(ProjectSerializer(self.get_object()).data)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("region", str, description="region code prefix"),
    OpenApiParameter("year", YEAR, description="the year (default: last year)"),
    OpenApiParameter("order", str, enum=list(selectors.ORDERS)),
    OpenApiParameter("min_net", str, description="net income at least (yuan)"),
]))
class VillageTotalViewSet(viewsets.GenericViewSet, mixins.ListModelMixin):
    """Per village and year: the sums over its projects (as the page shows them)."""

    serializer_class = VillageTotalSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_management", "manage_economy"

    def get_queryset(self) -> Any:
        return selectors.village_totals(self.request.user, selectors.Filters.parse(self.request.query_params))


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("economy-projects", ProjectViewSet, basename="economy-project")
    router.register("economy-village-totals", VillageTotalViewSet, basename="economy-village-total")
