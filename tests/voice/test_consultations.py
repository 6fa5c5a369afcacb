"""Consultations: questions of every kind, the electorate rule, answering once and editing with the key until
the close, anonymity by schema, results (charts' data and CSV) with free text only after moderation."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import models
from django.utils import timezone

from omov.audit.models import AuditEntry
from omov.ballots.models import Ballot
from omov.members.models import Member
from omov.voice import selectors as sel
from omov.voice import services as vs
from omov.voice.errors import AlreadyDone, InvalidInput, NotAllowed, WrongState
from omov.voice.models import Answer, NamedResponse, Participation, Response


@pytest.fixture
def consultation(voice):
    now = timezone.now()
    c = vs.create_consultation(
        organisation=voice.org,
        title="Transport priorities",
        actor=voice.officer,
        unit=voice.c1,
        closes_at=now + dt.timedelta(days=7),
    )
    vs.add_question(
        consultation=c, actor=voice.officer, kind="single", text="Bus or tram?", options=["Bus", "Tram"], required=True
    )
    vs.add_question(
        consultation=c, actor=voice.officer, kind="multiple", text="Which routes?", options=["North", "South", "East"]
    )
    vs.add_question(
        consultation=c,
        actor=voice.officer,
        kind="ranking",
        text="Rank these",
        options=["Fares", "Frequency", "Accessibility"],
    )
    vs.add_question(consultation=c, actor=voice.officer, kind="likert", text="Buses are reliable")
    vs.add_question(consultation=c, actor=voice.officer, kind="text", text="Anything else?")
    vs.set_consultation_electorate(consultation=c, actor=voice.officer, units=[voice.c1])
    vs.open_consultation(consultation=c, actor=voice.officer)
    return c


def test_a_member_answers_once_and_edits_with_the_key_until_the_close(voice, consultation):
    m = voice.members[1]
    key = vs.answer_consultation(
        consultation=consultation,
        member=m,
        answers={1: 0, 2: [0, 2], 3: [2, 0, 1], 4: 3, 5: "More night buses please."},
    )
    assert len(key) >= 16
    with pytest.raises(AlreadyDone, match="edit key"):
        vs.answer_consultation(consultation=consultation, member=m, answers={1: 1})
    with pytest.raises(NotAllowed):
        vs.answer_consultation(consultation=consultation, member=m, answers={1: 1}, key="wrong-key")
    assert vs.answer_consultation(consultation=consultation, member=m, answers={1: 1, 4: 4}, key=key) == key
    assert Response.objects.filter(consultation=consultation).count() == 1
    assert sorted(Answer.objects.values_list("value", flat=True), key=str) == [1, 4]
    vs.close_consultation(consultation=consultation, actor=voice.officer)
    with pytest.raises(WrongState, match="closed"):
        vs.answer_consultation(consultation=consultation, member=m, answers={1: 0}, key=key)
    assert sorted(Answer.objects.values_list("value", flat=True), key=str) == [1, 4]  # nothing lost


def test_answering_after_the_closing_time_is_refused(voice, consultation):
    late = consultation.closes_at + dt.timedelta(seconds=1)
    with pytest.raises(WrongState, match="closed"):
        vs.answer_consultation(consultation=consultation, member=voice.members[1], answers={1: 0}, now=late)


def test_a_member_outside_the_electorate_cannot_answer(voice, consultation):
    with pytest.raises(NotAllowed, match="electorate"):
        vs.answer_consultation(consultation=consultation, member=voice.members[9], answers={1: 0})  # B2, not C1
    Member.objects.filter(pk=voice.members[2].pk).update(status="lapsed")
    voice.members[2].refresh_from_db()
    with pytest.raises(NotAllowed):
        vs.answer_consultation(consultation=consultation, member=voice.members[2], answers={1: 0})
    assert not Participation.objects.exists()


@pytest.mark.parametrize(
    "answers, message",
    [
        ({}, "question 1 needs an answer"),
        ({1: 5}, "does not exist"),
        ({1: "x"}, "not one of the options"),
        ({1: 0, 3: [0, 0]}, "ranked only once"),
        ({1: 0, 5: "x" * 5001}, "at most 5000"),
        ({1: 0, 9: 1}, "no such question"),
    ],
)
def test_bad_answers_are_refused_with_a_clear_error(voice, consultation, answers, message):
    with pytest.raises(InvalidInput, match=message):
        vs.answer_consultation(consultation=consultation, member=voice.members[1], answers=answers)
    assert not Participation.objects.exists() and not Response.objects.exists()


def test_anonymous_responses_have_no_link_to_members_in_the_schema():
    """Read the schema: no column of a response or an answer refers to a member, a user or a participation,
    and none records a time; the 'has answered' table refers to nothing of the response."""
    forbidden = {"members.member", "auth.user", "voice.participation", "voice.namedresponse"}
    for model in (Response, Answer):
        for f in model._meta.get_fields():
            if f.is_relation and f.concrete:
                assert f.related_model._meta.label_lower not in forbidden, (model, f.name)
            assert not isinstance(f, models.DateField | models.DateTimeField | models.TimeField), (model, f.name)
            assert not isinstance(f, models.AutoField | models.BigAutoField), (model, f.name)  # random ids only
    related = {
        f.related_model._meta.label_lower for f in Participation._meta.get_fields() if f.is_relation and f.concrete
    }
    assert related == {"voice.consultation", "members.member"}
    assert not any(isinstance(f, models.DateTimeField) for f in Participation._meta.get_fields())


def test_anonymous_answer_leaves_no_named_row_and_the_audit_says_only_that_someone_answered(voice, consultation):
    vs.answer_consultation(consultation=consultation, member=voice.members[1], answers={1: 0})
    assert not NamedResponse.objects.exists()
    entry = AuditEntry.objects.get(action="consultation.answer")
    assert entry.details == {}


def test_named_consultation_links_responses_and_edits_without_a_key(voice):
    c = vs.create_consultation(
        organisation=voice.org,
        title="Named",
        actor=voice.officer,
        anonymous=False,
        unit=voice.region,
        closes_at=timezone.now() + dt.timedelta(days=1),
    )
    vs.add_question(consultation=c, actor=voice.officer, kind="single", text="Q", options=["A", "B"])
    vs.open_consultation(consultation=c, actor=voice.officer)
    vs.answer_consultation(consultation=c, member=voice.members[0], answers={1: 0})
    vs.answer_consultation(consultation=c, member=voice.members[0], answers={1: 1})
    assert NamedResponse.objects.get().member == voice.members[0]
    assert list(Answer.objects.values_list("value", flat=True)) == [1]


def test_results_count_each_kind_and_free_text_waits_for_moderation(voice, consultation):
    answers = [
        {1: 0, 2: [0, 1], 3: [0, 1, 2], 4: 4, 5: "More buses at night would help shift workers."},
        {1: 0, 2: [1], 3: [1, 0], 4: 3, 5: "You are all idiots and morons"},
        {1: 1, 2: [0, 1, 2], 3: [0], 4: 1},
    ]
    for member, a in zip(voice.members[1:4], answers, strict=True):
        vs.answer_consultation(consultation=consultation, member=member, answers=a)
    results = {r.question.number: r for r in sel.consultation_results(consultation=consultation)}
    assert results[1].counts == [2, 1]
    assert results[2].counts == [2, 3, 1]
    assert results[3].first_choices == [2, 1, 0] and results[3].mean_rank == [1.33, 1.5, 3.0]
    assert results[4].counts == [0, 1, 0, 1, 1] and results[4].mean == pytest.approx((5 + 4 + 2) / 3, abs=0.01)
    assert results[5].texts == ["More buses at night would help shift workers."]
    assert results[5].texts_withheld == 1
    held = Answer.objects.get(text_status=Answer.TextStatus.HELD)
    with pytest.raises(InvalidInput):
        vs.moderate_answer(answer=held, actor=voice.officer, accept=False, reason="")
    vs.moderate_answer(answer=held, actor=voice.officer, accept=False, reason="abusive")
    rows = list(csv.reader(io.StringIO(sel.results_csv(consultation=consultation))))
    assert rows[0] == ["question", "kind", "option", "count", "first_choices", "mean_rank", "text"]
    assert ["1", "single", "Bus", "2", "", "", ""] in rows
    assert ["5", "text", "", "", "", "", "More buses at night would help shift workers."] in rows
    assert not any("idiots" in cell for row in rows for cell in row)


def test_questions_are_checked_and_fixed_once_open(voice, consultation):
    with pytest.raises(WrongState):
        vs.add_question(consultation=consultation, actor=voice.officer, kind="text", text="late")
    draft = vs.create_consultation(organisation=voice.org, title="D", actor=voice.officer, unit=voice.c1)
    with pytest.raises(InvalidInput):
        vs.add_question(consultation=draft, actor=voice.officer, kind="single", text="Q", options=["only one"])
    with pytest.raises(InvalidInput):
        vs.add_question(consultation=draft, actor=voice.officer, kind="poll", text="Q", options=["a", "b"])
    with pytest.raises(WrongState):
        vs.open_consultation(consultation=draft, actor=voice.officer)  # no questions
    with pytest.raises(NotAllowed):
        vs.create_consultation(organisation=voice.org, title="X", actor=voice.scrutineer, unit=voice.c1)


def test_a_choice_question_becomes_a_member_vote_for_the_same_electorate(voice, consultation):
    q1, _, q3, _, q5 = consultation.questions.all()
    ballot = vs.position_vote_from_question(question=q1, actor=voice.officer)
    assert ballot.method == "fptp" and [c.name for c in ballot.candidates.all()] == ["Bus", "Tram"]
    assert list(ballot.electorate_units.all()) == [voice.c1] and ballot.state == Ballot.State.READY
    assert vs.position_vote_from_question(question=q3, actor=voice.officer).method == "irv"
    with pytest.raises(InvalidInput):
        vs.position_vote_from_question(question=q5, actor=voice.officer)


def test_csv_cells_that_would_start_a_spreadsheet_formula_are_defused(voice, consultation):
    vs.answer_consultation(
        consultation=consultation, member=voice.members[1], answers={1: 0, 5: "=SUM(A1:A9) is how I would count it"}
    )
    rows = list(csv.reader(io.StringIO(sel.results_csv(consultation=consultation))))
    assert ["5", "text", "", "", "", "", "'=SUM(A1:A9) is how I would count it"] in rows
