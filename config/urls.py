from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "政务信息化项目监管系统 · 系统管理"
admin.site.site_title = "系统管理"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("projects/", include("projects.urls")),
    path("review/", include("review.urls")),
    path("acceptance/", include("acceptance.urls")),
    path("budget/", include("budget.urls")),
    path("kpi/", include("kpi.urls")),
    path("", include("core.urls")),
    path("", include("workspace.urls")),
]
