from django.urls import path

from rapport.api import views
from rapport.api.api import api

urlpatterns = [
    path("api/", api.urls),
    path("settings/api-tokens/", views.api_tokens, name="api_tokens"),
    path("settings/api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
