"""Disclosure pages (back office, and the public attachment download); see views.py."""

from lingtouyang.disclosure import views

app_name = "disclosure"
urlpatterns = views.urlpatterns
