"""The counting methods as a returning officer chooses them: a name in words, what it does, whom it suits.

One place for the words, written from the presets of `omov.count.rules` and the docstrings of the method
modules in `omov/count/methods/` (the rule each implements, clause by clause). The codes are those of
`omov.ballots.models.METHOD_CHOICES`.
"""

from __future__ import annotations

from dataclasses import dataclass

from omov.ballots.models import METHOD_CHOICES, RANKED_METHODS


@dataclass(frozen=True)
class Method:
    code: str
    label: str
    does: str  # one line: what the count does
    suits: str  # one line: whom or what it suits
    one_seat: bool = False  # the method fills exactly one seat

    @property
    def ranked(self) -> bool:
        return self.code in RANKED_METHODS


METHODS: dict[str, Method] = {
    m.code: m
    for m in [
        Method(
            "scottish",
            "Single transferable vote, Scottish local-government rules",
            "Voters rank candidates; the Droop quota elects, surpluses pass on at a weighted value to five "
            "decimal places, the lowest are excluded (SSI 2007/42, Schedule 1, rules 45-52).",
            "Several seats where a fixed, published statutory count is wanted, e.g. an executive's section.",
        ),
        Method(
            "ers97",
            "Single transferable vote, Electoral Reform Society rules (ERS97)",
            "Voters rank candidates; counted by hand-count rules: exact Droop quota, values to two decimal "
            "places, ties settled by the earliest stage at which the candidates differed.",
            "Several seats in an organisation whose rule book names the ERS's rules, the UK standard for "
            "societies and unions.",
        ),
        Method(
            "meek",
            "Single transferable vote, Meek's method",
            "Voters rank candidates; a computer count that recomputes every transfer as candidates are elected "
            "or excluded, so no vote is lost to the order of the count.",
            "Several seats where the most proportional STV count is wanted and a computer count is accepted.",
        ),
        Method(
            "wigm",
            "Single transferable vote, weighted inclusive Gregory (adjustable)",
            "Voters rank candidates; the Scottish procedure with its quota and decimal places as options.",
            "Several seats under a rule book that uses Gregory transfers with its own details.",
        ),
        Method(
            "irv",
            "Alternative vote (instant run-off)",
            "Voters rank candidates; the lowest is excluded and their papers pass on until one candidate has a "
            "majority of the papers still in the count.",
            "One post, such as a leader, a chair or a selection: the winner is backed by a majority.",
            one_seat=True,
        ),
        Method(
            "fptp",
            "First past the post (one choice; also yes/no questions)",
            "Voters mark one candidate or option; the one with most votes wins.",
            "A yes/no question or a simple choice of one option.",
            one_seat=True,
        ),
        Method(
            "bloc",
            "Bloc vote (mark one per seat)",
            "Voters mark up to one candidate per seat; the candidates with most marks fill the seats.",
            "Several seats where the rule book says so; a majority can take every seat.",
        ),
        Method(
            "approval",
            "Approval vote (mark all you approve of)",
            "Voters mark every candidate they approve of; the most approved fill the seats.",
            "Choosing among options where a broad acceptability matters more than first choices.",
        ),
    ]
}

assert set(METHODS) == {code for code, _ in METHOD_CHOICES}, "every counting method needs its words here"


def method_label(code: str) -> str:
    """The method's name in words (its code if unknown)."""
    found = METHODS.get(code)
    return found.label if found else code
