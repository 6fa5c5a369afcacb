"""Spam models per organisation: officers' decisions belong to an organisation, and retrained models are kept."""

import django.db.models.deletion
from django.db import migrations, models


def owners(apps, schema_editor):
    """Earlier decisions belong to the organisation of their comment's discussion (if the comment is still there)."""
    SpamFeedback = apps.get_model("voice", "SpamFeedback")
    for row in SpamFeedback.objects.filter(comment__isnull=False).select_related("comment__thread"):
        row.organisation_id = row.comment.thread.organisation_id
        row.save(update_fields=["organisation"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("voice", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="spamfeedback",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                help_text="whose spam model learns this decision (none: a decision recorded before models were "
                "per organisation, and no thread to tell whose; learned by none)",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="members.organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="spamfeedback",
            index=models.Index(fields=["organisation", "created_at"], name="spamfeedback_org_time"),
        ),
        migrations.RunPython(owners, migrations.RunPython.noop),
        migrations.CreateModel(
            name="SpamModel",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.PositiveIntegerField(help_text="1, 2, 3, ... per organisation")),
                ("accepted", models.BooleanField(default=False)),
                ("trained_at", models.DateTimeField()),
                (
                    "decisions",
                    models.PositiveIntegerField(help_text="decisions learnt (the held-out ones not counted)"),
                ),
                ("spam_decisions", models.PositiveIntegerField(default=0)),
                (
                    "held_out",
                    models.PositiveIntegerField(
                        default=0, help_text="the most recent decisions, kept back to check it"
                    ),
                ),
                ("base", models.CharField(help_text="sha256 of the shipped model's training set", max_length=64)),
                ("metrics", models.JSONField(blank=True, default=dict)),
                ("correction", models.BinaryField(blank=True, default=b"")),
                ("message", models.TextField(blank=True)),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="members.organisation"
                    ),
                ),
            ],
            options={
                "ordering": ["organisation", "-version"],
                "constraints": [
                    models.UniqueConstraint(fields=("organisation", "version"), name="spammodel_version_unique")
                ],
            },
        ),
    ]
