"""omov.count: the counting engine. Pure Python; no Django, no database, no network.

    from omov.count import count, read_blt
    result = count(read_blt("ward.blt"), "scottish", seed="2026")
    print(result.elected_names)
"""

from omov.count.engine import count
from omov.count.errors import CountError
from omov.count.formats.blt import parse_blt, read_blt, write_blt
from omov.count.profile import Candidate, Profile
from omov.count.result import Count, Stage
from omov.count.rules import PRESETS, Constraint, Rule, preset

__all__ = [
    "PRESETS",
    "Candidate",
    "Constraint",
    "Count",
    "CountError",
    "Profile",
    "Rule",
    "Stage",
    "count",
    "parse_blt",
    "preset",
    "read_blt",
    "write_blt",
]
