from django.urls import path

from rapport.people import views

urlpatterns = [
    path("coaches/", views.coaches_led, name="coaches_led"),
    path("site/", views.site_admin_home, name="site_admin_home"),
]
