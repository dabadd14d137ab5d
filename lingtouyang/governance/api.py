"""Village governance in the REST API: checklists, decisions, their steps and compliance checks — the same
scoped querysets, selectors and services as the pages."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from lingtouyang.api.views import Capability, _call, _prefix_param
from lingtouyang.governance import selectors, services
from lingtouyang.governance.models import (
    Body,
    Checklist,
    ChecklistItem,
    ComplianceCheck,
    Decision,
    DecisionStep,
    Matter,
)
from lingtouyang.regions.models import Region


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "number", "aspect", "text"]
        read_only_fields = fields


class ChecklistSerializer(serializers.ModelSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = Checklist
        fields = ["id", "code", "name", "version", "effective_from", "note", "items"]
        read_only_fields = fields


class ChecklistMeasureInput(serializers.Serializer):
    aspect = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    text = serializers.CharField(max_length=500)


class ChecklistInput(serializers.Serializer):
    code = serializers.SlugField(max_length=40)
    name = serializers.CharField(max_length=200)
    effective_from = serializers.DateField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    items = ChecklistMeasureInput(many=True)


class ChecklistViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Every version of every checklist (the city's policy, read by everyone who reads decisions); POST publishes
    a new version (the city)."""

    serializer_class = ChecklistSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_management", "manage_checklists"

    def get_queryset(self) -> Any:
        return Checklist.objects.prefetch_related("items").order_by("code", "-version")

    @extend_schema(request=ChecklistInput, responses={201: ChecklistSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ChecklistInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        items = [(m["aspect"], m["text"]) for m in values.pop("items")]
        checklist = _call(services.checklist_publish, acting_user=request.user, items=items, **values)
        return Response(ChecklistSerializer(checklist).data, status=status.HTTP_201_CREATED)


MATTER_HELP = "one of: " + ", ".join(Matter.values)
BODY_HELP = "steps 3 and 4, the meeting that voted, one of: " + ", ".join(Body.values)


class DecisionStepSerializer(serializers.ModelSerializer):
    # Plain values with their meaning described: "step" and "body" are names other choice sets use.
    step = serializers.IntegerField(read_only=True, help_text="1 proposal … 6 result published")
    body = serializers.CharField(read_only=True, help_text=BODY_HELP)

    class Meta:
        model = DecisionStep
        fields = ["id", "step", "held_on", "merged", "body", "entitled", "present", "approve", "passed", "place",
                  "note"]
        read_only_fields = fields


class ComplianceCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = ComplianceCheck
        fields = ["item", "complied", "note"]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.short_name", read_only=True)
    matter = serializers.CharField(read_only=True, help_text=MATTER_HELP)

    class Meta:
        model = Decision
        fields = ["id", "region", "region_name", "title", "matter", "amount", "major", "steps_done", "failed",
                  "last_step_on"]
        read_only_fields = fields


class DecisionDetailSerializer(DecisionSerializer):
    steps = DecisionStepSerializer(many=True, read_only=True)
    checks = ComplianceCheckSerializer(many=True, read_only=True)

    class Meta(DecisionSerializer.Meta):
        fields = [*DecisionSerializer.Meta.fields, "steps", "checks"]
        read_only_fields = fields


class DecisionInput(serializers.Serializer):
    region = serializers.CharField(max_length=12, help_text="the village's code")
    title = serializers.CharField(max_length=200)
    matter = serializers.CharField(max_length=24, help_text=MATTER_HELP)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, default=None)
    major = serializers.BooleanField(required=False, default=True)


class DecisionStepInput(serializers.Serializer):
    step = serializers.IntegerField(min_value=1, max_value=6, help_text="the next step, 1–6, in order")
    held_on = serializers.DateField()
    merge = serializers.BooleanField(required=False, default=False,
                                     help_text="step 1 only: record step 2 with it (only where the party secretary is also the director)")
    body = serializers.CharField(max_length=24, required=False, allow_blank=True, default="", help_text=BODY_HELP)
    entitled = serializers.IntegerField(required=False, allow_null=True, default=None)
    present = serializers.IntegerField(required=False, allow_null=True, default=None)
    approve = serializers.IntegerField(required=False, allow_null=True, default=None)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                  help_text="steps 5 and 6: where it was published")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ComplianceAnswerInput(serializers.Serializer):
    item = serializers.IntegerField()
    complied = serializers.BooleanField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class DecisionChecksInput(serializers.Serializer):
    checklist = serializers.IntegerField(help_text="the checklist version in force on the proposal's day")
    answers = ComplianceAnswerInput(many=True)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("region", str, description="region code prefix"),
    OpenApiParameter("status", str, enum=list(selectors.STATUSES)),
    OpenApiParameter("matter", str, enum=Matter.values),
    OpenApiParameter("q", str, description="title contains"),
]))
class DecisionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Major village decisions under 四议两公开 in your jurisdiction; POST enters one; steps and checks by their
    actions."""

    serializer_class = DecisionSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_management", "record_decisions"

    def get_queryset(self) -> Any:
        params = self.request.query_params
        if params.get("region"):
            _prefix_param(params["region"])
        qs = selectors.decision_list(self.request.user, selectors.Filters.parse(params))
        return qs.prefetch_related("steps", "checks") if self.action != "list" else qs

    @extend_schema(responses={200: DecisionDetailSerializer})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(DecisionDetailSerializer(self.get_object()).data)

    @extend_schema(request=DecisionInput, responses={201: DecisionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        region = Region.objects.filter(code=values.pop("region")).first()
        if region is None:
            raise serializers.ValidationError({"region": [_("no such region")]})
        decision = _call(services.decision_create, acting_user=request.user, region=region, **values)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    def _fresh(self, decision: Decision) -> Response:
        return Response(DecisionDetailSerializer(
            Decision.objects.select_related("region").prefetch_related("steps", "checks").get(pk=decision.pk)).data)

    @extend_schema(request=DecisionStepInput, responses={200: DecisionDetailSerializer})
    @action(detail=True, methods=["post"])
    def step(self, request: Request, pk: Any = None) -> Response:
        """Record the next step; a meeting's counts are checked against its quorum rule."""
        decision = self.get_object()
        data = DecisionStepInput(data=request.data)
        data.is_valid(raise_exception=True)
        _call(services.decision_step_record, acting_user=request.user, decision=decision, **data.validated_data)
        return self._fresh(decision)

    @extend_schema(request=DecisionChecksInput, responses={200: DecisionDetailSerializer})
    @action(detail=True, methods=["post"])
    def checks(self, request: Request, pk: Any = None) -> Response:
        """Record whether the decision complied with measures of a checklist."""
        decision = self.get_object()
        data = DecisionChecksInput(data=request.data)
        data.is_valid(raise_exception=True)
        checklist = Checklist.objects.filter(pk=data.validated_data["checklist"]).first()
        if checklist is None:
            raise serializers.ValidationError({"checklist": [_("no such checklist")]})
        answers = {a["item"]: (a["complied"], a["note"]) for a in data.validated_data["answers"]}
        _call(services.decision_checks_record, acting_user=request.user, decision=decision, checklist=checklist,
              answers=answers)
        return self._fresh(decision)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("checklists", ChecklistViewSet, basename="checklist")
    router.register("decisions", DecisionViewSet, basename="decision")
