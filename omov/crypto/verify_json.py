"""The verifier's reader of record files: canonical JSON only, and typed items (docs/record.md §2, §3 V1).

A record file is read by this strict reader, never by a general JSON parser: a general parser keeps the last of
two duplicate keys (so a file can carry a second, hidden result), takes `true` where a number is due (Python's
`True == 1`), and accepts many spellings of one document. Here a file is accepted only in its one canonical
spelling, and every refusal names the file and the item (`papers.json: papers[3].position`).

The grammar accepted (docs/record.md §2, "Canonical JSON") is JSON with: no whitespace outside strings; object
keys in strictly increasing code-point order (so no key twice); integers as `-?(0|[1-9][0-9]*)`, never `-0`,
no fraction or exponent; strings with only the escapes \\" \\\\ \\b \\f \\n \\r \\t and \\u00XX (lowercase hex)
for the other control characters U+0000..U+001F, every other character as itself; one final newline.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from omov.crypto.errors import CryptoError

MAX_DEPTH = 32  # the deepest record file (a count sheet) nests 5 levels; deeper is refused, not recursed into

_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
# The string body: runs of characters needing no escape, and the canonical escapes only.
_STRING = re.compile(r'"((?:[^"\\\x00-\x1f]+|\\["\\bfnrt]|\\u00(?:0[0-7]|0b|0e|0f|1[0-9a-f]))*)"')
_ESCAPES = {'"': '"', "\\": "\\", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_ESCAPE = re.compile(r"\\(u00[0-9a-f]{2}|.)")


class RecordJsonError(CryptoError):
    """A record file that is not canonical JSON, or an item of the wrong type; the message names both."""

    def __init__(self, file: str, item: str, problem: str) -> None:
        self.file, self.item, self.problem = file, item, problem
        super().__init__(f"{file}: {item}: {problem}" if item else f"{file}: {problem}")


def item_name(path: str, key: str | int) -> str:
    """`papers[3]` for an index, `head.hash` for a key: how messages name an item inside a file."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    return chr(int(code[3:], 16)) if code.startswith("u00") else _ESCAPES[code]


