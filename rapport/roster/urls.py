from django.urls import path

from rapport.roster import views

urlpatterns = [
    path("site/", views.site_admin_home, name="site_admin_home"),
    path("site/roster/", views.roster_import, name="roster_import"),
    path("site/roster/<int:pk>/", views.roster_import_run, name="roster_import_run"),
    path("site/roster/<int:pk>/import/", views.roster_import_confirm, name="roster_import_confirm"),
    path("site/roster/<int:pk>/discard/", views.roster_import_discard, name="roster_import_discard"),
]
