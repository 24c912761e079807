from django.urls import path

from rapport.operations import views

urlpatterns = [
    path("bench/trivial", views.bench_trivial, name="bench_trivial"),
]
