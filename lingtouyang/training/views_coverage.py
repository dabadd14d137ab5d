"""Training pages: coverage (placeholder until written)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from lingtouyang.core.web import require_capability


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_training")
    return HttpResponse("coverage")


urlpatterns = [path("coverage/", coverage, name="coverage")]
