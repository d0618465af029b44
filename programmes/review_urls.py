"""County, expert and staff review pages, and the public notice and results pages."""

from django.urls import path

from .views import public_notice, review

app_name = "review"

urlpatterns = [
    # County officers
    path("county/queue/", review.county_queue_view, name="county-queue"),
    path(
        "county/applications/<int:pk>/", review.county_application_view, name="county-application"
    ),
    path("county/applications/<int:pk>/decide/", review.county_decide_view, name="county-decide"),
    # Experts
    path("expert/", review.expert_assignments_view, name="expert-assignments"),
    path("expert/assignments/<int:pk>/", review.expert_assignment_view, name="expert-assignment"),
    path(
        "expert/assignments/<int:pk>/declare/",
        review.expert_declare_view,
        name="expert-declare",
    ),
    # Bureau staff
    path("desk/", review.desk_view, name="desk"),
    path("desk/calls/<int:pk>/", review.desk_call_view, name="desk-call"),
    path("desk/calls/<int:pk>/assign/", review.desk_assign_view, name="desk-assign"),
    path(
        "desk/calls/<int:pk>/confirm-notice/",
        review.desk_confirm_notice_view,
        name="desk-confirm-notice",
    ),
    path("desk/applications/<int:pk>/", review.desk_application_view, name="desk-application"),
    path("desk/applications/<int:pk>/move/", review.desk_move_view, name="desk-move"),
    # Anyone
    path("notices/", public_notice.notices_view, name="notices"),
    path("notices/<int:pk>/objection/", public_notice.objection_view, name="notice-objection"),
    path("results/", public_notice.results_view, name="results"),
]
