from django.urls import path

from rapport.relationships import record_edit
from rapport.resources import corrections, views

urlpatterns = [
    path("resources/", views.resource_library, name="resource_library"),
    path("resources/new/", views.resource_new, name="resource_new"),
    path("resources/<int:pk>/", views.resource_detail, name="resource_detail"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<int:pk>/delete/", views.resource_delete, name="resource_delete"),
    path("resources/<int:pk>/file/", views.resource_file, name="resource_file"),
    path("r/<int:pk>/resources/", views.shared_resources, name="shared_resources"),
    path("r/<int:pk>/resources/share/", views.resource_share, name="resource_share"),
    *record_edit.paths("r/<int:pk>/resources/shared/", corrections.RESOURCE_SHARE),
]
