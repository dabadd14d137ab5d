"""Village affairs disclosure (村务公开) in the REST API: the same scoped querysets and services as the pages.

Back office (login): `disclosure-catalogue` (read: view_disclosure; add: manage_catalogue), `disclosure`
(drafts and published, scoped; create a draft, `move` along the workflow), `disclosure-ledger` (entries).
Public (no login, published data only): `public-disclosure` and `public-ledger` (with `verify`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from lingtouyang.api.params import YEAR
from lingtouyang.api.views import Capability, _call
from lingtouyang.core.scope import parse_prefix
from lingtouyang.disclosure import ledger, selectors, services
from lingtouyang.disclosure.models import Attachment, CatalogueItem, Disclosure, FinanceLine, LedgerEntry
from lingtouyang.regions.models import Level, Region

State = Disclosure.State


# Choice fields are plain strings with their values listed: several apps have fields named kind, state and
# category, and one schema name per choice set is kept without a project-wide override.
STATES = " | ".join(State.values)


class CatalogueItemSerializer(serializers.ModelSerializer):
    category = serializers.CharField(max_length=10, help_text="party | village | finance | service")
    frequency = serializers.CharField(max_length=15,
                                      help_text="monthly | quarterly | half_yearly | yearly | on_occurrence")

    class Meta:
        model = CatalogueItem
        fields = ["id", "region_code", "code", "version", "effective_from", "retired", "category", "title",
                  "description", "frequency", "is_finance", "has_personal_data", "due_day", "due_months_after",
                  "note"]
        read_only_fields = ["region_code", "version", "retired"]


class CatalogueItemViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The disclosure catalogue: the city's items and your county's own, every version."""

    serializer_class = CatalogueItemSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_disclosure", "manage_catalogue"

    def get_queryset(self) -> Any:
        return selectors.catalogue_for(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CatalogueItemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = _call(services.catalogue_item_add, acting_user=request.user, **data.validated_data)
        return Response(CatalogueItemSerializer(item).data, status=status.HTTP_201_CREATED)


class LineSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="income | expense")

    class Meta:
        model = FinanceLine
        fields = ["kind", "subject", "amount"]


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "sha256", "url"]

    def get_url(self, obj: Attachment) -> str:
        name = "disclosure:public_attachment" if self.context.get("public") else "disclosure:attachment"
        return reverse(name, kwargs={"attachment_id": obj.pk})


class PublicDisclosureSerializer(serializers.ModelSerializer):
    village = serializers.CharField(source="region_id", read_only=True)
    village_name = serializers.CharField(source="region.short_name", read_only=True)
    item_code = serializers.CharField(source="item.code", read_only=True)
    item_title = serializers.CharField(source="item.title", read_only=True)
    category = serializers.CharField(source="item.category", read_only=True)
    lines = LineSerializer(many=True, read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Disclosure
        fields = ["id", "village", "village_name", "item_key", "item_code", "item_title", "category",
                  "period_label", "period_start", "period_end", "title", "body", "tables", "opening_balance",
                  "closing_balance", "lines", "attachments", "version", "corrects", "correction_reason",
                  "published_at"]

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, obj: Disclosure) -> list[dict[str, Any]]:
        return AttachmentSerializer(obj.attachments.all(), many=True, context=self.context).data


class DisclosureSerializer(PublicDisclosureSerializer):
    state = serializers.CharField(read_only=True, help_text=STATES)

    class Meta(PublicDisclosureSerializer.Meta):
        fields = [*PublicDisclosureSerializer.Meta.fields, "state", "return_reason", "created_at"]


class LineInput(serializers.Serializer):
    kind = serializers.CharField(max_length=7, help_text="income | expense")
    subject = serializers.CharField(max_length=100)
    amount = serializers.CharField(max_length=20, help_text="yuan, at most two decimals, as a string")


