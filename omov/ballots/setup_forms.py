"""The forms of the guided ballot set-up (omov/ballots/setup_views.py): each step's fields, checked for a person,
turned into the arguments of `omov.ballots.services`. Nothing here writes."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.utils import timezone

from omov.ballots.methods import METHODS
from omov.ballots.models import Ballot
from omov.members.models import Member, Unit

STATUS_CHOICES = [(s.value, s.label) for s in Member.Status]

PLURALS = {"woman": "women", "man": "men", "non-binary": "non-binary people"}


def group_name(gender: str) -> str:
    """How a balance rule names a gender's group: "at least 2 women"."""
    return PLURALS.get(gender, f"{gender} candidates")


class MethodField(forms.ChoiceField):
    """The counting method, chosen in words (the template shows each one's line on what it does and suits)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=[(m.code, m.label) for m in METHODS.values()], widget=forms.RadioSelect, **kwargs
        )


class NewBallotForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, empty_label=None)  # type: ignore[arg-type]
    title = forms.CharField(max_length=200, help_text="As voters will see it, e.g. “Branch secretary”.")
    method = MethodField(label="How the votes are counted")
    seats = forms.IntegerField(min_value=1, max_value=100, initial=1, help_text="How many are to be elected.")

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()
            self.fields["organisation"].widget = forms.HiddenInput()


class CopyForm(forms.Form):
    source = forms.ModelChoiceField(queryset=None, label="Copy the set-up of", empty_label=None)  # type: ignore[arg-type]
    title = forms.CharField(max_length=200, label="Title of the new ballot")
    with_candidates = forms.BooleanField(required=False, label="Also copy the candidates")

    def __init__(self, *args: Any, sources: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources  # type: ignore[attr-defined]


class DetailsForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Shown above the paper."
    )
    method = MethodField(label="How the votes are counted")
    seats = forms.IntegerField(min_value=1, max_value=100, help_text="How many are to be elected.")
    max_choices = forms.IntegerField(
        min_value=1, required=False, label="Most candidates a voter may rank or mark",
        help_text="Leave empty for the method's own limit (all candidates; one a seat for the bloc vote).",
    )
    allow_empty = forms.BooleanField(required=False, label="Accept a paper with no choice (an abstention)")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = METHODS.get(data.get("method", ""))
        if method is not None and method.one_seat and data.get("seats", 1) != 1:
            self.add_error("seats", f"{method.label} fills one seat: choose a single transferable vote for more.")
        return data


class CandidateForm(forms.Form):
    name = forms.CharField(max_length=200)
    statement = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="The candidate's statement to voters."
    )
    gender = forms.ChoiceField(required=False, help_text="Used only to apply balance rules.")

    def __init__(self, *args: Any, genders: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if genders:
            self.fields["gender"].choices = [("", "not recorded"), *[(g, g) for g in genders]]
        else:  # the organisation records no genders: no field to fill in
            del self.fields["gender"]


class BalanceRuleForm(forms.Form):
    minimum = forms.IntegerField(min_value=1, max_value=100, initial=1, label="At least")
    gender = forms.ChoiceField(required=False, label="of the elected must be")
    candidates = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="or from these candidates"
    )
    group = forms.CharField(
        required=False, max_length=100, label="Name of that group", help_text="e.g. “BAME candidates”."
    )
    maximum = forms.IntegerField(min_value=0, required=False, label="At most (optional)")

    def __init__(self, *args: Any, genders: list[str], ballot: Ballot, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = [("", "choose…"), *[(g, group_name(g)) for g in genders]]
        self.fields["candidates"].choices = [
            (str(c.pk), c.name) for c in ballot.candidates.filter(withdrawn=False).order_by("number")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("gender")) == bool(data.get("candidates")):
            raise forms.ValidationError("Choose either a gender or some candidates for the group (one of the two).")
        if data.get("candidates") and not data.get("group", "").strip():
            self.add_error("group", "Name the group of candidates, e.g. “BAME candidates”.")
        if data.get("gender"):
            data["group"] = group_name(data["gender"])
        return data


class ElectorateForm(forms.Form):
    units = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Members of these units (and the units under them)"
    )
    statuses = forms.MultipleChoiceField(
        choices=STATUS_CHOICES, widget=forms.CheckboxSelectMultiple, label="With these membership statuses"
    )
    freeze_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Joined on or before (freeze date)"
    )
    allow_arrears = forms.BooleanField(required=False, label="Members in arrears may vote")
    supporters_allowed = forms.BooleanField(required=False, label="Registered and affiliated supporters may vote")

    def __init__(self, *args: Any, units: list[Unit], whole_organisation: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        self.whole_organisation = whole_organisation
        self.fields["units"].choices = [(str(u.pk), u.name) for u in units]
        if whole_organisation:
            self.fields["units"].help_text = "None ticked: the whole organisation."
        else:
            self.fields["units"].required = True
            self.fields["units"].help_text = "You run ballots for these units only."

    def chosen_units(self) -> list[Unit]:
        return [self.units[k] for k in self.cleaned_data.get("units", [])]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class TimetableForm(forms.Form):
    opens_at = forms.DateTimeField(widget=LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                   label="Voting opens")  # fmt: skip
    closes_at = forms.DateTimeField(widget=LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                    label="Voting closes")  # fmt: skip
    count_when_closed = forms.BooleanField(
        required=False, label="Count as soon as voting closes (the result is still published by hand)"
    )

    def __init__(self, *args: Any, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zoneinfo.ZoneInfo(zone)
        for name in ("opens_at", "closes_at"):
            self.fields[name].help_text = f"In {zone} time."

    def _aware(self, value: dt.datetime | None) -> dt.datetime | None:
        # The browser sends a wall-clock time; it is the organisation's, whatever the server's zone.
        # Django read it in the server's zone (UTC): keep the wall-clock reading, put it in the organisation's.
        if value is None:
            return None
        return value.replace(tzinfo=None).replace(tzinfo=self.zone)

    def local(self, value: dt.datetime | None) -> str:
        """How a stored time is shown in the box: the organisation's wall-clock time."""
        return timezone.localtime(value, self.zone).strftime("%Y-%m-%dT%H:%M") if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("opens_at", "closes_at"):
            if data.get(name) is not None:
                data[name] = self._aware(data[name])
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", "Voting must close after it opens.")
        return data


