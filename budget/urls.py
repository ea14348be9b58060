from django.urls import path

from . import om_views, views

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
    path("om/", om_views.rounds, name="om_rounds"),
    path("om/rounds/", om_views.round_create, name="om_round_create"),
    path("om/rounds/<int:round_id>/apply/", om_views.apply, name="om_apply"),
    path("om/applications/<int:pk>/", om_views.application, name="om_application"),
    path(
        "om/applications/<int:pk>/actions/<str:name>/",
        om_views.application_action,
        name="om_action",
    ),
    path("projects/<int:pk>/", views.project_funding, name="project"),
    path("projects/<int:pk>/list/", views.project_list_in_budget, name="list_in_budget"),
    path("projects/<int:pk>/contracts/", views.contract_create, name="contract_create"),
    path("projects/<int:pk>/start/", views.project_start, name="start_construction"),
    path("projects/<int:pk>/disbursements/", views.disbursement_create, name="disbursement_create"),
    path("projects/<int:pk>/disbursements.xlsx", views.project_export, name="project_export"),
]
