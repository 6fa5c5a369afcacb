"""URLs of the members' and officers' pages (included by the project's URL configuration)."""

from django.urls import path
from django.views.generic import RedirectView

from omov.ballots import roll_views, setup_views, verifiable_views, views

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
    # A verifiable ballot's own pages (omov/ballots/verifiable_views.py; the booth is at `vote` above).
    path("ballots/<int:ballot_id>/verifiable/", verifiable_views.ballot_files, name="verifiable-ballot"),
    path("ballots/<int:ballot_id>/board/", verifiable_views.board, name="verifiable-board"),
    path("ballots/<int:ballot_id>/board.json", verifiable_views.board_json, name="verifiable-board-json"),
    path("ballots/<int:ballot_id>/spoil/", verifiable_views.spoil, name="verifiable-spoil"),
    path("ballots/<int:ballot_id>/check-opening/", verifiable_views.check_opening, name="verifiable-check-opening"),
    path("ballots/<int:ballot_id>/credentials.json", verifiable_views.credentials_json, name="verifiable-credentials"),
    path("ballots/<int:ballot_id>/credentials/upload/", verifiable_views.credentials_upload,
         name="verifiable-credentials-upload"),
    path("ballots/<int:ballot_id>/parameters.json", verifiable_views.parameters_json, name="verifiable-parameters"),
    path("ballots/<int:ballot_id>/trustees/files.zip", verifiable_views.trustee_files_zip,
         name="verifiable-trustee-zip"),
    path("ballots/<int:ballot_id>/trustees/<int:number>/<slug:kind>.json", verifiable_views.trustee_file,
         name="verifiable-trustee-file"),
    path("ballots/<int:ballot_id>/trustee/", verifiable_views.trustee_page, name="verifiable-trustee"),
    path("ballots/<int:ballot_id>/trustee/mix-input.json", verifiable_views.mix_input, name="verifiable-mix-input"),
    path("ballots/<int:ballot_id>/decryption-input.json", verifiable_views.decryption_input,
         name="verifiable-decryption-input"),
    path("ballots/<int:ballot_id>/record.zip", verifiable_views.record_zip, name="verifiable-record-zip"),
    path("ballots/<int:ballot_id>/record/<path:path>", verifiable_views.record_file, name="verifiable-record-file"),
    path("ballots/<int:ballot_id>/setup/verifiable/", setup_views.verifiable, name="setup-verifiable"),
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
