"""Public recruitment in the REST API: the same scoped querysets, selectors and services as the pages."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from lingtouyang.api.views import Capability, _call
from lingtouyang.people.codes import EDUCATION_CHOICES, ETHNICITY_CHOICES, POLITICAL_STATUS_CHOICES, Source
from lingtouyang.recruitment import eligibility, services
from lingtouyang.recruitment.models import Application, Campaign, CampaignPost, Duty


class CampaignPostSerializer(serializers.ModelSerializer):
    village = serializers.CharField(source="region_id")

    class Meta:
        model = CampaignPost
        fields = ["id", "village", "post", "places"]


class CampaignSerializer(serializers.ModelSerializer):
    posts = CampaignPostSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "region", "name", "state", "reference_date", "max_age", "min_education", "required_sources",
                  "party_member_required", "manual_conditions", "written_weight", "interview_weight",
                  "interview_ratio", "notice_workdays", "duties", "term", "notice_start", "notice_end", "hired_on",
                  "cancel_reason", "posts"]
        read_only_fields = fields


class CampaignInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    reference_date = serializers.DateField()
    max_age = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    min_education = serializers.ChoiceField(choices=EDUCATION_CHOICES, required=False, allow_blank=True, default="")
    required_sources = serializers.ListField(child=serializers.ChoiceField(choices=Source.choices), required=False,
                                             default=list)
    party_member_required = serializers.BooleanField(required=False, default=False)
    manual_conditions = serializers.CharField(required=False, allow_blank=True, default="")
    written_weight = serializers.IntegerField(min_value=0, max_value=100, default=50)
    interview_weight = serializers.IntegerField(min_value=0, max_value=100, default=50)
    interview_ratio = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    notice_workdays = serializers.IntegerField(min_value=0, default=5)
    duties = serializers.ListField(child=serializers.ChoiceField(choices=Duty.choices), required=False, default=list)
    term = serializers.IntegerField(required=False, allow_null=True)


class ApplicationSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name")
    id_masked = serializers.CharField(source="person.id_masked")
    village = serializers.CharField(source="campaign_post.region_id")
    eligible = serializers.SerializerMethodField()
    eligibility_failures = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["id", "campaign", "campaign_post", "person", "name", "id_masked", "village", "submitted_on",
                  "eligible", "eligibility_failures", "manual_passed", "manual_reason", "written_score",
                  "interview_score", "proposed", "status", "withdrawn_reason", "duties"]

    def get_eligible(self, obj: Application) -> bool:
        return obj.eligible

    def get_eligibility_failures(self, obj: Application) -> list[str]:
        return [eligibility.reason(f, obj.campaign.reference_date) for f in obj.auto_failures]


class ApplicationInput(serializers.Serializer):
    campaign = serializers.IntegerField()
    campaign_post = serializers.IntegerField()
    id_number = serializers.CharField(max_length=30)
    submitted_on = serializers.DateField()
    name = serializers.CharField(max_length=50, required=False, default="")
    ethnicity = serializers.ChoiceField(choices=ETHNICITY_CHOICES, required=False, default="01")
    political_status = serializers.ChoiceField(choices=POLITICAL_STATUS_CHOICES, required=False, default="13")
    education = serializers.ChoiceField(choices=EDUCATION_CHOICES, required=False, default="60")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    source = serializers.ChoiceField(choices=Source.choices, required=False, default=Source.MIGRANT_WORKER)


class CampaignViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Recruitment campaigns in your jurisdiction; POST creates a draft for your county."""

    serializer_class = CampaignSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_recruitment", "run_recruitment"

    def get_queryset(self) -> Any:
        return (Campaign.objects.visible_to(self.request.user).prefetch_related("posts")
                .order_by("region_id", "-id"))

    @extend_schema(request=CampaignInput, responses={201: CampaignSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CampaignInput(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = _call(services.campaign_create, acting_user=request.user, region=request.user.region,
                         **data.validated_data)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)


class ApplicationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Applications to the campaigns in your jurisdiction (?campaign= narrows); POST records one."""

    serializer_class = ApplicationSerializer
    permission_classes = [Capability]
    read_capability, write_capability = "view_recruitment", "run_recruitment"

    def get_queryset(self) -> Any:
        qs = (Application.objects.visible_to(self.request.user)
              .select_related("person", "campaign", "campaign_post").order_by("campaign_id", "id"))
        campaign = self.request.query_params.get("campaign", "")
        return qs.filter(campaign_id=int(campaign)) if campaign.isdigit() else qs

    @extend_schema(request=ApplicationInput, responses={201: ApplicationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ApplicationInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        campaign = (Campaign.objects.visible_to(request.user, "run_recruitment").select_related("region")
                    .filter(pk=values.pop("campaign")).first())
        if campaign is None:
            raise NotFound
        post = campaign.posts.select_related("region").filter(pk=values.pop("campaign_post")).first()
        if post is None:
            raise NotFound
        application = _call(services.application_create, acting_user=request.user, campaign=campaign,
                            campaign_post=post, submitted_on=values.pop("submitted_on"),
                            id_number=values.pop("id_number"), person_data=values)
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)
