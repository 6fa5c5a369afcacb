"""The `omov` command: a thin dispatcher to each part's own command module.

Each sub-command lives with the part it belongs to and is imported only when asked for, so
`omov count`, `omov verify` and `omov check` never import Django.
"""

from __future__ import annotations

import importlib
import sys

# command -> (module with a `main(argv) -> int`, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "count": ("omov.count.cli", "count ballot files (BLT, CSV, JSON) under a rule and print the count sheet"),
    "convert": ("omov.count.convert", "convert ballot files between formats (BLT, CSV, JSON, CDF, ES&S, Dominion)"),
    "verify": ("omov.crypto.cli_verify", "check an election record from the record alone"),
    "check": ("omov.check", "check a counted ballot from what the site publishes (papers, chain, recount)"),
    "record": ("omov.crypto.cli_record", "write an election record: demo DIR, or export BALLOT DIR from the database"),
    "trustee": ("omov.crypto.cli", "trustee key ceremony and partial decryption, by files"),
    "credentials": ("omov.crypto.cli_credentials", "voters' credentials for a verifiable ballot, made offline"),
    "mix": ("omov.crypto.cli_mix", "re-mix a verifiable ballot's papers with a proof (a trustee's mix)"),
    "demo": ("omov.web.cli", "create a demo organisation on SQLite and serve it"),
    "serve": ("omov.web.cli", "serve the platform in production (settings from the environment)"),
    "worker": ("omov.web.cli", "run background job workers (Celery)"),
    "schedule": ("omov.web.cli", "open and close ballots whose set times have come (--every SECONDS to loop)"),
    "manage": ("omov.web.cli", "run a Django management command"),
    "members": ("omov.web.cli", "members: import a CSV of members"),
    "audit": ("omov.web.cli", "audit: verify the hash chain of the audit log"),
    "nominations": ("omov.nominations.cli", "nominations: what-if analysis of ballot-access rules"),
    "moderation": ("omov.voice.cli", "moderation: screen a file of comments for spam and abuse"),
}

# `omov record export BALLOT DIR` needs the database, which omov.crypto (`omov record demo`) must never import.
RECORD_EXPORT = "omov.ballots.verifiable.cli"


def _usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = ["usage: omov COMMAND [ARGS...]", "", "commands:"]
    lines += [f"  {name.ljust(width)}  {text}" for name, (_, text) in COMMANDS.items()]
    lines += ["", "Run `omov COMMAND --help` for a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the `omov` command line and return its exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())
        return 0
    if args[0] == "--version":
        from omov import __version__

        print(f"omov {__version__}")
        return 0
    command, rest = args[0], args[1:]
    if command not in COMMANDS:
        print(f"omov: unknown command {command!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    name = COMMANDS[command][0]
    if command == "record" and rest[:1] == ["export"]:
        name = RECORD_EXPORT  # the record of a real ballot is read from the database: a Django-side module
    module = importlib.import_module(name)
    result: int = module.main([command, *rest]) if getattr(module, "WANTS_COMMAND", False) else module.main(rest)
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
