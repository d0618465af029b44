from django.urls import path

from .views import applicant, files, inbox, public

app_name = "programmes"

urlpatterns = [
    path("inbox/", inbox.inbox, name="inbox"),
    path("attachments/<int:pk>/download/", files.attachment_download, name="attachment-download"),
    path("attachments/<int:pk>/preview/", files.attachment_preview, name="attachment-preview"),
    path("calls/", applicant.calls, name="calls"),
    path("calls/<int:call_pk>/apply/", applicant.apply, name="apply"),
    path("applications/", applicant.application_list, name="applications"),
    path("applications/<int:pk>/", applicant.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", applicant.application_edit, name="application-edit"),
    path("applications/<int:pk>/action/", applicant.application_action, name="application-action"),
    path(
        "applications/<int:pk>/attachments/",
        applicant.attachment_upload,
        name="attachment-upload",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/remove/",
        applicant.attachment_remove,
        name="attachment-remove",
    ),
    path("notifications/", applicant.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", applicant.notification_read, name="notification-read"),
    path(
        "notifications/read-all/", applicant.notifications_read_all, name="notifications-read-all"
    ),
    path("", public.home, name="home"),
]
