"""URLs of the core. Pages built on top (voting, results) add their own `path(...)` lines below the marker."""

from django.contrib import admin
from django.urls import include, path

from omov.web import views

admin.site.site_header = "omov administration"
admin.site.site_title = "omov"
admin.site.index_title = "Ballots, members and audit"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("signin/", views.signin, name="signin"),
    path("signin/<str:token>/", views.signin_link, name="signin-link"),
    path("signout/", views.signout, name="signout"),
    path("api/ballots/<int:ballot_id>/cast", views.api_cast, name="api-cast"),
    path("api/ballots/<int:ballot_id>/cast-encrypted", views.api_cast_encrypted, name="api-cast-encrypted"),
    path("admin/", admin.site.urls),
    # -- pages (voting, results) are added here --
    path("", include("omov.ballots.urls")),
    path("voice/", include("omov.voice.urls")),
    path("nominations/", include("omov.nominations.urls")),
    path("organising/", include("omov.organising.urls")),
    path("organisation/", include("omov.members.urls")),
    path("demo/mail/", views.demo_mail, name="demo-mail"),  # 404 unless the demo's setting is on
]
