from django.urls import path

from rapport.insights import views

urlpatterns = [
    path("reports/", views.leader_report, name="leader_report"),
    path("coaches/", views.coaches_led, name="coaches_led"),
    path("insights/", views.dashboard, name="trust_dashboard"),
    path("insights/r/<int:pk>/", views.relationship_trust, name="relationship_trust"),
    path("settings/coaching/sharing/", views.practice_sharing, name="practice_sharing"),
    path("exports/", views.export_list, name="export_list"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
