"""Moderation of member comments: a pure pipeline (no Django) of spam rules, a naive Bayes spam filter,
Akismet when configured, and an offensive-language classifier. See docs/moderation.md."""

from omov.voice.moderation.pipeline import ACCEPT, HOLD, SPAM, ModerationSettings, Pipeline, Recent, Verdict

__all__ = ["ACCEPT", "HOLD", "SPAM", "ModerationSettings", "Pipeline", "Recent", "Verdict"]
