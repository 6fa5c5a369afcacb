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
    path("walk/<int:walk_id>/sheet.pdf", views.walk_sheet, name="walk-sheet"),
    path("walk/<int:walk_id>/record/", views.walk_record, name="walk-record"),
    path("contacts/<int:elector_id>/erase/", views.contact_erase, name="contact-erase"),
    path("contacts/<int:elector_id>/link/", views.contact_link, name="contact-link"),
    path("units/<int:unit_id>/organisers/", views.unit_organisers, name="unit-organisers"),
    path("courses/", views.courses, name="courses"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("forms/new/", views.form_new, name="form-new"),
    path("forms/<int:form_id>/", views.form_manage, name="form-manage"),
    path("forms/<int:form_id>/close/", views.form_close, name="form-close"),
    path("forms/<int:form_id>/export/", views.form_export, name="form-export"),
    path("f/<int:form_id>/", views.form_public, name="form"),
    path("f/<int:form_id>/thanks/", views.form_thanks, name="form-thanks"),
    path("f/<int:form_id>/count.json", views.form_count, name="form-count"),
    path("confirm/<str:token>/", views.form_confirm, name="form-confirm"),
    path("submissions/<int:submission_id>/moderate/", views.submission_moderate, name="submission-moderate"),
    path("submissions/<int:submission_id>/erase/", views.submission_erase, name="submission-erase"),
    path("join-requests/", views.join_requests, name="join-requests"),
]
