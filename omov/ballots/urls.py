"""URLs of the members' and officers' pages (included by the project's URL configuration)."""

from django.urls import path
from django.views.generic import RedirectView

from omov.ballots import roll_views, setup_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("ballots/", RedirectView.as_view(pattern_name="home")),  # the list of ballots is the home page
    path("ballots/<int:ballot_id>/", views.ballot_detail, name="ballot"),
    path("ballots/<int:ballot_id>/vote/", views.vote, name="vote"),
    path("ballots/<int:ballot_id>/papers/", views.papers, name="papers"),
    path("ballots/<int:ballot_id>/papers/proof/<str:tracker>", views.receipt_proof, name="papers-proof"),
    path("ballots/<int:ballot_id>/trail/", views.trail, name="trail"),
    path("ballots/<int:ballot_id>/papers.jsonl", views.download_papers, name="papers-jsonl"),
    path("ballots/<int:ballot_id>/papers.blt", views.download_blt, name="papers-blt"),
    path("ballots/<int:ballot_id>/sheet.json", views.download_sheet_json, name="sheet-json"),
    path("ballots/<int:ballot_id>/result.json", views.download_result_manifest, name="result-json"),
    path("ballots/<int:ballot_id>/sheet.csv", views.download_sheet_csv, name="sheet-csv"),
    path("ballots/<int:ballot_id>/jobs.json", views.jobs_json, name="ballot-jobs"),
    path("ballots/<int:ballot_id>/officer/<slug:action>/", views.officer_action, name="officer-action"),
    # The voter roll during the ballot (officers and scrutineers; omov/ballots/roll_views.py).
    path("ballots/<int:ballot_id>/roll/", roll_views.roll, name="roll"),
    path("ballots/<int:ballot_id>/roll/reminders/", roll_views.roll_reminders, name="roll-reminders"),
    path("ballots/<int:ballot_id>/roll/letters/", roll_views.roll_letters, name="roll-letters"),
    path("ballots/<int:ballot_id>/roll/<int:voter_id>/", roll_views.roll_voter, name="roll-voter"),
    path("ballots/<int:ballot_id>/roll/<int:voter_id>/reissue/", roll_views.roll_reissue, name="roll-reissue"),
    # The returning officer's guided set-up (omov/ballots/setup_views.py).
    path("ballots/setup/", setup_views.index, name="setup"),
    path("ballots/<int:ballot_id>/setup/", setup_views.draft, name="setup-draft"),
    path("ballots/<int:ballot_id>/setup/ready/", setup_views.mark_ready, name="setup-ready"),
    path("ballots/<int:ballot_id>/setup/details/", setup_views.details, name="setup-details"),
    path("ballots/<int:ballot_id>/setup/candidates/", setup_views.candidates, name="setup-candidates"),
    path("ballots/<int:ballot_id>/setup/candidates/<int:candidate_id>/", setup_views.candidate, name="setup-candidate"),
    path("ballots/<int:ballot_id>/setup/balance/", setup_views.balance, name="setup-balance"),
    path("ballots/<int:ballot_id>/setup/electorate/", setup_views.electorate, name="setup-electorate"),
    path("ballots/<int:ballot_id>/setup/electorate/count.json", setup_views.roll_count, name="setup-roll-count"),
    path("ballots/<int:ballot_id>/setup/timetable/", setup_views.timetable, name="setup-timetable"),
    path("ballots/<int:ballot_id>/setup/officers/", setup_views.officers, name="setup-officers"),
    path("ballots/<int:ballot_id>/setup/preview/", setup_views.preview, name="setup-preview"),
]
