"""Writing a verifiable ballot's election record (docs/record.md §9, version 4) from the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omov.audit.services import record
from omov.ballots.models import Ballot
from omov.ballots.verifiable.selectors import write_record


def export_record(*, ballot: Ballot, directory: Path | str, actor: Any) -> Path:
    """Write the record's files under `directory` (created if missing; files of the same names replaced), for
    `omov verify DIRECTORY` and the JavaScript verifier. Returns the directory."""
    root = Path(write_record(ballot=ballot, directory=directory))
    record(actor=actor, action="ballot.record.exported", subject=f"ballot:{ballot.pk}",
           details={"directory": str(root)})  # fmt: skip
    return root
