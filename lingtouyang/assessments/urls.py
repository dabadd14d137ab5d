from lingtouyang.assessments import views

app_name = "assessments"
urlpatterns = views.urlpatterns
