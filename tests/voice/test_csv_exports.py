"""The member-voice CSV exports use the one spreadsheet-safety rule every CSV omov writes uses
(omov.count.formats.csv_safety): a name that would start a formula reaches the file as text."""

from __future__ import annotations

import csv
import datetime as dt
import io

from omov.count.formats.csv_safety import restore
from omov.voice.selectors import AbuseRow, abuse_csv


def test_the_abuse_statistics_csv_quotes_formulas_including_full_width_ones():
    row = AbuseRow(period=dt.date(2026, 12, 1), target='＝HYPERLINK("http://x")', role="candidate", unit="=1+1",
                   held=2, confirmed=1)
    cells = [c for line in csv.reader(io.StringIO(abuse_csv([row]))) for c in line]
    assert "'＝HYPERLINK(\"http://x\")" in cells and "'=1+1" in cells  # the old filter missed the full-width ＝
    assert "2" in cells and "1" in cells  # numbers are left as numbers
    assert restore("'=1+1") == "=1+1"