class DraftInput(serializers.Serializer):
    item = serializers.IntegerField(help_text="catalogue item id (the version in force is used)")
    period_start = serializers.DateField(help_text="a day in the period (on-occurrence items: the date)")
    period_label = serializers.CharField(max_length=40, required=False, default="")
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, default="", allow_blank=True)
    tables = serializers.JSONField(required=False, default=list)
    opening_balance = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    closing_balance = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    lines = LineInput(many=True, required=False, default=list)


class MoveInput(serializers.Serializer):
    to = serializers.CharField(max_length=10, help_text=f"the next state ({STATES}); draft returns it with a reason")
    reason = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("region", str, description="village code or region prefix"),
    OpenApiParameter("state", str), OpenApiParameter("item", str, description="item code"),
]))
class DisclosureViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Disclosures of your jurisdiction in every state. A village cadre creates drafts; `move` is one step of
    the workflow (each step's capability is checked by the service)."""

    serializer_class = DisclosureSerializer
    permission_classes = [Capability]
    read_capability = write_capability = "view_disclosure"

    def get_queryset(self) -> Any:
        qs = selectors.with_content(Disclosure.objects.visible_to(self.request.user)).order_by("region_id", "-id")
        params = self.request.query_params
        prefix = parse_prefix(params.get("region", ""))
        if prefix is None:
            raise ValidationError({"region": [_("A region code has up to 12 digits.")]})
        qs = qs.within(prefix)
        if params.get("state"):
            qs = qs.filter(state=params["state"])
        if params.get("item"):
            qs = qs.filter(item__code=params["item"].upper())
        return qs

    @extend_schema(request=DraftInput, responses={201: DisclosureSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = DraftInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        region = request.user.region if request.user.region_id else None
        if region is None or region.level != Level.VILLAGE:
            raise ValidationError(_("only a village's account drafts its disclosures"))
        item = CatalogueItem.objects.filter(pk=values.pop("item")).first()
        if item is None or not services.applies_to(item, region.code):
            raise ValidationError({"item": [_("this item is not in this village's catalogue")]})
        d = _call(services.disclosure_create, acting_user=request.user, village=region, item=item, **values)
        return Response(DisclosureSerializer(d).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MoveInput, responses={200: DisclosureSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        d = self.get_object()
        data = MoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        to, reason = data.validated_data["to"], data.validated_data["reason"]
        if to == State.DRAFT:
            _call(services.disclosure_return, acting_user=request.user, disclosure=d, reason=reason)
        else:
            step = {State.SUBMITTED: services.disclosure_submit, State.REVIEWED: services.disclosure_review,
                    State.APPROVED: services.disclosure_approve, State.PUBLISHED: services.disclosure_publish}
            if to not in step:
                raise ValidationError({"to": [_("no such step")]})
            _call(step[to], acting_user=request.user, disclosure=d)
        return Response(DisclosureSerializer(self.get_queryset().get(pk=d.pk)).data)


class LedgerEntrySerializer(serializers.ModelSerializer):
    village = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        model = LedgerEntry
        fields = ["id", "village", "seq", "disclosure", "algorithm", "content_hash", "prev_hash", "entry_hash",
                  "recorded_at"]


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("village", str, description="village code")]))
class LedgerEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The ledger's entries in your jurisdiction."""

    serializer_class = LedgerEntrySerializer
    permission_classes = [Capability]
    read_capability = write_capability = "view_disclosure"

    def get_queryset(self) -> Any:
        qs = LedgerEntry.objects.visible_to(self.request.user).order_by("region_id", "seq")
        village = self.request.query_params.get("village", "")
        return qs.filter(region_id=village) if village else qs


# --- public, no login ------------------------------------------------------------------------------------


def _village_param(request: Request, required: bool = False) -> str:
    raw = request.query_params.get("village", "").strip()
    if not raw and not required:
        return ""
    if not (raw.isascii() and raw.isdigit() and len(raw) == 12):
        raise ValidationError({"village": [_("give a village's 12-digit code")]})
    return raw


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("village", str, description="village code (12 digits)"),
    OpenApiParameter("item", str, description="item code"),
    OpenApiParameter("year", YEAR, description="periods starting in this year"),
    OpenApiParameter("all_versions", bool, description="include versions replaced by a correction"),
]))
class PublicDisclosureViewSet(viewsets.ReadOnlyModelViewSet):
    """Published disclosures, for anyone: nothing else is ever returned (a draft, or a disclosure in review,
    is 404 like a missing one). Residents' ID numbers are masked, phone numbers absent."""

    serializer_class = PublicDisclosureSerializer
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "public": True}

    def get_queryset(self) -> Any:
        qs = Disclosure.objects.published()
        params = self.request.query_params
        if self.action == "list" and params.get("all_versions") not in ("1", "true"):
            qs = qs.current()
        village = _village_param(self.request)
        if village:
            qs = qs.filter(region_id=village)
        if params.get("item"):
            qs = qs.filter(item__code=params["item"].upper()[:20])
        year = params.get("year", "")
        if year:
            if not (year.isdigit() and len(year) == 4):
                raise ValidationError({"year": [_("a year has four digits")]})
            qs = qs.filter(period_start__year=int(year))
        return selectors.with_content(qs).order_by("region_id", "-period_start", "-id")


