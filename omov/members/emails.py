"""How email addresses are stored and matched (one rule for the members import, the admin and sign-in).

Stored form (`normalise_email`): surrounding white space stripped, Unicode NFC, and the ASCII letters of the
domain lower-cased (DNS names are case-insensitive; the local part belongs to the receiving server and is kept as
given, so mail goes exactly where the organisation said).

Matching (`email_key`): two addresses are the same address when their stored forms are equal after lower-casing
the ASCII letters A-Z of the whole address, and nothing else. Non-ASCII letters are never folded: the dotless
`ı`, the long `ſ`, a Cyrillic `е` or a full-width letter never match `i`, `s`, `e` or `a`, so a look-alike
address someone can register never finds a member (PostgreSQL's `UPPER()`, behind Django's `__iexact`, folds
`ı` to `I` and `ſ` to `S`; it is used only to narrow the rows, never to decide). NFC only merges what
Unicode calls the same character (an `e` and a combining accent is `é`; the Kelvin sign is `K`).
"""

from __future__ import annotations

import unicodedata
from typing import Any

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def normalise_email(email: str) -> str:
    """The form an address is stored in: stripped, NFC, with the domain's ASCII letters lower-cased."""
    email = unicodedata.normalize("NFC", email.strip())
    local, at, domain = email.rpartition("@")
    if not at:
        return email
    return f"{local}@{domain.translate(_ASCII_LOWER)}"


def email_key(email: str) -> str:
    """What two addresses must share to be the same address: the stored form with ASCII A-Z lower-cased."""
    return normalise_email(email).translate(_ASCII_LOWER)


def matching_email(queryset: Any, email: str, *, field: str = "email") -> list[Any]:
    """The rows of `queryset` whose `field` is the same address as `email` (by `email_key`), in the
    queryset's order. The database narrows with `__iexact` (it matches every ASCII case variant on SQLite and
    PostgreSQL, and on PostgreSQL some non-ASCII look-alikes too); the exact rule is applied here."""
    key = email_key(email)
    if not key:
        return []
    return [row for row in queryset.filter(**{f"{field}__iexact": key}) if email_key(getattr(row, field)) == key]
