"""Key tasks and indicators in the REST API: the same scoped querysets, selectors and services as the pages."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from lingtouyang.api.params import YEAR
from lingtouyang.api.views import Capability, _call, _prefix_param
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region
from lingtouyang.tasks import selectors, services
from lingtouyang.tasks.models import Category, Indicator, IndicatorValue, ProgressUpdate, State, Task


class ProgressUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressUpdate
        fields = ["id", "on", "percent", "note"]
        read_only_fields = fields


CATEGORY_HELP = "one of: " + ", ".join(Category.values)
STATE_HELP = "one of: " + ", ".join(State.values)


class TaskSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.short_name", read_only=True)
    # Plain strings with their values described: "category" and "state" name other choice sets elsewhere.
    category = serializers.CharField(read_only=True, help_text=CATEGORY_HELP)
    state = serializers.CharField(read_only=True, help_text=STATE_HELP)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = ["id", "region", "region_name", "title", "category", "owners", "responsible", "start", "deadline",
                  "progress", "state", "done_on", "cancel_reason", "overdue"]
        read_only_fields = fields

    def get_overdue(self, obj: Task) -> bool:
        return obj.is_overdue()


class TaskDetailSerializer(TaskSerializer):
    updates = ProgressUpdateSerializer(many=True, read_only=True)

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "updates"]
        read_only_fields = fields


class TaskInput(serializers.Serializer):
    region = serializers.CharField(max_length=12)
    title = serializers.CharField(max_length=200)
    category = serializers.CharField(max_length=16, help_text=CATEGORY_HELP)
    start = serializers.DateField()
    deadline = serializers.DateField()
    responsible = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    owners = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                   help_text="person ids on your roster, registered in the task's region")


class TaskProgressInput(serializers.Serializer):
    on = serializers.DateField()
    percent = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TaskCancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


def _people(request: Request, ids: list[int]) -> list[Person]:
    found = list(Person.objects.visible_to(request.user, "manage_tasks").filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise serializers.ValidationError({"owners": [_("no such person on your roster")]})
    return found


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("region", str, description="region code prefix"),
    OpenApiParameter("state", str, enum=[*State.values, selectors.OVERDUE]),
    OpenApiParameter("category", str, enum=Category.values),
    OpenApiParameter("q", str, description="title contains"),
]))
class TaskViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Key tasks in your jurisdiction (any level); POST adds one; progress moves only by progress reports."""

    serializer_class = TaskSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_management", "manage_tasks"

    def get_queryset(self) -> Any:
        params = self.request.query_params
        if params.get("region"):
            _prefix_param(params["region"])
        qs = selectors.task_list(self.request.user, selectors.Filters.parse(params))
        return qs.prefetch_related("updates") if self.action != "list" else qs

    @extend_schema(responses={200: TaskDetailSerializer})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(TaskDetailSerializer(self.get_object()).data)

    @extend_schema(request=TaskInput, responses={201: TaskSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = TaskInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        region = Region.objects.filter(code=values.pop("region")).first()
        if region is None:
            raise serializers.ValidationError({"region": [_("no such region")]})
        owners = _people(request, values.pop("owners"))
        task = _call(services.task_create, acting_user=request.user, region=region, owners=owners, **values)
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TaskProgressInput, responses={200: TaskDetailSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: Any = None) -> Response:
        """Report progress (date, per cent, note); at 100 the task is done on that date."""
        task = self.get_object()
        data = TaskProgressInput(data=request.data)
        data.is_valid(raise_exception=True)
        _call(services.task_progress, acting_user=request.user, task=task, **data.validated_data)
        return Response(TaskDetailSerializer(Task.objects.prefetch_related("updates").get(pk=task.pk)).data)

    @extend_schema(request=TaskCancelInput, responses={200: TaskSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: Any = None) -> Response:
        task = self.get_object()
        data = TaskCancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        task = _call(services.task_cancel, acting_user=request.user, task=task, reason=data.validated_data["reason"])
        return Response(TaskSerializer(task).data)


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "code", "name", "unit", "cumulative"]
        read_only_fields = fields


class IndicatorViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The indicators counted (definitions: data kept by the city)."""

    serializer_class = IndicatorSerializer
    permission_classes = [Capability]
    read_capability = write_capability = "view_management"
    pagination_class = None

    def get_queryset(self) -> Any:
        return Indicator.objects.all()


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)

    class Meta:
        model = IndicatorValue
        fields = ["id", "indicator", "indicator_code", "region", "year", "month", "value", "note"]
        read_only_fields = fields


class IndicatorValueInput(serializers.Serializer):
    indicator = serializers.SlugField(help_text="the indicator's code, e.g. roads_km")
    region = serializers.CharField(max_length=12)
    year = serializers.IntegerField()
    month = serializers.IntegerField(required=False, default=0, help_text="1–12, or 0 for the whole year")
    value = serializers.CharField(max_length=20, help_text="a decimal number, e.g. 12.5")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("region", str, description="region code prefix: values recorded there and below"),
    OpenApiParameter("indicator", str, description="indicator code"),
    OpenApiParameter("year", YEAR),
]))
class IndicatorValueViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Indicator values recorded in your jurisdiction; POST records (or replaces) one region's value for a
    period."""

    serializer_class = IndicatorValueSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_management", "manage_tasks"

    def get_queryset(self) -> Any:
        params = self.request.query_params
        qs = IndicatorValue.objects.visible_to(self.request.user).select_related("indicator")
        if params.get("region"):
            qs = qs.within(_prefix_param(params["region"]))
        if params.get("indicator"):
            qs = qs.filter(indicator__code=params["indicator"])
        if (year := params.get("year", "")).isdigit() and len(year) == 4:
            qs = qs.filter(year=int(year))
        return qs.order_by("region_id", "indicator_id", "year", "month")

    @extend_schema(request=IndicatorValueInput, responses={201: IndicatorValueSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = IndicatorValueInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        indicator = Indicator.objects.filter(code=values.pop("indicator")).first()
        region = Region.objects.filter(code=values.pop("region")).first()
        if indicator is None:
            raise serializers.ValidationError({"indicator": [_("no such indicator")]})
        if region is None:
            raise serializers.ValidationError({"region": [_("no such region")]})
        row = _call(services.indicator_value_record, acting_user=request.user, indicator=indicator, region=region,
                    **values)
        return Response(IndicatorValueSerializer(row).data, status=status.HTTP_201_CREATED)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("tasks", TaskViewSet, basename="task")
    router.register("indicators", IndicatorViewSet, basename="indicator")
    router.register("indicator-values", IndicatorValueViewSet, basename="indicator-value")
