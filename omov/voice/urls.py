"""Member-voice pages, mounted at /voice/ by the project's URL configuration."""

from django.urls import path

from omov.voice import queue_views, views

app_name = "voice"

urlpatterns = [
    path("", views.index, name="index"),
    path("motions/new/", views.motion_new, name="motion-new"),
    path("motions/<int:motion_id>/", views.motion_detail, name="motion"),
    path("motions/<int:motion_id>/support/", views.motion_support, name="motion-support"),
    path("motions/<int:motion_id>/unsupport/", views.motion_unsupport, name="motion-unsupport"),
    path("motions/<int:motion_id>/publish/", views.motion_publish, name="motion-publish"),
    path("motions/<int:motion_id>/withdraw/", views.motion_withdraw, name="motion-withdraw"),
    path("motions/<int:motion_id>/vote/", views.motion_vote, name="motion-vote"),
    path("consultations/<int:consultation_id>/", views.consultation_detail, name="consultation"),
    path("consultations/<int:consultation_id>/results/", views.consultation_results, name="results"),
    path("consultations/<int:consultation_id>/results.csv", views.consultation_results_csv, name="results-csv"),
    path("questions/<int:question_id>/vote/", views.question_vote, name="question-vote"),
    path("candidates/<int:candidate_id>/", views.candidate_thread, name="candidate"),
    path("candidates/<int:candidate_id>/comments/", views.candidate_comment_post, name="candidate-comment"),
    path("threads/<int:thread_id>/comments/", views.comment_post, name="comment-post"),
    path("comments/<int:comment_id>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:comment_id>/report/", views.comment_report, name="comment-report"),
    path("moderation/", queue_views.moderation_queue, name="moderation"),
    path("moderation/comments/<int:comment_id>/decide/", queue_views.moderation_decide, name="moderation-decide"),
    path("moderation/members/<int:member_id>/lift/", queue_views.lift_suspension, name="moderation-lift"),
    path("moderation/abuse/", views.abuse_stats, name="abuse"),
    path("moderation/abuse.csv", views.abuse_stats_csv, name="abuse-csv"),
    path("moderation/spam-model/", views.spam_model, name="spam-model"),
    path("moderation/spam-model/retrain/", views.spam_model_retrain, name="spam-model-retrain"),
]
