from django.urls import path, register_converter

from lingtouyang.portal import views


class CodeConverter:
    """A 12-digit region code: anything else is not a page (404 before any lookup)."""

    regex = "[0-9]{12}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "code12")

app_name = "portal"
# The paths mirror the files under settings.PORTAL_DIR (render.py) so that nginx serves them as they are.
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("search.json", views.search_json, name="search_json"),
    path("counter/", views.visits, name="counter"),
    path("r/<code12:region_code>/", views.region, name="region"),
    path("v/<code12:village_code>/", views.village, name="village"),
    path("v/<code12:village_code>/poster/", views.poster, name="poster"),
    path("v/<code12:village_code>/d/<int:disclosure_id>/", views.disclosure, name="disclosure"),
    path("verify/<code12:village_code>/", views.verify, name="verify"),
]
