"""Scottish STV: the Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1, rules 45-52.

Source: The Scottish Local Government Elections Order 2007, SSI 2007/42, Schedule 1 (Scottish Local Government
Elections Rules), Part III "Counting of votes", rules 45-52, as made
(https://www.legislation.gov.uk/ssi/2007/42/schedule/1/made), and the definitions in article 2. The text
below paraphrases it clause by clause; the clause numbers appear again in comments at the lines of
`omov/count/methods/_gregory.py` that carry them out (the count procedure is shared with `wigm`, which
varies the choices this statute fixes).

Definitions (article 2)
  - A *continuing candidate* is one neither deemed elected nor excluded under rule 50.
  - The *next available preference* is the second or later preference, in consecutive order, for a
    continuing candidate; preferences for candidates deemed elected or excluded are skipped.
  - A *non-transferable paper* has no next available preference; a *transferable paper* has one.
  - A *stage of the count* is the first-preference count, the transfer of one elected candidate's surplus,
    or the exclusion of one candidate.
  - The *surplus* is the number of votes by which a candidate deemed elected exceeds the quota.

Rule 45 (first stage)
  (1) Sort the valid papers by first preference. (2) Count each parcel and credit each candidate with one
  vote per paper. (3) Record the total number of valid papers.
Rule 46 (the quota)
  (1) Divide the valid papers by one more than the number of councillors to be elected; (2) ignoring any
  decimal places, add one: that is the quota.
Rule 47 (return of councillors)
  (1) A candidate whose votes, at any stage, equal or exceed the quota is deemed elected.
Rule 48 (transfer of ballot papers)
  (1) When at the end of a stage a candidate's votes exceed the quota and (subject to rules 49 and 52)
  vacancies remain, sort *all* the papers received by that candidate by next available preference, the
  papers with none forming a parcel of non-transferable papers.
  (2) Transfer each parcel to the continuing candidate of its next available preference, crediting the
  votes worked out under (3).
  (3) Each transferred paper has the transfer value A / B, A = the surplus times the value of the paper when
  the transferring candidate received it, B = that candidate's total votes, worked to five decimal places
  with any remainder ignored.
  (4) The value of a paper is one for a first preference for the transferring candidate, and otherwise the
  transfer value at which that candidate received it.
Rule 49 (surpluses: supplementary)
  (1) When two or more candidates exceed the quota, the papers of the one with the highest surplus are
  sorted and transferred first. (2) Equal surpluses: first the candidate who had the most votes at the end
  of the most recent preceding stage at which they had unequal votes. (3) Equal at every stage: by lot.
Rule 50 (exclusion of candidates)
  (1) When vacancies remain and every paper rule 48 (or this rule) requires to be transferred has been
  transferred, or there is none, exclude the candidate then lowest (one candidate: there is no exclusion
  of several together, and no surplus is deferred). (2) Sort that candidate's papers by next available
  preference, the rest being non-transferable; (3) transfer each parcel to its continuing candidate;
  (4) each paper keeps its value: one, or the transfer value at which the excluded candidate received it.
  (5) This rule is subject to rule 52.
Rule 51 (exclusion: supplementary)
  (1)-(2)(a) When two or more candidates share the lowest votes, the one with fewest votes at the end of
  the most recent preceding stage at which they had unequal votes is excluded; (2)(b) if they were equal at
  every stage, the returning officer decides by lot.
Rule 52 (filling of last vacancies)
  (1) When the continuing candidates are as many as the vacancies unfilled, they are deemed elected.
  (2) No further transfer is then made.

How this module reads the text
  - Every value is an integer number of units of 0.00001 (rule 48(3)); the elected candidate keeps the
    quota, the parcel of non-transferable papers of a surplus is shown at its transfer value, and what the
    ignored remainders leave over is shown as "loss" on the sheet, so each stage adds up to the valid papers.
  - Rule 52 is applied as soon as it can be: before any surplus transfer (rule 48(1) is "subject to rule
    52") and at the exclusion that leaves as many continuing candidates as vacancies (rule 50(5)); the
    excluded candidate's papers are then not transferred (rule 52(2)), and the sheet shows that stage as
    "Exclusion of X; last vacancies filled" with X's votes left where they were. (Electronic counts in 2007
    and 2012 did print that last transfer; SSI 2021/437 later amended the successor rule to say such a
    transfer is not *required*. The text as made says none shall be made, and that is what is done here.)
  - Several candidates reaching the quota at one stage are all deemed elected (rule 47) and their surpluses
    then go one per stage, highest first (rule 49), the order re-examined at the end of every stage.
  - Ties go through `omov.count.ties.break_tie` with the rule's `ties` (the preset: "backwards", then
    "lot"), which is rules 49(2)-(3) and 51(2). A lot is drawn from the count's published seed. With three
    or more tied, the most recent stage at which they were not all equal is used, and any still tied there
    are looked back at again among themselves (the text is silent on that case).
  - A paper with no preference for any continuing candidate at the start (an empty ranking, or one naming
    only withdrawn candidates) is not a valid paper for rules 45-46 (a paper without a first preference is
    rejected); it is reported as invalid on the sheet.
  - Withdrawn candidates are skipped on every paper. The statute knows no group constraints; a rule with
    `constraints` (an organisation's own addition) is counted as described in omov.count.constraints, every
    decision noted on the stage: a candidate reaching the quota whose election would make a constraint
    unmeetable is passed over (excluded, papers transferred at the next stage), the lowest candidate is
    excluded only if the constraints remain satisfiable, and a group's continuing members are elected when
    its minimum needs all of them.
"""

