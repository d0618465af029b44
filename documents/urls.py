from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("verify/<str:code>/", views.verify, name="verify"),
    path("verify/<str:code>/pdf/", views.verify_pdf, name="verify-pdf"),
    path("documents/", views.my_documents, name="list"),
    path("documents/<int:pk>/pdf/", views.document_pdf, name="pdf"),
    path("documents/<int:pk>/sheet/", views.document_sheet, name="sheet"),
]