class _Reader:
    def __init__(self, text: str, file: str) -> None:
        self.text, self.file, self.pos = text, file, 0

    def fail(self, path: str, problem: str) -> RecordJsonError:
        if self.text[self.pos : self.pos + 1] in (" ", "\t", "\r", "\n") and self.pos < len(self.text):
            problem = "whitespace outside a string is not canonical"  # the likeliest cause, said plainly
        return RecordJsonError(self.file, path or "the document", f"{problem} (at character {self.pos})")

    def value(self, path: str, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail(path, f"nested deeper than {MAX_DEPTH} levels")
        ch = self.text[self.pos : self.pos + 1]
        if ch == "{":
            return self.object(path, depth)
        if ch == "[":
            return self.array(path, depth)
        if ch == '"':
            return self.string(path)
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return value
        match = _INT.match(self.text, self.pos)
        if match:
            end = match.end()
            if self.text[end : end + 1] in (".", "e", "E"):
                raise self.fail(path, "a number must be an integer (no fraction or exponent)")
            if match.group() == "-0":
                raise self.fail(path, "-0 is not canonical (write 0)")
            self.pos = end
            return int(match.group())
        raise self.fail(path, f"unexpected {ch!r}" if ch else "the file ends early")

    def string(self, path: str) -> str:
        match = _STRING.match(self.text, self.pos)
        if not match:
            raise self.fail(path, "a string that is not in canonical form (an unneeded or uppercase escape, "
                            "a raw control character, or no closing quote)")
        self.pos = match.end()
        body = match.group(1)
        return _ESCAPE.sub(_unescape, body) if "\\" in body else body

    def expect(self, ch: str, path: str) -> None:
        if self.text[self.pos : self.pos + 1] != ch:
            got = self.text[self.pos : self.pos + 1]
            raise self.fail(path, f"expected {ch!r}, found {got!r}" if got else f"expected {ch!r}, the file ends")
        self.pos += 1

    def object(self, path: str, depth: int) -> dict[str, Any]:
        self.pos += 1
        out: dict[str, Any] = {}
        previous: str | None = None
        if self.text[self.pos : self.pos + 1] == "}":
            self.pos += 1
            return out
        while True:
            if self.text[self.pos : self.pos + 1] != '"':
                raise self.fail(path, "expected a key (a string)")
            key = self.string(path)
            where = item_name(path, key)
            if key in out:
                raise self.fail(where, f"the key {key!r} appears twice in one object")
            if previous is not None and key < previous:
                raise self.fail(where, f"keys are not in order: {key!r} comes after {previous!r}")
            self.expect(":", where)
            out[key] = self.value(where, depth + 1)
            previous = key
            if self.text[self.pos : self.pos + 1] == ",":
                self.pos += 1
                continue
            self.expect("}", path)
            return out

    def array(self, path: str, depth: int) -> list[Any]:
        self.pos += 1
        out: list[Any] = []
        if self.text[self.pos : self.pos + 1] == "]":
            self.pos += 1
            return out
        while True:
            out.append(self.value(item_name(path, len(out)), depth + 1))
            if self.text[self.pos : self.pos + 1] == ",":
                self.pos += 1
                continue
            self.expect("]", path)
            return out


def read_canonical(data: bytes, file: str) -> Any:
    """The JSON value of a record file's bytes; RecordJsonError (naming file and item) unless canonical."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise RecordJsonError(file, "", "starts with a byte-order mark (not canonical)")
    try:
        text = data.decode("utf-8")  # strict: refuses invalid UTF-8, including encoded surrogates
    except UnicodeDecodeError as exc:
        raise RecordJsonError(file, "", f"is not UTF-8 (byte {exc.start})") from None
    if not text.endswith("\n"):
        raise RecordJsonError(file, "", "does not end with one newline")
    reader = _Reader(text[:-1], file)
    value = reader.value("", 0)
    if reader.pos != len(reader.text):
        raise RecordJsonError(file, "the document", "more after the end of the document (a second value, or a "
                              f"second newline) (at character {reader.pos})")
    return value


# ---------------------------------------------------------------------------------------------------------
# Typed items: each file's shape (docs/record.md §2) as a schema, checked before any item is used.
#
# A schema is one of: a type below; a list [schema] (a JSON array whose items all match) or [s1, s2, ...]
# (an array of exactly those items); a dict
# {key: schema} (a JSON object with exactly these keys); a tuple of alternatives (the first whose
# discriminating keys match is used, see `one_of`).

Schema = Any
Validator = Callable[[Any], str | None]


class Kind:
    """A leaf type: a name for messages and a test that returns None or a problem."""

    def __init__(self, name: str, test: Validator) -> None:
        self.name, self.test = name, test


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return {int: "an integer", str: "a string", list: "an array", dict: "an object"}.get(type(value), "a value")


def _integer(value: Any) -> str | None:
    # `type(...) is int`: a JSON true/false is a Python bool, which isinstance(..., int) would let through.
    return None if type(value) is int and value >= 0 else "must be a non-negative integer"


def _string(value: Any) -> str | None:
    return None if type(value) is str else "must be a string"


def _hex(size: int | None) -> Validator:
    def test(value: Any) -> str | None:
        want = f"{2 * size} lowercase hex digits" if size else "lowercase hex (an even number of digits)"
        if type(value) is not str or not re.fullmatch(r"(?:[0-9a-f]{2})*", value):
            return f"must be {want}"
        if size is not None and len(value) != 2 * size:
            return f"must be {want}, has {len(value)}"
        return None

    return test


INTEGER = Kind("integer", _integer)
STRING = Kind("string", _string)
HEX = Kind("hex", _hex(None))
HEX32 = Kind("hex32", _hex(32))  # a point, a scalar or a SHA-256 digest
ANY = Kind("any", lambda value: None)


def check_schema(value: Any, schema: Schema, file: str, path: str = "") -> None:
    """RecordJsonError naming file and item unless `value` has exactly the shape `schema` describes."""
    if isinstance(schema, Kind):
        problem = schema.test(value)
        if problem:
            raise RecordJsonError(file, path or "the document", f"{problem}, not {_json_type(value)}")
    elif isinstance(schema, list):
        if type(value) is not list:
            raise RecordJsonError(file, path or "the document", f"must be an array, not {_json_type(value)}")
        if len(schema) > 1 and len(value) != len(schema):  # a fixed-length array, e.g. a pair of points
            raise RecordJsonError(file, path, f"must have {len(schema)} items, has {len(value)}")
        for i, item in enumerate(value):
            check_schema(item, schema[i] if len(schema) > 1 else schema[0], file, item_name(path, i))
    elif isinstance(schema, dict):
        if type(value) is not dict:
            raise RecordJsonError(file, path or "the document", f"must be an object, not {_json_type(value)}")
        for key in schema:
            if key not in value:
                raise RecordJsonError(file, item_name(path, key), "is missing")
        for key in value:
            if key not in schema:
                raise RecordJsonError(file, item_name(path, key), "is not part of the record format")
            check_schema(value[key], schema[key], file, item_name(path, key))
    elif isinstance(schema, tuple):
        check_schema(value, one_of(value, schema), file, path)
    else:  # pragma: no cover - a programming error in a schema below
        raise TypeError(f"bad schema {schema!r}")


def one_of(value: Any, alternatives: tuple[dict[str, Any], ...]) -> Schema:
    """The alternative whose constant-valued keys (e.g. {"status": "valid"}) the value has, else the first."""
    for alternative in alternatives:
        constants = {k: s for k, s in alternative.items() if isinstance(s, Kind) and s.name.startswith("=")}
        if type(value) is dict and all(k in value and s.test(value[k]) is None for k, s in constants.items()):
            return alternative
    return alternatives[0]


def constant(text: str) -> Kind:
    """A string that must be exactly `text`."""
    return Kind(f"={text}", lambda value: None if value == text and type(value) is str else f"must be {text!r}")
