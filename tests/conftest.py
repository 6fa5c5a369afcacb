"""Shared test fixtures: where the project's shared data lives."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OMOV_SHARED", ROOT.parent / "shared"))
SCOTTISH = SHARED / "data" / "scottish-stv"


@pytest.fixture(scope="session")
def scottish_data() -> Path:
    """The folder of real Scottish STV wards; a missing folder is a failure, not a skip."""
    assert (SCOTTISH / "ballots").is_dir(), f"shared data not found at {SCOTTISH} (set OMOV_SHARED)"
    return SCOTTISH
