"""Ballot-access rules as data: terms combined with AND / OR, evaluated with their working shown.

A rule is written in a small language, so that a party secretary can type one in and a scrutineer can read it:

    mp >= 10%                          at least 10% of the group `mp` (its size is given), rounded up
    clp >= 33                          at least 33 nominations from the group `clp`
    affiliates(3, union >= 2, members >= 5%)
                                       at least 3 nominating affiliates, at least 2 of kind `union`, whose
                                       affiliated membership together is at least 5% of all affiliated members
    A and B, A or B, (A)               combinations; `and` binds tighter than `or`

Shares are rounded UP to a whole number of nominators: the Labour Party's rule books say "per cent of" a body,
and a nomination is a whole person or body, so 5% of 648 CLPs is 33 (32.4 rounded up), as the party applied it
in 2020 ("5% of local parties – 33", LabourList, 8 January 2020) and 10% of 212 MPs and MEPs is 22 (the 2020
threshold reported by the party). A share of affiliated *membership* is compared exactly (no rounding).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from omov.nominations.errors import NominationError


class RuleError(ValueError):
    """A malformed rule expression, or a rule that refers to something not given."""


# ---------------------------------------------------------------------------------------------- numbers
# Numbers are written in ASCII digits only: Python's int(), float(), Decimal() and Fraction() also take `1_0`,
# `+5`, ` 5 `, `nan`, `1e400` and other scripts' digits (`١٠`), and Fraction("1e-99999999") computes a power
# of ten for minutes. Every number a reader takes goes through the patterns below first.

# The largest count, size or membership a reader takes: more than any organisation's membership or any body's
# seats (Labour's affiliated membership is in the low millions), small enough that a share of it, shown as a
# float in the working, is exact, and that a typo of extra digits is refused instead of silently believed.
MAX_COUNT = 1_000_000_000

_WHOLE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+", re.ASCII)  # 212, 648 or 1,234,567 (groups of three)
_SHARE = re.compile(r"(?:[0-9]{1,9}(?:\.[0-9]{1,9})?%?|[0-9]{1,9}/[0-9]{1,9})", re.ASCII)


def parse_count(text: str, what: str) -> int:
    """A whole number from 0 to MAX_COUNT in ASCII digits (thousands may be grouped with commas: 1,234)."""
    raw = text.strip()
    if not _WHOLE.fullmatch(raw):
        raise RuleError(f"{what}: {quoted(raw)} is not a whole number (write digits 0-9, such as 212 or 1,234)")
    digits = raw.replace(",", "")
    if len(digits) > len(str(MAX_COUNT)) or int(digits) > MAX_COUNT:
        raise RuleError(f"{what}: {quoted(raw)} is more than {MAX_COUNT:,}, beyond any real body")
    return int(digits)


def quoted(text: str, limit: int = 40) -> str:
    """A value quoted in an error message, cut short: a 5,000-digit number is not repeated back in full."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


def parse_share(text: str) -> Fraction:
    """A share written as 1/3, 0.5 or 50% (ASCII digits); more than 0 and at most 1 (all)."""
    raw = text.strip()
    if not _SHARE.fullmatch(raw):
        raise NominationError(f"a share is written 1/3, 0.5 or 50%, not {quoted(text)}")
    try:
        value = Fraction(raw[:-1]) / 100 if raw.endswith("%") else Fraction(raw)
    except ZeroDivisionError:
        raise NominationError(f"a share is written 1/3, 0.5 or 50%, not {quoted(text)}") from None
    if not 0 < value <= 1:
        raise NominationError(f"a share must be more than 0 and at most 1 (all), not {quoted(text)}")
    return value


# ---------------------------------------------------------------------------------------------- the data


@dataclass(frozen=True)
class Nomination:
    """One nomination (or, with `count`, a published total entered as one row)."""

    candidate: str
    group: str  # the nominating group's key: mp, clp, affiliate, branch, ...
    nominator: str = ""
    count: int = 1
    kind: str = ""  # for affiliates: union, society, ...
    members: int = 0  # for affiliates: affiliated membership


@dataclass(frozen=True)
class TermResult:
    """How one term fared for one candidate: the numbers behind the verdict."""

    term: str
    passed: bool
    have: str
    need: str
    working: str


@dataclass(frozen=True)
class Evaluation:
    """A candidate's result under a rule: qualified or not, and every term's working."""

    candidate: str
    qualified: bool
    terms: tuple[TermResult, ...]


# ---------------------------------------------------------------------------------------------- the terms


def _share_needed(percent: Fraction, size: int) -> int:
    """Nominators needed for `percent` of a group of `size`, rounded up (see the module docstring)."""
    return math.ceil(percent * size / 100)


