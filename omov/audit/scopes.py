"""Which audit subjects a staff user who is not an administrator may read.

The audit log holds entries about every app's objects ("ballot:12", "round:3"). The audit app sits below the
apps that write to it, so it cannot ask them who runs what; instead each app registers, in its AppConfig.ready,
a function naming the subjects a user looks after. The admin's audit and job lists show a non-superuser the
union of what those functions return, and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

SubjectScope = Callable[[Any], Iterable[str]]
_scopes: list[SubjectScope] = []


def register_subject_scope(scope: SubjectScope) -> None:
    """Add a function user -> the audit subjects that user may read (called from an app's ready())."""
    if scope not in _scopes:
        _scopes.append(scope)


def subjects_for(user: Any) -> set[str]:
    """Every subject some app lets `user` read in the audit log."""
    return {subject for scope in _scopes for subject in scope(user)}
