"""The counting engine's one exception family."""

from __future__ import annotations


class CountError(Exception):
    """Anything wrong with a count's input or options, said so that a person can fix it.

    `source` names the file (or other input) and `line` the 1-based line where the problem is, when known.
    """

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.source = source
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.source is not None:
            where = self.source + (f", line {self.line}" if self.line is not None else "") + ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        return where + self.message
