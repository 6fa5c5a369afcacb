"""URLs of the organisation's officers page (mounted at /organisation/ by omov/web/urls.py)."""

from django.urls import path

from omov.members import views

urlpatterns = [
    path("", views.index, name="organisation"),
    path("<slug:slug>/officers/", views.officers, name="organisation-officers"),
]
