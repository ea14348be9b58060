from django.urls import path

from . import views

app_name = "budget"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("funds/", views.fund_save, name="fund_save"),
    path("execution/", views.execution, name="execution"),
    path("execution.xlsx", views.execution_export, name="execution_export"),
    path("disbursements/", views.disbursements, name="disbursements"),
    path("disbursements/<int:pk>/", views.disbursement_detail, name="disbursement"),
    path("disbursements/<int:pk>/edit/", views.disbursement_edit, name="disbursement_edit"),
    path(
        "disbursements/<int:pk>/actions/<str:name>/",
        views.disbursement_action,
        name="disbursement_action",
    ),
    path("contracts/<int:pk>/", views.contract_detail, name="contract"),
    path("projects/<int:pk>/", views.project_funding, name="project"),
    path("projects/<int:pk>/list/", views.project_list_in_budget, name="list_in_budget"),
    path("projects/<int:pk>/contracts/", views.contract_create, name="contract_create"),
    path("projects/<int:pk>/start/", views.project_start, name="start_construction"),
    path("projects/<int:pk>/disbursements/", views.disbursement_create, name="disbursement_create"),
    path("projects/<int:pk>/disbursements.xlsx", views.project_export, name="project_export"),
]
