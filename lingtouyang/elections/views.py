from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lingtouyang.core.web import require_capability


@login_required
def list_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, "view_elections")
    return render(request, "elections/list.html", {})
