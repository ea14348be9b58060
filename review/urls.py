from django.urls import path

from .views import evaluation, meetings, panel, reports, reviews, systems

app_name = "review"

urlpatterns = [
    path("", reviews.index, name="index"),
    path("mine/", panel.mine, name="mine"),
    path("votes/", meetings.votes, name="votes"),
    path("votes/<int:item_id>/", meetings.vote, name="vote"),
    path("cycle-time/", reports.cycle_time, name="cycle_time"),
    path("systems/", systems.system_list, name="systems"),
    path("systems/new/", systems.system_edit, name="system_create"),
    path("systems/import/", systems.system_import, name="system_import"),
    path("systems/template.xlsx", systems.system_template, name="system_template"),
    path("systems/<int:pk>/", systems.system_edit, name="system_edit"),
    path("systems/<int:pk>/retire/", systems.system_retire, name="system_retire"),
    path("meetings/", meetings.meetings, name="meetings"),
    path("meetings/<int:pk>/", meetings.meeting, name="meeting"),
    path("meetings/<int:pk>/minutes.pdf", reports.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:pk>/agenda/", meetings.agenda_add, name="agenda_add"),
    path("meetings/<int:pk>/attendance/<int:seat_id>/", meetings.attendance, name="attendance"),
    path("items/<int:item_id>/close/", meetings.item_close, name="item_close"),
    path("items/<int:item_id>/decide/", meetings.decide, name="decide"),
    path("tasks/<int:task_id>/opinion/", reviews.opinion, name="opinion"),
    path(
        "opinions/<int:opinion_id>/attachment/",
        reviews.opinion_attachment,
        name="opinion_attachment",
    ),
    path("seats/<int:member_id>/score/", panel.score, name="score"),
    path("seats/<int:member_id>/replace/", panel.panel_replace, name="panel_replace"),
    path("evaluations/", evaluation.evaluations, name="evaluations"),
    path(
        "evaluations/start/<int:project_id>/",
        evaluation.evaluation_start,
        name="evaluation_start",
    ),
    path("evaluations/<int:pk>/", evaluation.evaluation, name="evaluation"),
    path(
        "evaluations/<int:pk>/complete/", evaluation.evaluation_complete, name="evaluation_complete"
    ),
    path("evaluations/<int:pk>/report.pdf", evaluation.evaluation_pdf, name="evaluation_pdf"),
    path("<int:pk>/", reviews.detail, name="detail"),
    path("<int:pk>/panel/draw/", panel.panel_draw, name="panel_draw"),
    path("<int:pk>/panel/close/", panel.panel_close, name="panel_close"),
    path("<int:pk>/report.pdf", reports.report_pdf, name="report_pdf"),
    path("<int:pk>/notice.pdf", reports.notice_pdf, name="notice_pdf"),
]
