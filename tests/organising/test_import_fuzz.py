"""Hostile register files: whatever the text, the import either makes walk lists or refuses with InvalidInput,
never another exception, and a refused file stores nothing. Bounded for CI (hypothesis, 40 examples)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omov.organising import services as os_
from omov.organising.errors import InvalidInput
from omov.organising.models import Elector, ElectorList

HEADER = "elector_number,name,address,polling_district\n"
cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
row = st.lists(cell, min_size=0, max_size=6).map(lambda cells: ",".join(cells))
files = st.one_of(
    st.text(max_size=300),
    st.lists(row, max_size=8).map(lambda rows: HEADER + "\n".join(rows)),
    st.lists(row, max_size=8).map(lambda rows: HEADER.replace("\n", "\r\n") + "\r\n".join(rows) + "\x00"),
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=files)
def test_any_register_file_is_read_or_refused_with_a_clear_error(org, text):
    before = (ElectorList.objects.count(), Elector.objects.count())
    try:
        made = os_.import_electors(unit=org.b1, name="Fuzz", csv_text=text,
                                   retain_until=timezone.localdate() + dt.timedelta(days=30), actor=org.officer)
    except InvalidInput as exc:
        assert str(exc)
        assert (ElectorList.objects.count(), Elector.objects.count()) == before
    else:
        assert made.pk is not None


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "words"), [
    (HEADER + "1,Ann Ash,2 High Street,AA\n2,Bob,4 High Street,AA,surplus\n", "line 3: more cells than the header"),
    (HEADER + "1,Ann\x00Ash,2 High Street,AA\n", "line 2: a NUL character"),
    (HEADER + '1,"Ann\nAsh",2 High Street,AA\n2,,4 High Street,AA\n', "line 4: every elector needs a name"),
])  # fmt: skip
def test_a_row_that_is_not_one_names_its_line(org, text, words):
    # Before: a row with one cell too many crashed with AttributeError (DictReader's list of extra cells), and a
    # quoted name over two lines shifted every later line number.
    with pytest.raises(InvalidInput, match=words):
        os_.import_electors(unit=org.b1, name="x", csv_text=text,
                            retain_until=timezone.localdate() + dt.timedelta(days=5), actor=org.officer)
