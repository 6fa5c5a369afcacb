"""Public pages of nominations, trigger ballots and selections (included under /nominations/)."""

from django.urls import path

from omov.nominations import views

app_name = "nominations"

urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/<int:round_id>/", views.round_tracker, name="round"),
    path("rounds/<int:round_id>/board/", views.round_board, name="round-board"),
    path("rounds/<int:round_id>/tracker.json", views.round_json, name="round-json"),
    path("rounds/<int:round_id>/whatif/", views.round_whatif, name="round-whatif"),
    path("rounds/<int:round_id>/record/", views.record_nomination, name="round-record"),
    path("rounds/<int:round_id>/timetable/", views.round_timetable, name="round-timetable"),
    path("triggers/<int:trigger_id>/", views.trigger_page, name="trigger"),
    path("triggers/<int:trigger_id>/board/", views.trigger_board, name="trigger-board"),
    path("triggers/<int:trigger_id>/record/", views.record_trigger_vote, name="trigger-record"),
    path("triggers/<int:trigger_id>/timetable/", views.trigger_timetable, name="trigger-timetable"),
    path("selections/<int:selection_id>/", views.selection_page, name="selection"),
    path("selections/<int:selection_id>/run/", views.run_selection, name="selection-run"),
]
