from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("votes/", views.votes, name="votes"),
    path("votes/<int:item_id>/", views.vote, name="vote"),
    path("cycle-time/", views.cycle_time, name="cycle_time"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("meetings/<int:pk>/attendance/<int:seat_id>/", views.attendance, name="attendance"),
    path("items/<int:item_id>/close/", views.item_close, name="item_close"),
    path("items/<int:item_id>/decide/", views.decide, name="decide"),
    path("tasks/<int:task_id>/opinion/", views.opinion, name="opinion"),
    path(
        "opinions/<int:opinion_id>/attachment/",
        views.opinion_attachment,
        name="opinion_attachment",
    ),
    path("seats/<int:member_id>/score/", views.score, name="score"),
    path("seats/<int:member_id>/replace/", views.panel_replace, name="panel_replace"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/panel/draw/", views.panel_draw, name="panel_draw"),
    path("<int:pk>/panel/close/", views.panel_close, name="panel_close"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
]
