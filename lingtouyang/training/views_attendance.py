"""Training pages: attendance (placeholder until written)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return HttpResponse("mine")


urlpatterns = [path("mine/", mine, name="mine")]
