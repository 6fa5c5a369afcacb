"""`omov trustee ...`: the threshold key ceremony and decryption, by files, across separate machines.
(`omov record ...` is dispatched here too and handed to omov.crypto.cli_record.)

    omov trustee init    --id I --n N --t T --election E --out DIR   secret file + public init file
    omov trustee share   --secret F --public DIR [--out DIR]          encrypted shares for the others
    omov trustee combine --secret F --public DIR [--out DIR]          check shares, key share, public key
    omov trustee decrypt --secret F --input C.json --out P.json       partial decryptions with proofs
    omov trustee decrypt-record --secret F --input IN --out OUT      the same for a verifiable ballot's record
    omov trustee result  --public DIR --input C.json --partials P... --max M --out R.json
    omov trustee verify  --public DIR [--input C.json --partials P... --result R.json]

Public files in DIR are named trustee-I.init.json, trustee-I.shares.json, trustee-I.combine.json; the formats
are in docs/crypto.md. The secret file (trustee-I.secret.json, mode 0600) never leaves the trustee's machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from omov.crypto.encoding import canonical_json, ciphertext_from_hex, point_from_hex, point_hex, sha256_hex
from omov.crypto.errors import CryptoError

WANTS_COMMAND = True

CIPHERTEXTS_TYPE = "omov/ciphertexts/v1"
RESULT_TYPE = "omov/decryption-result/v1"


def _read(path: str | Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError) as exc:
        raise CryptoError(f"{path}: cannot read JSON ({exc})") from exc


def _write(path: str | Path, obj: Any, secret: bool = False) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = canonical_json(obj) + b"\n"
    if secret:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(path, 0o600)
    else:
        path.write_bytes(data)


def _public_files(directory: str, kind: str) -> list[Any]:
    files = sorted(Path(directory).glob(f"trustee-*.{kind}.json"))
    return [_read(f) for f in files]


def _load_secret(path: str) -> Any:
    from omov.crypto.trustees import TrusteeSecret

    return TrusteeSecret.from_json(_read(path))


def _input_ciphertexts(path: str) -> tuple[Any, list[Any], bytes]:
    obj = _read(path)
    if not isinstance(obj, dict) or obj.get("type") != CIPHERTEXTS_TYPE:
        raise CryptoError(f"{path}: not an {CIPHERTEXTS_TYPE} file")
    cts = [ciphertext_from_hex(c) for c in obj["ciphertexts"]]
    return obj, cts, bytes.fromhex(sha256_hex(canonical_json(obj)))


def _cmd_init(args: argparse.Namespace) -> int:
    from omov.crypto.trustees import init_trustee

    secret, public = init_trustee(args.election, args.id, args.n, args.t)
    out = Path(args.out)
    secret_path = out / f"trustee-{args.id}.secret.json"
    if secret_path.exists() and not args.force:
        raise CryptoError(f"{secret_path} exists (use --force to overwrite a secret file)")
    _write(secret_path, secret.to_json(), secret=True)
    _write(out / f"trustee-{args.id}.init.json", public)
    print(f"trustee {args.id}: wrote {secret_path} (keep it secret) and trustee-{args.id}.init.json (publish it)")
    return 0


def _cmd_share(args: argparse.Namespace) -> int:
    from omov.crypto.trustees import make_shares

    secret = _load_secret(args.secret)
    shares = make_shares(secret, _public_files(args.public, "init"))
    target = Path(args.out or args.public) / f"trustee-{secret.id}.shares.json"
    _write(target, shares)
    print(f"trustee {secret.id}: wrote {target} (publish it)")
    return 0


def _cmd_combine(args: argparse.Namespace) -> int:
    from omov.crypto.trustees import combine, complaint

    secret = _load_secret(args.secret)
    inits = _public_files(args.public, "init")
    shares = _public_files(args.public, "shares")
    out = Path(args.out or args.public)
    try:
        public = combine(secret, inits, shares)
    except CryptoError as exc:
        # write a checkable complaint against each sender whose share is bad
        for shares_file in shares:
            if shares_file.get("from") == secret.id:
                continue
            from omov.crypto.trustees import check_complaint

            accusation = complaint(secret, inits, shares_file)
            if check_complaint(inits, shares_file, accusation):
                path = out / f"trustee-{secret.id}.complaint-{accusation['from']}.json"
                _write(path, accusation)
                print(f"trustee {secret.id}: bad share from trustee {accusation['from']}; wrote {path}")
        raise exc
    _write(args.secret, secret.to_json(), secret=True)
    target = out / f"trustee-{secret.id}.combine.json"
    _write(target, public)
    print(f"trustee {secret.id}: all shares check; public key {public['public_key']}; wrote {target}")
    return 0


def _cmd_decrypt(args: argparse.Namespace) -> int:
    from omov.crypto.trustees import PARTIALS_TYPE, partial_decrypt

    secret = _load_secret(args.secret)
    obj, cts, context = _input_ciphertexts(args.input)
    if obj.get("election") != secret.election:
        raise CryptoError(f"{args.input} is for election {obj.get('election')!r}, not {secret.election!r}")
    parts = partial_decrypt(secret, cts, context)
    _write(
        args.out,
        {
            "type": PARTIALS_TYPE,
            "election": secret.election,
            "trustee": secret.id,
            "input": context.hex(),
            "partials": [{"d": point_hex(d), "proof": p.to_json()} for d, p in parts],
        },
    )
    print(f"trustee {secret.id}: {len(parts)} partial decryptions written to {args.out}")
    return 0


def _cmd_decrypt_record(args: argparse.Namespace) -> int:
    from omov.crypto.record import dump
    from omov.crypto.record4 import trustee_partials

    secret = _load_secret(args.secret)
    obj = _read(args.input)
    if not isinstance(obj, dict):
        raise CryptoError(f"{args.input}: not a decryption input")
    try:
        partials = trustee_partials(secret, obj, workers=args.workers)
    except (KeyError, TypeError, ValueError) as exc:
        raise CryptoError(f"{args.input}: malformed decryption input ({type(exc).__name__}: {exc})") from None
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_bytes(dump(partials))
    what = f"{len(partials['shares'])} papers" if obj.get("kind") == "ranked" else "the tally"
    print(f"trustee {secret.id}: partial decryptions of {what} written to {args.out} (upload it)")
    return 0


def _check_partials(
    public_dir: str, input_path: str, partial_paths: list[str]
) -> tuple[Any, list[Any], dict[int, Any]]:
    from omov.crypto.proofs import DleqProof
    from omov.crypto.trustees import PARTIALS_TYPE, check_ceremony, verification_key, verify_partials

    inits = _public_files(public_dir, "init")
    check_ceremony(inits, _public_files(public_dir, "combine"))
    election = inits[0]["election"]
    obj, cts, context = _input_ciphertexts(input_path)
    good: dict[int, Any] = {}
    for path in partial_paths:
        pf = _read(path)
        if pf.get("type") != PARTIALS_TYPE or pf.get("election") != election or pf.get("input") != context.hex():
            raise CryptoError(f"{path}: not partial decryptions of {input_path} for election {election!r}")
        j = int(pf["trustee"])
        parts = [(point_from_hex(p["d"]), DleqProof.from_json(p["proof"])) for p in pf["partials"]]
        if not verify_partials(election, j, verification_key(inits, j), cts, parts, context):
            raise CryptoError(f"{path}: trustee {j}'s decryption proofs do not verify")
        good[j] = [d for d, _ in parts]
    return inits, cts, good


def _cmd_result(args: argparse.Namespace) -> int:
    from omov.crypto.elgamal import discrete_log
    from omov.crypto.trustees import combine_partials

    inits, cts, good = _check_partials(args.public, args.input, args.partials)
    t = int(inits[0]["t"])
    points = combine_partials(cts, good, t)
    plaintexts = [discrete_log(p, args.max) for p in points]
    _, _, context = _input_ciphertexts(args.input)
    _write(
        args.out,
        {
            "type": RESULT_TYPE,
            "election": inits[0]["election"],
            "input": context.hex(),
            "trustees": sorted(good)[:t],
            "plaintexts": plaintexts,
        },
    )
    print(f"decrypted {len(plaintexts)} ciphertexts with trustees {sorted(good)[:t]}: {plaintexts}")
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from omov.crypto.group import base_mul
    from omov.crypto.trustees import check_ceremony, combine_partials

    inits = _public_files(args.public, "init")
    pk = check_ceremony(inits, _public_files(args.public, "combine"))
    print(f"ceremony: {len(inits)} trustees, threshold {inits[0]['t']}, public key {point_hex(pk)}: OK")
    if args.input:
        _, cts, good = _check_partials(args.public, args.input, args.partials or [])
        print(f"partial decryptions from trustees {sorted(good)}: proofs OK")
        if args.result:
            result = _read(args.result)
            t = int(inits[0]["t"])
            points = combine_partials(cts, good, t)
            claimed = result.get("plaintexts")
            if not isinstance(claimed, list) or len(claimed) != len(points):
                raise CryptoError(f"{args.result}: wrong number of plaintexts")
            for i, (m, p) in enumerate(zip(claimed, points, strict=True)):
                if not isinstance(m, int) or base_mul(m) != p:
                    raise CryptoError(f"{args.result}: plaintext {i} does not match the decryption")
            print(f"result: {len(claimed)} plaintexts match the decryption: OK")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="omov trustee", description="Threshold key ceremony and decryption.")
    sub = parser.add_subparsers(dest="action", required=True)
    p = sub.add_parser("init", help="start: write your secret file and your public init file")
    p.add_argument("--id", type=int, required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--t", type=int, required=True)
    p.add_argument("--election", required=True)
    p.add_argument("--out", required=True, help="directory for trustee-I.secret.json and trustee-I.init.json")
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=_cmd_init)
    for name, func, text in (
        ("share", _cmd_share, "after all init files are in: encrypt your shares for the others"),
        ("combine", _cmd_combine, "after all shares files are in: check them and derive the public key"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--secret", required=True)
        p.add_argument("--public", required=True, help="directory holding everyone's public files")
        p.add_argument("--out", help="where to write your public file (default: --public)")
        p.set_defaults(func=func)
    p = sub.add_parser("decrypt", help="partial decryptions, with proofs, of a ciphertexts file")
    p.add_argument("--secret", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=_cmd_decrypt)
    p = sub.add_parser("decrypt-record", help="partial decryptions, with proofs, of a verifiable ballot's "
                       "omov/record-decryption-input/v1 file (docs/record.md §9)")
    p.add_argument("--secret", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--workers", type=int, default=None, help="processes to use (default: all cores)")
    p.set_defaults(func=_cmd_decrypt_record)
    p = sub.add_parser("result", help="combine t trustees' partial decryptions (checked) into plaintexts")
    p.add_argument("--public", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--partials", nargs="+", required=True)
    p.add_argument("--max", type=int, required=True, help="largest possible plaintext (e.g. number of papers)")
    p.add_argument("--out", required=True)
    p.set_defaults(func=_cmd_result)
    p = sub.add_parser("verify", help="check the ceremony (and a decryption) from the public files alone")
    p.add_argument("--public", required=True)
    p.add_argument("--input")
    p.add_argument("--partials", nargs="*")
    p.add_argument("--result")
    p.set_defaults(func=_cmd_verify)
    return parser


def main(argv: list[str]) -> int:
    """Entry point: argv is [command, *args] (the dispatcher passes the command, see WANTS_COMMAND)."""
    if argv and argv[0] == "record":
        from omov.crypto import cli_record

        result: int = cli_record.main(argv[1:])
        return result
    if argv and argv[0] == "trustee":
        argv = argv[1:]
    args = _parser().parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except CryptoError as exc:
        print(f"omov trustee {args.action}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
