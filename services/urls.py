from django.urls import path

from . import views

app_name = "services"

urlpatterns = [
    path("problems/", views.problems, name="problems"),
    path("problems/new/", views.problem_new, name="problem-new"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/step/", views.problem_step, name="problem-step"),
    path("problems/<int:pk>/assign/", views.problem_assign_view, name="problem-assign"),
    path("problems/<int:pk>/actions/", views.problem_action, name="problem-action"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
