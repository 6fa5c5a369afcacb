"""Organising pages, mounted at /organising/ by the project's URL configuration."""

from django.urls import path

from omov.organising import views

app_name = "organising"

urlpatterns = [
    path("", views.index, name="index"),
    path("events/new/", views.event_new, name="event-new"),
    path("events/<int:event_id>/", views.event_detail, name="event"),
    path("events/<int:event_id>/event.ics", views.event_ics, name="event-ics"),
    path("events/<int:event_id>/rsvp/", views.event_rsvp, name="rsvp"),
    path("events/<int:event_id>/unrsvp/", views.event_unrsvp, name="unrsvp"),
    path("events/<int:event_id>/signup/", views.event_signup, name="signup"),
    path("events/<int:event_id>/attendance/", views.event_attendance, name="attendance"),
    path("events/<int:event_id>/cancel/", views.event_cancel, name="event-cancel"),
    path("units/<int:unit_id>/events/", views.unit_events, name="unit-events"),
    path("units/<int:unit_id>/events.ics", views.unit_feed, name="unit-feed"),
    path("lists/import/", views.list_import, name="list-import"),
    path("lists/<int:list_id>/", views.list_detail, name="list"),
    path("lists/<int:list_id>/export/", views.list_export, name="list-export"),
    path("walk/<int:walk_id>/", views.walk_detail, name="walk"),
    path("walk/<int:walk_id>/assign/", views.walk_assign, name="walk-assign"),
    path("walk/<int:walk_id>/record/", views.walk_record, name="walk-record"),
    path("contacts/<int:elector_id>/erase/", views.contact_erase, name="contact-erase"),
]
