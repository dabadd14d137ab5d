"""Residents' feedback in the REST API: the back office's threads (scoped, with answer and moderation actions,
through the same services as the pages) and a public read-only view with no personal data at all."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from lingtouyang.api.views import Capability, _call
from lingtouyang.core.scope import get_visible_or_404
from lingtouyang.oversight import selectors, services
from lingtouyang.oversight.models import Answer, State, Thread


class AnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Answer
        fields = ["by", "body", "created_at"]
        read_only_fields = fields


class ThreadSerializer(serializers.ModelSerializer):
    """Back office: everything but the phone number (it stays on the thread's page) and the address hash."""

    answers = AnswerSerializer(many=True, read_only=True)
    current_state = serializers.ChoiceField(choices=State.choices, read_only=True)
    hidden = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Thread
        fields = ["id", "reference", "region", "disclosure", "kind", "body", "contact_name", "state", "current_state",
                  "submitted_at", "village_due", "township_due", "escalated_at", "closed_at", "hidden",
                  "hidden_reason", "overdue", "answers"]
        read_only_fields = fields

    def get_hidden(self, obj: Thread) -> bool:
        return obj.is_hidden

    def get_overdue(self, obj: Thread) -> bool:
        return obj.is_overdue()


class PublicThreadSerializer(serializers.ModelSerializer):
    """What anyone may read: the text and answers of a visible thread and its status; never a name, a phone
    number or who answered by name. A hidden thread has no text and no answers."""

    village = serializers.CharField(source="region_id", read_only=True)
    status = serializers.ChoiceField(choices=State.choices, source="current_state", read_only=True)
    hidden = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()

    class Meta:
        model = Thread
        fields = ["reference", "village", "disclosure", "kind", "body", "status", "hidden", "submitted_at",
                  "village_due", "township_due", "answers"]
        read_only_fields = fields

    def get_hidden(self, obj: Thread) -> bool:
        return obj.is_hidden

    def get_body(self, obj: Thread) -> str:
        return "" if obj.is_hidden else obj.body

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, obj: Thread) -> list[dict[str, Any]]:
        return [] if obj.is_hidden else AnswerSerializer(obj.answers.all(), many=True).data


class AnswerInput(serializers.Serializer):
    body = serializers.CharField(max_length=services.ANSWER_MAX)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=services.REASON_MAX)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("region", str, description="region code prefix"),
    OpenApiParameter("show", str, enum=[*selectors.VIEWS, *State.values]),
    OpenApiParameter("kind", str, enum=["question", "complaint"]),
]))
class ThreadViewSet(viewsets.ReadOnlyModelViewSet):
    """Residents' questions and complaints in your jurisdiction. POST actions answer (the village while open,
    its township once escalated) and moderate (township, county)."""

    serializer_class = ThreadSerializer
    permission_classes = [Capability]
    read_capability = write_capability = "view_disclosure"

    def get_queryset(self) -> Any:
        return (selectors.thread_list(self.request.user, selectors.Filters.parse(self.request.query_params))
                .prefetch_related("answers"))

    def _thread(self, capability: str) -> Thread:
        return get_visible_or_404(Thread.objects.all(), self.request.user, capability, pk=self.kwargs["pk"])

    @extend_schema(request=AnswerInput, responses={200: ThreadSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        thread = self._thread("answer_feedback")
        data = AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        _call(services.feedback_answer, acting_user=request.user, thread=thread, body=data.validated_data["body"])
        return Response(ThreadSerializer(Thread.objects.get(pk=thread.pk)).data)

    def _moderate(self, request: Request, service: Any, with_reason: bool = True) -> Response:
        thread = self._thread("moderate_feedback")
        kwargs: dict[str, Any] = {}
        if with_reason:
            data = ReasonInput(data=request.data)
            data.is_valid(raise_exception=True)
            kwargs["reason"] = data.validated_data["reason"]
        _call(service, acting_user=request.user, thread=thread, **kwargs)
        return Response(ThreadSerializer(Thread.objects.get(pk=thread.pk)).data)

    @extend_schema(request=ReasonInput, responses={200: ThreadSerializer})
    @action(detail=True, methods=["post"])
    def hide(self, request: Request, pk: str | None = None) -> Response:
        return self._moderate(request, services.feedback_hide)

    @extend_schema(request=ReasonInput, responses={200: ThreadSerializer})
    @action(detail=True, methods=["post"])
    def unhide(self, request: Request, pk: str | None = None) -> Response:
        return self._moderate(request, services.feedback_unhide)

    @extend_schema(request=None, responses={200: ThreadSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._moderate(request, services.feedback_close, with_reason=False)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("village", str, description="a village's 12-digit code"),
]))
class PublicThreadViewSet(viewsets.ReadOnlyModelViewSet):
    """Public, no login: a village's threads and their status, or one thread by its reference number."""

    serializer_class = PublicThreadSerializer
    permission_classes = [permissions.AllowAny]
    authentication_classes: list[Any] = []
    lookup_field = "reference"

    def get_queryset(self) -> Any:
        village = self.request.query_params.get("village", "")
        if self.action == "list" and not (village.isdigit() and len(village) == 12):
            return Thread.objects.none()
        qs = Thread.objects.only(*selectors.PUBLIC_FIELDS).prefetch_related(
            selectors._public_answers()).order_by("-submitted_at", "-id")
        return qs.filter(region_id=village) if self.action == "list" else qs

    def get_object(self) -> Thread:
        found = selectors.public_thread(services.normalise_reference(self.kwargs["reference"]))
        if found is None:
            raise NotFound
        return found


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("feedback-threads", ThreadViewSet, basename="oversight-thread")
    router.register("public/feedback", PublicThreadViewSet, basename="public-feedback")