class VerifySerializer(serializers.Serializer):
    village = serializers.CharField()
    ok = serializers.BooleanField()
    entries = serializers.IntegerField()
    first_bad_entry = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
    head_hash = serializers.CharField()
    matches_your_head = serializers.BooleanField(allow_null=True, required=False)


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("village", str, description="village code (12 digits)")]))
class PublicLedgerViewSet(viewsets.ReadOnlyModelViewSet):
    """A village's ledger entries, for anyone, and `verify`: the chain re-computed now from what is shown."""

    serializer_class = LedgerEntrySerializer
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []

    def get_queryset(self) -> Any:
        qs = LedgerEntry.objects.order_by("region_id", "seq")
        village = _village_param(self.request)
        return qs.filter(region_id=village) if village else qs

    @extend_schema(parameters=[
        OpenApiParameter("village", str, required=True, description="village code (12 digits)"),
        OpenApiParameter("head_hash", str, description="a head you hold (from a notice board): is it in the chain?"),
    ], responses={200: VerifySerializer})
    @action(detail=False, methods=["get"])
    def verify(self, request: Request, format: str | None = None) -> Response:  # noqa: A002 - DRF suffix
        """Only a village code is taken from the request; everything else is re-computed from the database,
        so a forged request can change nothing and learn nothing but the chain's state."""
        code = _village_param(request, required=True)
        if not Region.objects.filter(code=code, level=Level.VILLAGE).exists():
            raise NotFound(_("no such village"))
        result = ledger.verify_village(code)
        data = {"village": result.village, "ok": result.ok, "entries": result.entries,
                "first_bad_entry": result.first_bad_entry, "reason": result.reason, "head_hash": result.head_hash}
        held = request.query_params.get("head_hash", "").strip().lower()
        if held:
            if len(held) != 64 or any(ch not in "0123456789abcdef" for ch in held):
                raise ValidationError({"head_hash": [_("a head hash is 64 hexadecimal characters")]})
            data["matches_your_head"] = result.ok and LedgerEntry.objects.filter(region_id=code,
                                                                                entry_hash=held).exists()
        return Response(VerifySerializer(data).data)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("disclosure-catalogue", CatalogueItemViewSet, basename="disclosure-catalogue")
    router.register("disclosures", DisclosureViewSet, basename="disclosure")
    router.register("disclosure-ledger", LedgerEntryViewSet, basename="disclosure-ledger")
    router.register("public/disclosures", PublicDisclosureViewSet, basename="public-disclosure")
    router.register("public/ledger", PublicLedgerViewSet, basename="public-ledger")
