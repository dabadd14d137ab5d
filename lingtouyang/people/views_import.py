import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lingtouyang.audit.middleware import client_address
from lingtouyang.core.scope import get_visible_or_404
from lingtouyang.core.web import require_capability
from lingtouyang.core.xlsx import XLSX
from lingtouyang.people.forms import ImportForm
from lingtouyang.people.jobs import import_job_create, import_jobs_fail_stale
from lingtouyang.people.models import ImportJob
from lingtouyang.people.template import write_template


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    require_capability(request, "import_people")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(acting_user=request.user, upload=form.cleaned_data["file"],
                                address=client_address(request))
        return redirect("people:import_status", job_id=job.pk)
    import_jobs_fail_stale()  # a job whose process died must not look as if it were still running
    recent = ImportJob.objects.visible_to(request.user)[:10]
    return render(request, "people/import.html", {"form": form, "recent": recent})


@login_required
def import_status(request: HttpRequest, job_id: int) -> HttpResponse:
    import_jobs_fail_stale()
    job = get_visible_or_404(ImportJob.objects.all(), request.user, id=job_id)
    template = "people/_import_progress.html" if request.headers.get("HX-Request") else "people/import_status.html"
    return render(request, template, {"job": job})


@login_required
def import_template(request: HttpRequest) -> FileResponse:
    require_capability(request, "import_people")
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    write_template(tmp.name)
    tmp.seek(0)
    return FileResponse(tmp, as_attachment=True, filename="roster-template.xlsx", content_type=XLSX)
