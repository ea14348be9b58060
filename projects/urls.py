from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("export.xlsx", views.ledger_export, name="export"),
    path("new/", views.create, name="create"),
    path("preflight/", views.preflight, name="preflight"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/actions/<str:name>/", views.action, name="action"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/receive/", views.receive, name="receive"),
    path("<int:pk>/rules/<str:rule_id>/justify/", views.justify, name="justify"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_id>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
]
