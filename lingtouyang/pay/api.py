"""Pay in the REST API, read-only: policies, runs and slips with their lines, through the same scoped
selectors as the pages. A cadre's account reads its own slips only."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers, viewsets
from rest_framework.routers import DefaultRouter

from lingtouyang.api.views import Capability
from lingtouyang.pay import selectors
from lingtouyang.pay.models import Line, PayPolicy, PayrollRun, PolicyRate, Slip


class PayRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyRate
        fields = ["kind", "key", "value"]


class PayPolicySerializer(serializers.ModelSerializer):
    rates = PayRateSerializer(many=True, read_only=True)

    class Meta:
        model = PayPolicy
        fields = ["id", "region", "effective_from", "effective_to", "deputy_share", "raise_percent",
                  "raise_compounds", "incentive_threshold", "incentive_share", "incentive_cap", "note", "rates"]
        read_only_fields = fields


class PayrollRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = PayrollRun
        fields = ["id", "region", "year", "month", "state", "reference_date", "slips", "lines", "total",
                  "started_at", "finished_at", "policies"]
        read_only_fields = fields


class PaySlipLineSerializer(serializers.ModelSerializer):
    explanation = serializers.SerializerMethodField()

    class Meta:
        model = Line
        fields = ["rule", "figures", "amount", "explanation"]

    @extend_schema_field(serializers.CharField())
    def get_explanation(self, line: Line) -> str:
        return line.explanation


class PaySlipSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    lines = PaySlipLineSerializer(many=True, read_only=True)

    class Meta:
        model = Slip
        fields = ["id", "run", "person", "name", "region", "post", "total", "lines"]
        read_only_fields = fields


class PolicyViewSet(viewsets.ReadOnlyModelViewSet):
    """Pay policy versions of your counties, with their rates."""

    serializer_class = PayPolicySerializer
    permission_classes = [Capability]
    read_capability = write_capability = "view_pay"

    def get_queryset(self) -> Any:
        return selectors.policies(self.request.user).order_by("region_id", "-effective_from")


class RunViewSet(viewsets.ReadOnlyModelViewSet):
    """Payroll runs over your region or the regions above it."""

    serializer_class = PayrollRunSerializer
    permission_classes = [Capability]
    read_capability = write_capability = "view_pay"

    def get_queryset(self) -> Any:
        return selectors.runs(self.request.user).order_by("-started_at", "-id")


class SlipViewSet(viewsets.ReadOnlyModelViewSet):
    """Pay slips of your jurisdiction (view_pay), or your own: a cadre's account sees only its person's."""

    serializer_class = PaySlipSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> Any:
        return (selectors.slips(self.request.user).select_related("person").prefetch_related("lines")
                .order_by("-run_id", "region_id", "person_id"))


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("pay-policies", PolicyViewSet, basename="pay-policy")
    router.register("payroll-runs", RunViewSet, basename="payroll-run")
    router.register("pay-slips", SlipViewSet, basename="pay-slip")
