"""The joint review in the REST API: the same scoped querysets, selectors and services as the pages."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
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


class RuleSetViewSet(viewsets.ReadOnlyModelViewSet):
    """Published versions of the eligibility rules, newest first."""

    serializer_class = RuleSetSerializer
    permission_classes = [Capability]
    read_capability = write_capability = "view_rules"
    queryset = RuleSet.objects.prefetch_related("rules__department").order_by("-version")


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