from __future__ import annotations

from omov.count.errors import CountError
from omov.count.methods._gregory import GregoryCount, GregoryOptions, ProgressFn
from omov.count.profile import Profile
from omov.count.result import Count
from omov.count.rules import Rule
from omov.count.ties import Lot

CITES = {
    "quota": "rule 46",
    "elect": "rule 47(1)",
    "tv": "rule 48(3)",
    "surplus_tie": "rule 49(2)-(3)",
    "exclude": "rule 50(1)",
    "exclude_values": "as rule 50(2)-(4)",
    "exclude_tie": "rule 51(2)",
    "last": "rule 52(1)",
    "no_transfer": "rules 50(5), 52(2)",
    "empty": "rules 45-46: valid papers only",
}

STATUTE = GregoryOptions(
    quota="droop",  # rule 46
    decimals=5,  # rule 48(3): five decimal places
    rounding="down",  # rule 48(3): any remainder being ignored
    ties=("backwards", "lot"),  # rules 49(2)-(3), 51(2)
    empty_papers="invalid",
    cite=CITES,
)


def options_for(rule: Rule) -> GregoryOptions:
    """The statute's fixed choices; a rule asking for others is told to use the `wigm` method."""
    if rule.quota != "droop" or rule.decimals != 5:
        raise CountError(
            f"the Scottish rules fix the quota (droop, rule 46) and five decimal places (rule 48(3)); "
            f"this rule asks for quota={rule.quota!r}, decimals={rule.decimals!r}: use the 'wigm' method for "
            "a variant"
        )
    if tuple(rule.ties) != STATUTE.ties:
        raise CountError(
            "the Scottish rules fix how ties are broken (rules 49(2)-(3) and 51(2): earlier stages backwards, "
            f"then lot); this rule asks for {list(rule.ties)}: use the 'wigm' method for a variant"
        )
    return STATUTE


def run(profile: Profile, rule: Rule, *, seats: int, lot: Lot, progress: ProgressFn | None) -> Count:
    """Count `profile` under SSI 2007/42 Schedule 1 rules 45-52 (plus any group constraints of `rule`)."""
    return GregoryCount(profile, rule, options_for(rule), seats=seats, lot=lot, progress=progress).run()
