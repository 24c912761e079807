from django.urls import path

from rapport.privacy import views

urlpatterns = [
    path("released/", views.released_to_me, name="released_to_me"),
    path("released/<int:pk>/", views.released_record, name="released_record"),
    path("me/access-log/", views.my_access_log, name="my_access_log"),
    path("me/releases/<int:pk>/revoke/", views.revoke_release, name="revoke_release"),
    path("me/changes-by-administrators/", views.administrative_changes, name="administrative_changes"),
]
