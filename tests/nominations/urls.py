"""The site's URLs without apps still being written by others (the tests of this app need only these)."""

from django.contrib import admin
from django.urls import include, path

from omov.web import views

urlpatterns = [
    path("signin/", views.signin, name="signin"),
    path("signout/", views.signout, name="signout"),
    path("admin/", admin.site.urls),
    path("", include("omov.ballots.urls")),
    path("nominations/", include("omov.nominations.urls")),
]
