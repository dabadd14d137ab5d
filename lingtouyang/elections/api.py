"""Term elections in the REST API: the same scoped querysets, selectors and services as the pages."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from lingtouyang.api.params import YEAR
from lingtouyang.api.views import Capability, _call, _prefix_param
from lingtouyang.elections import selectors, services
from lingtouyang.elections.models import Election, ElectionCandidate
from lingtouyang.people.codes import Post
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region


class ElectionCandidateSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = ElectionCandidate
        fields = ["id", "election", "person", "name", "post", "votes"]


class ElectionSerializer(serializers.ModelSerializer):
    village = serializers.CharField(source="region.short_name", read_only=True)

    class Meta:
        model = Election
        fields = ["id", "region", "village", "term", "kind", "election_date", "seats", "electorate", "ballots_cast",
                  "state", "cancel_reason"]


class ElectionOutcomeSerializer(serializers.Serializer):
    post = serializers.CharField()
    seats = serializers.IntegerField()
    winners = serializers.ListField(child=serializers.IntegerField(), help_text="candidate ids, most votes first")
    unfilled = serializers.IntegerField(help_text="seats left for a further election")
    tie = serializers.BooleanField()


class ElectionDetailSerializer(ElectionSerializer):
    valid = serializers.BooleanField(allow_null=True)
    candidates = ElectionCandidateSerializer(many=True)
    outcomes = ElectionOutcomeSerializer(many=True)

    class Meta(ElectionSerializer.Meta):
        fields = [*ElectionSerializer.Meta.fields, "valid", "candidates", "outcomes"]


class ElectionInput(serializers.Serializer):
    region = serializers.CharField(max_length=12)
    kind = serializers.ChoiceField(choices=Election.Kind.choices)
    election_date = serializers.DateField()
    seats = serializers.DictField(child=serializers.IntegerField(), required=False,
                                  help_text="seats by post, beside the policy's defaults")


class ResultsInput(serializers.Serializer):
    electorate = serializers.IntegerField(min_value=0)
    ballots_cast = serializers.IntegerField(min_value=0)
    votes = serializers.DictField(child=serializers.IntegerField(min_value=0),
                                  help_text="votes by candidate id, for every candidate of the election")

    def validate_votes(self, value: dict[str, int]) -> dict[int, int]:
        if not all(key.isascii() and key.isdigit() and int(key) < 2**63 for key in value):
            raise serializers.ValidationError(_("candidates are given by their numeric id"))
        return {int(key): votes for key, votes in value.items()}


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class ElectionCandidateInput(serializers.Serializer):
    election = serializers.IntegerField()
    person = serializers.IntegerField()
    post = serializers.ChoiceField(choices=Post.choices)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("region", str, description="region code prefix within your jurisdiction"),
    OpenApiParameter("term", YEAR), OpenApiParameter("state", str, enum=Election.State.values),
]))
class ElectionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Term elections in your jurisdiction; one election with its candidates and outcome; POST plans one."""

    serializer_class = ElectionSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_elections", "manage_elections"

    def get_queryset(self) -> Any:
        params = self.request.query_params
        region = _prefix_param(params["region"]) if params.get("region") else ""
        term = params.get("term", "")
        return selectors.election_list(self.request.user, region=region, state=params.get("state", ""),
                                       term=int(term) if term.isascii() and term.isdigit() and len(term) == 4 else None)

    @extend_schema(responses={200: ElectionDetailSerializer})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        election = self.get_object()
        results = selectors.election_results(election)
        data = dict(ElectionSerializer(election).data)
        data["valid"] = results.valid
        data["candidates"] = ElectionCandidateSerializer(results.candidates, many=True).data
        data["outcomes"] = [{"post": p.post, "seats": p.seats, "winners": list(p.outcome.winners),
                             "unfilled": p.outcome.unfilled, "tie": p.outcome.tie}
                            for p in results.posts if p.outcome is not None]
        return Response(data)

    @extend_schema(request=ElectionInput, responses={201: ElectionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ElectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        region = Region.objects.filter(code=values.pop("region")).first()
        if region is None:
            raise serializers.ValidationError({"region": [_("no such village or community")]})
        election = _call(services.election_create, acting_user=request.user, region=region, **values)
        return Response(ElectionSerializer(election).data, status=status.HTTP_201_CREATED)


    @extend_schema(request=ResultsInput, responses={200: ElectionSerializer})
    @action(detail=True, methods=["post"])
    def results(self, request: Request, pk: Any = None) -> Response:
        """Record (or, until certified, correct) the electorate, the ballots cast and every candidate's votes."""
        election = self.get_object()
        data = ResultsInput(data=request.data)
        data.is_valid(raise_exception=True)
        election = _call(services.results_record, acting_user=request.user, election=election, **data.validated_data)
        return Response(ElectionSerializer(election).data)

    @extend_schema(request=None, responses={200: ElectionSerializer})
    @action(detail=True, methods=["post"])
    def certify(self, request: Request, pk: Any = None) -> Response:
        """The county certifies a valid election: the winners' posts for the new term are made."""
        if not request.user.has_capability("certify_elections"):
            raise PermissionDenied(_("only the county organisation department certifies elections"))
        election = self.get_object()
        _call(services.election_certify, acting_user=request.user, election=election)
        election.refresh_from_db()
        return Response(ElectionSerializer(election).data)

    @extend_schema(request=CancelInput, responses={200: ElectionSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: Any = None) -> Response:
        """Cancel an election not yet certified, saying why."""
        election = self.get_object()
        data = CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        election = _call(services.election_cancel, acting_user=request.user, election=election,
                         reason=data.validated_data["reason"])
        return Response(ElectionSerializer(election).data)


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("election", int, description="one election's candidates")]))
class ElectionCandidateViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Candidates of elections in your jurisdiction; POST adds one (cleared by the joint review)."""

    serializer_class = ElectionCandidateSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_elections", "manage_elections"

    def get_queryset(self) -> Any:
        qs = ElectionCandidate.objects.visible_to(self.request.user).select_related("person").order_by(
            "election_id", "post", "id")
        election = self.request.query_params.get("election", "")
        if election:
            if not (election.isascii() and election.isdigit() and int(election) < 2**63):
                raise serializers.ValidationError({"election": [_("an election is given by its numeric id")]})
            qs = qs.filter(election_id=int(election))
        return qs

    @extend_schema(request=ElectionCandidateInput, responses={201: ElectionCandidateSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ElectionCandidateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        # Out of scope reads exactly like "does not exist".
        election = (Election.objects.visible_to(request.user, "manage_elections").select_related("region")
                    .filter(pk=values["election"]).first())
        if election is None:
            raise NotFound
        person = Person.objects.visible_to(request.user).filter(pk=values["person"]).first()
        if person is None:
            raise serializers.ValidationError({"person": [_("no such person on your roster")]})
        candidate = _call(services.candidate_add, acting_user=request.user, election=election, person=person,
                          post=values["post"])
        return Response(ElectionCandidateSerializer(candidate).data, status=status.HTTP_201_CREATED)
