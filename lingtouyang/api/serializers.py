"""Output and input shapes of the API. Inputs are parsed here; rules run in the services."""

from rest_framework import serializers

from lingtouyang.people.codes import (
    EDUCATION_CHOICES,
    ETHNICITY_CHOICES,
    POLITICAL_STATUS_CHOICES,
    Gender,
    Post,
    Source,
)
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Region


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", allow_null=True, read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "short_name", "level", "kind", "parent"]


class AppointmentSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.short_name", read_only=True)

    class Meta:
        model = Appointment
        fields = ["id", "person", "region", "region_name", "post", "term", "start_date", "end_date", "end_reason"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.short_name", read_only=True)
    id_number = serializers.CharField(source="id_masked", read_only=True)
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "name", "gender", "ethnicity", "birth_date", "id_number", "political_status", "education",
                  "region", "region_name", "phone", "source"]
        read_only_fields = fields

    def get_phone(self, obj: Person) -> str:
        """Full for those who may edit the person, masked for other readers (Person.phone_for)."""
        request = self.context.get("request")
        return obj.phone_for(request.user) if request is not None else obj.phone_masked


class PersonInput(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=30, required=False)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    birth_date = serializers.DateField(required=False)
    ethnicity = serializers.ChoiceField(choices=ETHNICITY_CHOICES)
    political_status = serializers.ChoiceField(choices=POLITICAL_STATUS_CHOICES)
    education = serializers.ChoiceField(choices=EDUCATION_CHOICES)
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    source = serializers.ChoiceField(choices=Source.choices, required=False)


class AppointmentInput(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    post = serializers.ChoiceField(choices=Post.choices)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True)
    end_reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
    term = serializers.IntegerField(required=False, min_value=1950, max_value=2100)


class ChildStructureSerializer(serializers.Serializer):
    """One region's cadres in office now (a row of the drill-down table)."""

    code = serializers.CharField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    average_age = serializers.FloatField(allow_null=True)
    women = serializers.IntegerField()
    party = serializers.IntegerField()
    villages_with_secretary = serializers.IntegerField()
    dual_post = serializers.IntegerField(help_text="villages whose secretary is also committee director (一肩挑)")


class StructureSerializer(ChildStructureSerializer):
    """Documentation of the structure response: the region's figures, then one row per region below."""

    college = serializers.IntegerField()
    age_bands = serializers.ListField(child=serializers.ListField(), help_text="[label, count] pairs")
    education = serializers.ListField(child=serializers.ListField())
    source = serializers.ListField(child=serializers.ListField())
    children = ChildStructureSerializer(many=True)
