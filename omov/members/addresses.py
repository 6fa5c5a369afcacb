"""Postal addresses, for the credential letters of members who vote by post.

An address is its lines (house, street, town: up to `MAX_LINES`, each a line of its own) and a postcode, kept
apart so a letter can print the postcode last and a mailing house can sort by it. Lines are stored as typed,
trimmed, without blank lines; they are checked like names (no control or direction-changing characters), since
a letter prints them as they are.
"""

from __future__ import annotations

from omov.members.names import name_problem

MAX_LINES = 6
MAX_LINE = 100
MAX_POSTCODE = 20  # the column's width; UK postcodes are at most 8 characters, others are longer


def clean_address(address: str) -> str:
    """The address lines as stored: each trimmed, blank lines dropped, joined by line breaks."""
    return "\n".join(line.strip() for line in address.splitlines() if line.strip())


def address_problem(address: str, postcode: str) -> str:
    """'' when the address and postcode can be printed on a letter; otherwise what is wrong and what to do."""
    lines = clean_address(address).split("\n") if address.strip() else []
    if len(lines) > MAX_LINES:
        return f"address has {len(lines)} lines; a letter has room for {MAX_LINES}: join some of them"
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE:
            return f"address line {number} is longer than {MAX_LINE} characters"
        if problem := name_problem(line, f"address line {number}"):
            return problem
    postcode = postcode.strip()
    if len(postcode) > MAX_POSTCODE:
        return f"postcode is longer than {MAX_POSTCODE} characters"
    return name_problem(postcode, "postcode")
