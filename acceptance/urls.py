from django.urls import path

from . import views

app_name = "acceptance"

urlpatterns = [
    path("projects/<int:pk>/", views.project_page, name="project"),
    path("projects/<int:pk>/initial/", views.initial_record, name="initial"),
    path("projects/<int:pk>/documents/", views.document_upload, name="document"),
    path("projects/<int:pk>/request/", views.request_acceptance, name="request"),
    path("resources/<int:pk>/sharing/", views.sharing_save, name="sharing"),
    path("rounds/<int:pk>/decide/", views.decide, name="decide"),
    path("rounds/<int:pk>/opinion.pdf", views.opinion_pdf, name="opinion_pdf"),
    path("files/<str:kind>/<int:pk>/", views.file_download, name="file"),
    path("register/", views.register, name="register"),
    path("register/new/", views.item_new, name="item_new"),
    path("register/<int:pk>/", views.item_detail, name="item"),
    path("register/<int:pk>/respond/", views.item_respond, name="item_respond"),
    path("register/<int:pk>/actions/<str:name>/", views.item_action, name="item_action"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/<int:year>.xlsx", views.audit_export, name="audit_export"),
    path("audit/entries/<int:pk>/", views.audit_update, name="audit_update"),
]
