from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("learn/courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("learn/courses/<int:course_id>/withdraw/", views.withdraw, name="withdraw"),
    path("learn/steps/<int:step_id>/complete/", views.complete_step, name="complete_step"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/learning-record.json", views.learning_record_export, name="xapi_export"),
]