class OfficerForm(forms.Form):
    user = forms.ChoiceField(label="Person")
    role = forms.ChoiceField(choices=[("officer", "returning officer"), ("scrutineer", "scrutineer")])

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = people


TRUSTEE_ROWS = 7


class VerifiableForm(forms.Form):
    """Whether the ballot is verifiable, and how (docs/verifiable.md): its trustees (a name and the email they
    sign in with, one row each), the threshold, the voting codes and the mixing."""

    verifiable = forms.BooleanField(required=False, label="Make this a verifiable ballot")
    trustee_threshold = forms.IntegerField(
        min_value=1, max_value=TRUSTEE_ROWS, label="How many trustees must take part to decrypt",
        help_text="Fewer than all lets the count go ahead if a trustee is ill or loses their file; more than half "
        "stops a minority of them from decrypting on their own.",
    )  # fmt: skip
    credential_mode = forms.ChoiceField(
        label="Voting codes",
        widget=forms.RadioSelect,
        choices=[
            ("server", "Sent by omov in each voter's voting link (simplest)"),
            ("offline", "Made on your own computer and sent by letter (the server never sees them)"),
        ],
    )
    mix_count = forms.ChoiceField(
        label="Mixing (ranked ballots)", widget=forms.RadioSelect,
        choices=[("2", "The server, then one trustee on their own computer (recommended)"),
                 ("1", "The server only")],
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, TRUSTEE_ROWS + 1):
            self.fields[f"name_{i}"] = forms.CharField(max_length=200, required=False, label=f"Trustee {i}: name")
            self.fields[f"email_{i}"] = forms.EmailField(required=False, label=f"Trustee {i}: email address")

    def rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"name_{i}"], self[f"email_{i}"]) for i in range(1, TRUSTEE_ROWS + 1)]

    def trustees(self) -> list[tuple[str, str]]:
        """The filled rows as (name, email), in order."""
        d = self.cleaned_data
        return [(d[f"name_{i}"].strip(), d[f"email_{i}"].strip()) for i in range(1, TRUSTEE_ROWS + 1)
                if d.get(f"name_{i}", "").strip() or d.get(f"email_{i}", "").strip()]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(1, TRUSTEE_ROWS + 1):
            name, email = (data.get(f"name_{i}") or "").strip(), (data.get(f"email_{i}") or "").strip()
            if name and not email and f"email_{i}" not in self.errors:
                self.add_error(f"email_{i}", f"Give the email address {name} signs in with.")
            if email and not name:
                self.add_error(f"name_{i}", "Give this trustee's name.")
        if data.get("verifiable") and not self.errors:
            n, t = len(self.trustees()), data.get("trustee_threshold")
            if n == 0:
                self.add_error("name_1", "Name at least one trustee (three, any two of whom decrypt, is usual).")
            elif t is not None and t > n:
                self.add_error("trustee_threshold", f"At most the number of trustees ({n}).")
        return data
