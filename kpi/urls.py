from django.urls import path

from . import views

app_name = "kpi"

urlpatterns = [
    path("", views.home, name="home"),
    path("file/", views.file, name="file"),
    path("file/submit/", views.submit_all, name="submit_all"),
    path("file/template.xlsx", views.template_download, name="template"),
    path("file/import/", views.returns_import, name="import"),
    path("file/import/errors/<str:token>/", views.import_errors, name="import_errors"),
    path("returns/<int:pk>/", views.return_detail, name="return"),
    path("returns/<int:pk>/save/", views.return_save, name="return_save"),
    path("returns/<int:pk>/actions/<str:name>/", views.return_action, name="return_action"),
    path("check/", views.check, name="check"),
    path("check/projects/", views.project_view, name="projects"),
    path("periods/open/", views.period_open, name="period_open"),
    path("projects/<int:pk>/", views.project_returns, name="project_returns"),
    path("notes/", views.notes, name="notes"),
    path("notes/new/", views.note_issue, name="note_issue"),
    path("notes/<int:pk>/", views.note_detail, name="note"),
    path("notes/<int:pk>/actions/<str:name>/", views.note_action, name="note_action"),
    path("notes/<int:pk>/evidence/", views.note_evidence, name="note_evidence"),
    path("sheet/<int:pk>.xlsx", views.sheet_xlsx, name="sheet_xlsx"),
    path("sheet/<int:pk>.pdf", views.sheet_pdf, name="sheet_pdf"),
]
