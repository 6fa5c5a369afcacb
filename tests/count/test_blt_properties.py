"""Property tests of the BLT reader: what write_blt writes reads back the same (names, parties, withdrawn, title,
papers), through every variant of the format a council or a spreadsheet adds; anything else is a CountError.

Small inputs, a hundred examples each: every test runs in a few seconds.
"""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from omov.count import Candidate, CountError, Profile, parse_blt
from omov.count.formats.blt import decode_noting, write_blt

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# names and parties: letters and the characters that make BLT text awkward (quotes, commas, '#', '=', digits)
TEXT = st.text(alphabet='AbcÉö xyz"\',#=-()0123456789/*', min_size=1, max_size=12).map(lambda s: " ".join(s.split()))


@st.composite
def profiles(draw: st.DrawFn, parties: bool) -> Profile:
    names = draw(st.lists(TEXT.filter(bool), min_size=1, max_size=5, unique=True))
    n = len(names)
    party = [draw(st.one_of(st.just(""), TEXT)) if parties else "" for _ in names]
    if not any(party):
        # `"Ann ""Labour"""` on every line is a council's name+party, not names ending in quotes: such files
        # cannot say the other thing, so the writer's round trip is asked only of names not all shaped so
        assume(not all(name.endswith('"') for name in names))
    candidates = tuple(
        Candidate(name, draw(st.booleans()), p) for name, p in zip(names, party, strict=True)
    )
    rankings = draw(
        st.lists(
            st.permutations(range(n)).flatmap(lambda perm: st.integers(0, len(perm)).map(lambda k: tuple(perm[:k]))),
            min_size=0,
            max_size=6,
            unique=True,
        )
    )
    weights = draw(st.lists(st.integers(1, 50), min_size=len(rankings), max_size=len(rankings)))
    title = draw(st.one_of(st.just(""), TEXT))
    return Profile(candidates, tuple(rankings), tuple(weights), seats=draw(st.integers(1, n)), title=title)


def same(a: Profile, b: Profile) -> None:
    assert a == b
    assert a.candidates == b.candidates  # names, withdrawn and parties
    assert a.title == b.title and a.seats == b.seats


@FAST
@given(profiles(parties=True))
def test_a_written_profile_reads_back_the_same_with_its_parties(profile: Profile) -> None:
    again = parse_blt(write_blt(profile))
    same(again, profile)
    if any(profile.parties):
        assert any("a name and a party" in w for w in again.warnings)


@FAST
@given(profiles(parties=False))
def test_a_written_profile_without_parties_reads_back_without_warnings(profile: Profile) -> None:
    again = parse_blt(write_blt(profile))
    same(again, profile)
    # withdrawn candidates are a standard line of the format, but still named
    assert all("withdrawn" in w for w in again.warnings)


VARIANTS = ("crlf", "bom", "utf16", "commas", "comments", "latin1")


@FAST
@given(profiles(parties=True), st.sets(st.sampled_from(VARIANTS)))
def test_every_variant_a_spreadsheet_or_council_adds_reads_the_same_and_is_named(
    profile: Profile, variants: set[str]
) -> None:
    lines = write_blt(profile).splitlines()
    first_name = len(lines) - len(profile.candidates) - 1
    if "commas" in variants:
        lines = [line + "," for line in lines]
    if "comments" in variants:
        lines = [line + "  # exported" if k < first_name else line for k, line in enumerate(lines)]
        lines.insert(0, "# a comment before the header")
    text = ("\r\n" if "crlf" in variants else "\n").join(lines) + "\n"
    if "utf16" in variants:
        variants.discard("latin1")
        data = text.encode("utf-16")
    elif "latin1" in variants and all(ord(ch) < 256 for ch in text) and any(ord(ch) > 127 for ch in text):
        variants.discard("bom")  # a byte-order mark is UTF-8's; a Latin-1 file has none
        data = text.encode("latin-1")
    else:
        variants.discard("latin1")
        data = (b"\xef\xbb\xbf" if "bom" in variants else b"") + text.encode("utf-8")
    decoded, notes = decode_noting(data)
    again = parse_blt(decoded, warnings=notes)
    same(again, profile)
    said = " | ".join(again.warnings)
    expected = {
        "crlf": "CRLF", "utf16": "UTF-16", "commas": "commas", "comments": "comments", "latin1": "Latin-1",
        "bom": "UTF-16" if "utf16" in variants else "byte-order mark",
    }
    for variant in variants:
        assert expected[variant] in said, (variant, again.warnings)


BLT_CHARS = st.sampled_from(
    list("0123456789 \n\n\n\t\"\",-=()#/*ab") + ["\r\n", "\ufeff", "0\n", " 0\n", '"A"\n', '""', "=tie"]
)


@FAST
@given(st.lists(BLT_CHARS, max_size=60).map("".join))
def test_arbitrary_blt_like_text_reads_or_is_refused_with_a_line(text: str) -> None:
    try:
        profile = parse_blt(text, allow_equal=True)
    except CountError as exc:
        assert exc.source == "<blt>" and exc.message
        return
    assert len(profile.candidates) >= 1 and all(c.name for c in profile.candidates)


@st.composite
def broken_files(draw: st.DrawFn) -> str:
    """A header and papers that read, then a names section built from council-style pieces, rightly or not."""
    n = draw(st.integers(1, 4))
    head = f"{n} 1\n1 1 0\n0\n"
    pieces = st.sampled_from([
        '"Ann"', '"Ann" "Lab"', 'Ann "Lab"', '"Ann ""Lab"""', '"""Ann"" ""Lab"" "', 'Lab "Ann SMITH"', "Ann,",
        "Ann,Lab,", '"Ann', '"Ann" "Lab" "x"', "0", "-1", "=tie 1 0", "", '"A" "B" "C"', "Ann #x", '"T"',
    ])
    body = "\n".join(draw(st.lists(pieces, max_size=7)))
    return head + body + draw(st.sampled_from(["", "\n", "\r\n"]))


@FAST
@given(broken_files())
def test_a_names_section_of_any_shape_reads_or_is_refused_with_a_line(text: str) -> None:
    try:
        profile = parse_blt(text)
    except CountError as exc:
        assert exc.line is not None and exc.line >= 1, exc
        return
    assert len(profile.names) == len(set(profile.names)) == len(profile.parties)
    assert all(n and '\n' not in n for n in profile.names)


@FAST
@given(st.binary(max_size=200))
def test_any_bytes_decode_and_read_or_are_refused(data: bytes) -> None:
    text, notes = decode_noting(data)
    try:
        parse_blt(text, warnings=notes)
    except CountError:
        pass
