"""Placeholder until written."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from lingtouyang.core.web import require_capability


@login_required
def list_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_training")
    return HttpResponse("list")