@dataclass(frozen=True)
class GroupTerm:
    """At least N, or at least P% (rounded up), of the group's nominations."""

    group: str
    number: int | None = None
    percent: Fraction | None = None

    def text(self) -> str:
        if self.percent is not None:
            return f"{self.group} >= {_fmt_pct(self.percent)}%"
        return f"{self.group} >= {self.number}"

    def evaluate(self, noms: Sequence[Nomination], sizes: Mapping[str, int]) -> TermResult:
        have = sum(n.count for n in noms if n.group == self.group)
        if self.percent is not None:
            if self.group not in sizes:
                raise RuleError(f"the rule needs the size of group {self.group!r}: give --size {self.group}=N")
            size = sizes[self.group]
            need = _share_needed(self.percent, size)
            exact = float(self.percent * size / 100)
            working = f"{have} of {size} {self.group}; {_fmt_pct(self.percent)}% of {size} is {exact:g}"
            working += f", rounded up to {need}"
        else:
            need = self.number or 0
            working = f"{have} {self.group} nominations; {need} needed"
        return TermResult(self.text(), have >= need, str(have), str(need), working)


@dataclass(frozen=True)
class AffiliatesTerm:
    """At least N affiliates, of which at least M of each named kind, together >= P% of affiliated members."""

    number: int
    kinds: tuple[tuple[str, int], ...] = ()
    members_percent: Fraction | None = None
    group: str = "affiliate"

    def text(self) -> str:
        parts = [str(self.number)] + [f"{k} >= {m}" for k, m in self.kinds]
        if self.members_percent is not None:
            parts.append(f"members >= {_fmt_pct(self.members_percent)}%")
        return "affiliates(" + ", ".join(parts) + ")"

    def evaluate(self, noms: Sequence[Nomination], sizes: Mapping[str, int]) -> TermResult:
        mine = [n for n in noms if n.group == self.group]
        have = sum(n.count for n in mine)
        ok = have >= self.number
        bits = [f"{have} affiliate{_s(have)} (need {self.number})"]
        for kind, m in self.kinds:
            got = sum(n.count for n in mine if n.kind == kind)
            ok = ok and got >= m
            bits.append(f"{got} of kind {kind} (need {m})")
        if self.members_percent is not None:
            key = "affiliate_members"
            if key not in sizes:
                # Without the total the share cannot be shown to be met: the term fails, and says why.
                bits.append("total affiliated membership not given (--size affiliate_members=N): not met")
                return TermResult(self.text(), False, str(have), str(self.number), "; ".join(bits))
            total = sizes[key]
            members = sum(n.members for n in mine)
            need_members = self.members_percent * total / 100
            ok = ok and members >= need_members
            pct = _fmt_pct(self.members_percent)
            bits.append(f"{members:,} affiliated members of {total:,} (need {pct}% = {float(need_members):,.0f})")
        return TermResult(self.text(), ok, str(have), str(self.number), "; ".join(bits))


@dataclass(frozen=True)
class AllOf:
    """Every part must pass."""

    parts: tuple[Expr, ...]

    def text(self) -> str:
        return " and ".join(_wrap(p, self) for p in self.parts)


@dataclass(frozen=True)
class AnyOf:
    """At least one part must pass."""

    parts: tuple[Expr, ...]

    def text(self) -> str:
        return " or ".join(_wrap(p, self) for p in self.parts)


Expr = GroupTerm | AffiliatesTerm | AllOf | AnyOf


def _wrap(part: Expr, parent: Expr) -> str:
    return f"({part.text()})" if isinstance(part, AnyOf) and isinstance(parent, AllOf) else part.text()


def _s(n: int) -> str:
    """The plural ending for a count: "1 affiliate", "3 affiliates"."""
    return "" if n == 1 else "s"


def _fmt_pct(p: Fraction | None) -> str:
    if p is None:
        return ""
    return str(p.numerator) if p.denominator == 1 else f"{float(p):g}"


# ---------------------------------------------------------------------------------------------- the language

