"""`omov moderation screen` under attack: odd JSON, odd bytes, odd line breaks, absurd thresholds and settings.

Every bad input is exit status 2 with one line on standard error naming the file and line (or the option), never
a traceback or an output that is not JSON; the fuzz tests feed the reader and the options arbitrary input.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omov.voice.cli import _read, main, threshold
from omov.voice.moderation import ModerationSettings

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def screen(tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str, str]:
    path = tmp_path / "comments.jsonl"
    path.write_bytes(content)
    rc = main(["screen", str(path), *options])
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.mark.parametrize(("content", "message"), [
    (b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n", "line 1: the JSON is nested too deeply"),
    (b'ok\n{"text": "\\ud800 hi"}\n', "line 2: a lone surrogate (U+D800) is not text"),
    (b'{"text": "x", "id": "\\udfff"}\n', "line 1: a lone surrogate (U+DFFF) is not text"),
    (b'{"text": "x", "id": NaN}\n', "line 1: not valid JSON (NaN is not a JSON number)"),
    (b'{"text": "x", "id": -Infinity}\n', "line 1: not valid JSON (-Infinity is not a JSON number)"),
    (b'{"text": "x", "id": 1e400}\n', "line 1: not valid JSON (1e400 is too large for a number)"),
    (b'{"text": "x", "id": ' + b"9" * 5000 + b"}\n", "line 1: not valid JSON (a number of 5000 digits is too long"),
    (b'{"text": "a", "text": "b"}\n', "line 1: not valid JSON (the key 'text' appears twice"),
    (b'{"text": "a", "line": 99}\n', "line 1: the field(s) line would be overwritten"),
    (b'{"text": "a", "verdict": "accept"}\n', "line 1: the field(s) verdict would be overwritten"),
    (b'{"text": 5}\n', 'line 1: a JSON line needs a "text" string'),
    (b'{"text": "a"} {"text": "b"}\n', "line 1: not valid JSON (Extra data at column 15)"),
    (b"fine\n\xff\xfe bad\n", "line 2: the file is not UTF-8 text (byte 0xFF)"),
])
def test_a_bad_line_is_refused_naming_the_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    rc, out, err = screen(tmp_path, content, capsys)
    assert rc == 2 and out == ""
    assert err.startswith(f"omov moderation: {tmp_path / 'comments.jsonl'}, ") and message in err
    assert err.count("\n") == 1 and len(err) < 400


def test_a_file_that_cannot_be_read_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", str(tmp_path)]) == 2
    assert f"omov moderation: {tmp_path}: cannot read the file: Is a directory" in capsys.readouterr().err
    assert main(["screen", str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt: cannot read the file: No such file or directory" in capsys.readouterr().err


def test_only_a_newline_ends_a_comment_so_line_numbers_stay_true(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: str.splitlines() cut this one comment into five at \r, \x0b, \x1c, \x85 and U+2028, and numbered the
    # comment after it 6.
    content = "a\rb\x0bc\x1cd\x85e\u2028f\r\nsecond\n".encode()
    rc, out, _ = screen(tmp_path, content, capsys)
    assert rc == 0 and [json.loads(x)["line"] for x in out.splitlines()] == [1, 2]


def test_odd_but_well_formed_input_is_screened_and_echoed_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = ('\ufeff{"text": "Ann\\u202e \\u0000 \u0645\u062d\u0645\u062f", "id": {"n": [1, 2.5, null, true]}}\n'
               'a plain line with a NUL \x00 and an escape \x1b[31m\n').encode()
    rc, out, _ = screen(tmp_path, content, capsys)
    rows = [json.loads(x) for x in out.splitlines()]
    assert rc == 0 and [r["line"] for r in rows] == [1, 2] and rows[0]["id"] == {"n": [1, 2.5, None, True]}


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "1.5", "2", "1e308", "1_0", "+0.5", "١", "0x1", "",
                                   "0.5.5", "9" * 400])
def test_a_threshold_outside_0_to_1_or_not_in_ascii_digits_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    for option in ("--abuse-threshold", "--spam-threshold", "--hold-threshold"):
        with pytest.raises(SystemExit) as exc:
            main(["screen", str(tmp_path / "x.txt"), f"{option}={value}"])
        err = capsys.readouterr().err
        assert exc.value.code == 2 and f"argument {option}:" in err and "is not a threshold" in err
        assert len(err.splitlines()[-1]) < 200


@pytest.mark.parametrize(("value", "expected"), [("0", 0.0), ("1", 1.0), ("0.5", 0.5), (".25", 0.25), ("1.0", 1.0)])
def test_a_threshold_from_0_to_1_is_taken(value: str, expected: float) -> None:
    assert threshold(value) == expected


@pytest.mark.parametrize("values", [
    {"abuse_hold_threshold": float("nan")}, {"spam_threshold": 1e308}, {"spam_hold_threshold": -0.1},
    {"spam_hold_threshold_words_only": "0.5"}, {"spam_prior": 0}, {"spam_prior": 1.0}, {"max_length": -1},
    {"rate_hard": 2.5}, {"max_links": True},
])
def test_moderation_settings_out_of_range_are_refused_naming_the_setting(values: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=f"moderation setting {next(iter(values))} is"):
        ModerationSettings.from_mapping(values)


# ---------------------------------------------------------------------------------------------- fuzzing

_JSONISH = st.sampled_from(['{', '}', '"text"', '"id"', '"line"', ':', ',', '"', '\\', 'u', 'd', '8', '0', 'NaN',
                            'Infinity', '1e400', '9' * 30, '[', ']', ' ', '\n', '\r', '\x85', '\u2028', 'a', 'é',
                            '\\ud800', '\\n', 'null', 'true'])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(_JSONISH, max_size=40).map("".join) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_fuzz_the_reader_gives_items_that_can_be_echoed_or_an_error_naming_the_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        items = _read(str(path))
    except ValueError as exc:
        assert str(exc).startswith(f"{path}, line ")
        return
    lines = [n for n, _ in items]
    assert lines == sorted(set(lines)) and all(1 <= n <= text.count("\n") + 1 for n in lines)
    for _, item in items:
        assert isinstance(item["text"], str) and not (item.keys() & {"line", "verdict", "reasons", "scores"})
        json.dumps(item, ensure_ascii=False, allow_nan=False).encode("utf-8")


def test_standard_input_is_read_as_bytes_and_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"ok\n\xff\n"), "utf-8"))
    with pytest.raises(ValueError, match="<stdin>, line 2: the file is not UTF-8"):
        _read("-")


@FUZZ
@given(raw=st.binary(max_size=300), value=st.text(max_size=12) | st.floats(allow_nan=True).map(str))
def test_fuzz_the_command_exits_0_with_json_lines_or_2_with_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: bytes, value: str
) -> None:
    try:
        rc, out, err = screen(tmp_path, raw, capsys, f"--abuse-threshold={value}")
    except SystemExit as exc:  # argparse refuses the option: status 2, and says which
        assert exc.code == 2 and "argument --abuse-threshold" in capsys.readouterr().err
        return
    if rc == 0:
        assert all(isinstance(json.loads(x)["line"], int) for x in out.splitlines())
        assert 0 <= float(value) <= 1
    else:
        assert rc == 2 and out == "" and err.startswith("omov moderation: ") and err.count("\n") == 1
