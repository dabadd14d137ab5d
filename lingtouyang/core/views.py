from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lingtouyang.regions.loader import LUZHOU


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.region_id:
        return redirect("regions:detail", code=user.region_id)
    if user.is_superuser:
        return redirect("regions:detail", code=LUZHOU[0])
    return render(request, "core/no_scope.html", status=403)