# ASCII digits only (`\d` would take other scripts' digits, which Fraction() and int() then read as numbers).
_TOKEN = re.compile(r"\s*(?:([0-9]+(?:\.[0-9]+)?)(%?)|(>=)|([A-Za-z_][A-Za-z0-9_\-]*)|([(),]))", re.ASCII)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise RuleError(f"cannot read the rule at column {pos + 1}: {text[pos:pos + 15]!r}")
        num, pct, ge, word, punct = m.groups()
        col = m.start() + (len(m.group(0)) - len(m.group(0).lstrip())) + 1
        if num is not None:
            out.append(("pct" if pct else "num", num, col))
        elif ge:
            out.append((">=", ge, col))
        elif word:
            out.append(("word", word, col))
        else:
            out.append((punct, punct, col))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, kind: str, what: str) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None or tok[0] != kind:
            where = f"at column {tok[2]} ({tok[1]!r})" if tok else "at the end"
            raise RuleError(f"expected {what} {where} in {self.text!r}")
        self.i += 1
        return tok

    def parse(self) -> Expr:
        if not self.toks:
            raise RuleError("the rule is empty")
        expr = self.or_()
        if self.peek() is not None:
            tok = self.peek()
            assert tok is not None
            raise RuleError(f"unexpected {tok[1]!r} at column {tok[2]} in {self.text!r}")
        return expr

    def or_(self) -> Expr:
        parts = [self.and_()]
        while (tok := self.peek()) and tok[0] == "word" and tok[1].lower() == "or":
            self.i += 1
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def and_(self) -> Expr:
        parts = [self.atom()]
        while (tok := self.peek()) and tok[0] == "word" and tok[1].lower() == "and":
            self.i += 1
            parts.append(self.atom())
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def atom(self) -> Expr:
        tok = self.peek()
        if tok is not None and tok[0] == "(":
            self.i += 1
            inner = self.or_()
            self.take(")", "')'")
            return inner
        word = self.take("word", "a group name, 'affiliates(...)' or '('")[1]
        if word.lower() in {"and", "or"}:
            raise RuleError(f"{word!r} needs something before it in {self.text!r}")
        if word.lower() == "affiliates" and (nxt := self.peek()) and nxt[0] == "(":
            return self.affiliates()
        self.take(">=", "'>='")
        kind, value, _ = self.take_number()
        if kind == "pct":
            return GroupTerm(word, percent=Fraction(value))
        return GroupTerm(word, number=int(value))

    def take_number(self) -> tuple[str, str, int]:
        """A number (0 to MAX_COUNT) or a share (more than 0%, at most 100%); anything else names its column."""
        tok = self.peek()
        if tok is None or tok[0] not in {"num", "pct"}:
            where = f"at column {tok[2]}" if tok else "at the end"
            raise RuleError(f"expected a number or a percentage {where} in {self.text!r}")
        self.i += 1
        kind, value, col = tok
        if kind == "num" and "." in value:
            raise RuleError(f"a number of nominations must be whole: {value!r}")
        if kind == "num" and (len(value) > len(str(MAX_COUNT)) or int(value) > MAX_COUNT):
            raise RuleError(f"the number at column {col} is more than {MAX_COUNT:,}, beyond any real body")
        # A share of 0% asks nothing, and more than 100% asks more nominators than the group has.
        if kind == "pct" and not 0 < Fraction(value) <= 100:
            raise RuleError(f"the share at column {col} must be more than 0% and at most 100%, not {value}%")
        return tok

    def affiliates(self) -> Expr:
        self.take("(", "'('")
        kind, value, _ = self.take_number()
        if kind != "num":
            raise RuleError("affiliates(...) starts with how many affiliates, e.g. affiliates(3, union >= 2)")
        number = int(value)
        kinds: list[tuple[str, int]] = []
        members: Fraction | None = None
        while (tok := self.peek()) and tok[0] == ",":
            self.i += 1
            name = self.take("word", "a kind (e.g. union) or 'members'")[1]
            self.take(">=", "'>='")
            k, v, _ = self.take_number()
            if name == "members":
                if k != "pct":
                    raise RuleError("members >= must be a percentage of affiliated membership, e.g. members >= 5%")
                members = Fraction(v)
            else:
                if k != "num":
                    raise RuleError(f"{name} >= must be a whole number of affiliates")
                kinds.append((name, int(v)))
        self.take(")", "')'")
        return AffiliatesTerm(number, tuple(kinds), members)


MAX_RULE_LENGTH = 2000  # a real rule is a line or two; this bounds the parser's work and depth


def parse_rule(text: str) -> Expr:
    """Parse a rule expression; a RuleError says where it is malformed (or that it is nested or long beyond
    any real rule: the parser recurses on brackets, and must not exhaust Python's stack)."""
    if len(text) > MAX_RULE_LENGTH:
        raise RuleError(f"the rule is {len(text)} characters long; a rule has at most {MAX_RULE_LENGTH}")
    try:
        return _Parser(text).parse()
    except RecursionError:
        raise RuleError("the rule is nested too deeply (too many brackets inside brackets)") from None


# ---------------------------------------------------------------------------------------------- presets


