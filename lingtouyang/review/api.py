"""The joint review in the REST API: the same scoped querysets, selectors and services as the pages."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from lingtouyang.api.views import Capability, _call
from lingtouyang.review import selectors, services
from lingtouyang.review.models import Candidate, Department, ReviewRound, Rule, RuleSet, Verdict


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name"]


class RuleSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name", allow_null=True, default=None)

    class Meta:
        model = Rule
        fields = ["code", "severity", "text", "department", "automatic", "parameter", "applies_to"]


class RuleSetSerializer(serializers.ModelSerializer):
    rules = RuleSerializer(many=True, read_only=True)

    class Meta:
        model = RuleSet
        fields = ["id", "version", "effective_from", "note", "rules"]


class VerdictSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name", allow_null=True, default=None)
    rule = serializers.CharField(source="rule.code", allow_null=True, default=None)
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)

    class Meta:
        model = Verdict
        fields = ["id", "candidate", "department", "rule", "passed", "reason", "decided_by", "decided_at"]


class CandidateSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name")
    village = serializers.CharField(source="person.region_id")

    class Meta:
        model = Candidate
        fields = ["id", "person", "name", "village", "standing_for"]


class CandidateStatusSerializer(CandidateSerializer):
    status = serializers.CharField()
    verdicts = VerdictSerializer(many=True)

    class Meta(CandidateSerializer.Meta):
        fields = [*CandidateSerializer.Meta.fields, "status", "verdicts"]


class ProgressSerializer(serializers.Serializer):
    department = serializers.CharField(source="department.name")
    done = serializers.IntegerField()
    total = serializers.IntegerField()


class RoundSerializer(serializers.ModelSerializer):
    departments = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    rule_set = serializers.IntegerField(source="rule_set.version", allow_null=True, default=None)

    class Meta:
        model = ReviewRound
        fields = ["id", "region", "name", "election_date", "state", "rule_set", "departments", "close_reason"]


class RoundDetailSerializer(RoundSerializer):
    candidates = CandidateStatusSerializer(many=True)
    progress = ProgressSerializer(many=True)

    class Meta(RoundSerializer.Meta):
        fields = [*RoundSerializer.Meta.fields, "candidates", "progress"]


class VerdictInput(serializers.Serializer):
    candidate = serializers.IntegerField()
    passed = serializers.BooleanField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RuleInput(serializers.Serializer):
    """A rule as a new version gives it: for an edit, only the fields that change (besides the code)."""

    code = serializers.CharField(max_length=20)
    text = serializers.CharField(required=False, allow_blank=True)
    severity = serializers.ChoiceField(choices=Rule.Severity.choices, required=False)
    department = serializers.SlugRelatedField(slug_field="name", queryset=Department.objects.all(), required=False,
                                              allow_null=True, help_text="the attesting department's name")
    automatic = serializers.ChoiceField(choices=Rule.Check.choices, required=False, allow_blank=True)
    parameter = serializers.IntegerField(required=False, allow_null=True)
    applies_to = serializers.ChoiceField(choices=Rule.AppliesTo.choices, required=False)
    order = serializers.IntegerField(required=False, min_value=0, max_value=32767)


class PublishInput(serializers.Serializer):
    effective_from = serializers.DateField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    base_version = serializers.IntegerField(required=False, allow_null=True, default=None,
                                            help_text="the version the changes were made against; refused if a "
                                                      "newer one has been published since")
    edits = RuleInput(many=True, required=False, default=list, help_text="changed fields, by rule code")
    added = RuleInput(many=True, required=False, default=list)
    removed = serializers.ListField(child=serializers.CharField(max_length=20), required=False, default=list)

    def validate_edits(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        codes = [row["code"] for row in value]
        if len(codes) != len(set(codes)):
            raise serializers.ValidationError(_("each rule is edited at most once"))
        return value


class RuleSetViewSet(viewsets.ReadOnlyModelViewSet):
    """Published versions of the eligibility rules, newest first; POST publish/ publishes the next one."""

    serializer_class = RuleSetSerializer
    permission_classes = [Capability]
    read_capability = "view_rules"
    write_capability = "manage_rules"
    queryset = RuleSet.objects.prefetch_related("rules__department").order_by("-version")

    @extend_schema(request=PublishInput, responses={
        201: RuleSetSerializer,
        400: OpenApiResponse(description="refused, nothing published: the messages say why, by field "
                                         "(rules: one message per rule, naming it)")})
    @action(detail=False, methods=["post"])
    def publish(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A new version: the latest one with these edits, additions and removals. Versions already
        published, and the rounds and verdicts that use them, do not change."""
        data = PublishInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        edits = {row["code"]: {k: v for k, v in row.items() if k != "code"} for row in values["edits"]}
        rule_set = _call(services.ruleset_publish, acting_user=request.user, effective_from=values["effective_from"],
                         note=values["note"], base_version=values["base_version"], edits=edits,
                         added=[dict(row) for row in values["added"]], removed=values["removed"])
        rule_set = self.get_queryset().get(pk=rule_set.pk)
        return Response(RuleSetSerializer(rule_set).data, status=status.HTTP_201_CREATED)


class DepartmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = DepartmentSerializer
    permission_classes = [Capability]
    read_capability = write_capability = "view_rules"
    queryset = Department.objects.order_by("order", "id")


class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    """Review rounds in your jurisdiction; one round with its candidates, their status and verdicts."""

    serializer_class = RoundSerializer
    permission_classes = [Capability]
    read_capability = write_capability = "view_review"

    def get_queryset(self) -> Any:
        return (ReviewRound.objects.visible_to(self.request.user).select_related("rule_set")
                .prefetch_related("departments").order_by("region_id", "-id"))

    @extend_schema(responses={200: RoundDetailSerializer})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        review_round = self.get_object()
        matrix = selectors.round_matrix(review_round)
        for row in matrix.rows:
            row.candidate.status = row.status
            row.candidate.verdicts_given = [*row.automatic, *(v for v in row.cells if v is not None)]
        data = RoundSerializer(review_round).data
        data["candidates"] = [
            {**CandidateSerializer(r.candidate).data, "status": r.status,
             "verdicts": VerdictSerializer(r.candidate.verdicts_given, many=True).data} for r in matrix.rows]
        data["progress"] = ProgressSerializer(matrix.progress, many=True).data
        return Response(data)


class QueueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Candidates still waiting for your department's verdict, in your county's open rounds."""

    serializer_class = CandidateSerializer
    permission_classes = [Capability]
    read_capability = write_capability = "review_verdict"

    def get_queryset(self) -> Any:
        return selectors.reviewer_queue(self.request.user, services.reviewer_department(self.request.user))


class VerdictViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your department's verdicts in your county; POST records one (a fail needs a reason)."""

    serializer_class = VerdictSerializer
    permission_classes = [Capability]
    read_capability = write_capability = "review_verdict"

    def get_queryset(self) -> Any:
        return selectors.reviewer_done(self.request.user, services.reviewer_department(self.request.user))

    @extend_schema(request=VerdictInput, responses={201: VerdictSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = VerdictInput(data=request.data)
        data.is_valid(raise_exception=True)
        candidate = (Candidate.objects.visible_to(request.user, "review_verdict").select_related("round")
                     .filter(pk=data.validated_data["candidate"]).first())
        if candidate is None:
            raise NotFound
        verdict = _call(services.verdict_record, acting_user=request.user, candidate=candidate,
                        passed=data.validated_data["passed"], reason=data.validated_data["reason"])
        return Response(VerdictSerializer(verdict).data, status=status.HTTP_201_CREATED)
