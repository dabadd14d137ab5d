from django.urls import path

from lingtouyang.oversight import views_public

app_name = "oversight_public"
urlpatterns = [
    path("", views_public.lookup_view, name="lookup"),
    path("ask/<str:feedback_village>/", views_public.ask_view, name="ask"),
    path("about/<int:feedback_disclosure>/", views_public.ask_about_view, name="ask_about"),
    path("t/<str:reference>/", views_public.thread_view, name="thread"),
    path("village/<str:feedback_village>/", views_public.village_view, name="village"),
]