@dataclass(frozen=True)
class Preset:
    """A named ballot-access rule with its source."""

    name: str
    expression: str
    title: str
    source: str
    groups: tuple[str, ...] = field(default=())

    @property
    def rule(self) -> Expr:
        return parse_rule(self.expression)


PRESETS: dict[str, Preset] = {
    "2014": Preset(
        "2014",
        "mp >= 15%",
        "Vacancy: 15% of the Commons members of the PLP (Collins reforms, special conference March 2014)",
        "Labour Party Rule Book 2014, ch. 4, clause II.2.B(i); applied in 2015: 35 of 232 MPs. For a challenge, "
        "20% (preset 2014-challenge).",
    ),
    "2014-challenge": Preset(
        "2014-challenge",
        "mp >= 20%",
        "Challenge: 20% of the PLP and EPLP (2016: 51 nominations)",
        "Labour Party Rule Book 2016, ch. 4, clause II.2.B(ii).",
    ),
    "2016": Preset(
        "2016",
        "mp >= 15%",
        "Vacancy: 15% of the combined Commons members of the PLP and members of the EPLP (group mp = MPs + MEPs)",
        "Labour Party Rule Book 2016 and 2017, ch. 4, clause II.2.B(i): 'each nomination must be supported by 15 "
        "per cent of the combined Commons members of the PLP and members of the EPLP'.",
    ),
    "2017": Preset(
        "2017",
        "mp >= 10%",
        "Vacancy: 10% of MPs and MEPs (the 'McDonnell amendment' campaign's compromise, conference 2017)",
        "Labour Party annual conference 2017 rule change; T. Quinn, 'From the Wembley Conference to the "
        "McDonnell Amendment', Political Quarterly (2018).",
    ),
    "2018": Preset(
        "2018",
        "mp >= 10% and (clp >= 5% or affiliates(3, union >= 2, members >= 5%))",
        "Vacancy: 10% of MPs and MEPs, and either 5% of CLPs or 3 affiliates (2 of them trade unions) with 5% of "
        "affiliated membership",
        "Labour Party Rule Book 2019, ch. 4, clause II.2.B (conference 2018); as applied in January 2020: 22 MPs "
        "and MEPs, then 33 CLPs or three affiliates (LabourList, 8 January 2020).",
    ),
    "2021": Preset(
        "2021",
        "mp >= 20% and (clp >= 5% or affiliates(3, union >= 2, members >= 5%))",
        "Vacancy: 20% of MPs, and either 5% of CLPs or 3 affiliates (2 of them trade unions) with 5% of "
        "affiliated membership",
        "Labour Party annual conference 2021 rule changes (threshold raised from 10% to 20% of the PLP).",
    ),
}


def resolve(rule: str) -> tuple[str, Expr]:
    """A preset's name or an expression, as (label, parsed rule)."""
    if rule in PRESETS:
        return rule, PRESETS[rule].rule
    return rule, parse_rule(rule)


# ---------------------------------------------------------------------------------------------- evaluation


def _leaves(expr: Expr) -> list[GroupTerm | AffiliatesTerm]:
    if isinstance(expr, AllOf | AnyOf):
        return [leaf for p in expr.parts for leaf in _leaves(p)]
    return [expr]


def _passes(expr: Expr, results: dict[int, TermResult]) -> bool:
    if isinstance(expr, AllOf):
        return all(_passes(p, results) for p in expr.parts)
    if isinstance(expr, AnyOf):
        return any(_passes(p, results) for p in expr.parts)
    return results[id(expr)].passed


def evaluate(
    expr: Expr, candidate: str, nominations: Sequence[Nomination], sizes: Mapping[str, int]
) -> Evaluation:
    """Whether `candidate` meets `expr` with these nominations, and each term's working."""
    mine = [n for n in nominations if n.candidate == candidate]
    results = {id(leaf): leaf.evaluate(mine, sizes) for leaf in _leaves(expr)}
    return Evaluation(candidate, _passes(expr, results), tuple(results[id(leaf)] for leaf in _leaves(expr)))


def evaluate_all(
    expr: Expr, nominations: Sequence[Nomination], sizes: Mapping[str, int]
) -> list[Evaluation]:
    """Every candidate's evaluation, in the order candidates first appear in the nominations."""
    # Grouped in one pass: filtering every nomination for each candidate is quadratic in a round's size.
    by_candidate: dict[str, list[Nomination]] = {}
    for n in nominations:
        by_candidate.setdefault(n.candidate, []).append(n)
    return [evaluate(expr, c, mine, sizes) for c, mine in by_candidate.items()]
