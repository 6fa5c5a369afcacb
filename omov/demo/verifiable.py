"""The demo's verifiable ballots (docs/verifiable.md), over the demo member's region, with at most `MOST_PAPERS`
papers cast in each so that they stay quick to seed: Python crypto plays the parts that browsers and the
trustees' command line play in a real ballot.

- "Regional secretary (verifiable)": the alternative vote, open; the demo member can vote in the booth.
- "Regional chair (verifiable)": the alternative vote, closed, mixed by the server and by a trustee,
  decrypted by two of three trustees, counted and published: its record downloads and verifies in the browser.
- "Regional committee (verifiable)": a bloc vote for 2 seats, open.

The randomness of the crypto is the operating system's; only the demo voters' choices are drawn from a seeded
generator. Each has three trustees (trustee.one, trustee.two, trustee.three; any two decrypt) whose key ceremony
was run here with omov.crypto.trustees, uploading only the public files through the services, as browsers would. The
trustees' secret files of the open ballots go into the data folder, so that a visitor signed in as a trustee
can decrypt in the browser once the returning officer has closed the ballot (demo only: a real trustee's
secret file never leaves their own device).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model

from omov.demo.context import DEMO_MEMBER, DemoContext

MOST_PAPERS = 40
TRUSTEES = [("Tess Trustee", "trustee.one"), ("Theo Trustee", "trustee.two"), ("Tara Trustee", "trustee.three")]


def trustee_users() -> list[Any]:
    User = get_user_model()
    users = []
    for (name, username), n in zip(TRUSTEES, ("one", "two", "three"), strict=True):
        defaults = {"email": f"trustee.{n}@demo.omov.invalid", "first_name": name.split()[0]}
        user, made = User.objects.get_or_create(username=username, defaults=defaults)
        if made:
            user.set_unusable_password()
            user.save()
        users.append(user)
    return users


def run_ceremony(ballot: Any, actor: Any) -> dict[int, Any]:
    """Every trustee's init, shares and combine, made with Python crypto and uploaded through the service (as
    each trustee's browser would); returns the secrets (which, for real, never leave the trustees' devices)."""
    from omov.ballots.verifiable.services.ceremony import upload_trustee_file
    from omov.crypto import trustees as tr

    election, n, t = ballot.election_id, ballot.trustee_count, ballot.trustee_threshold
    rows = {x.number: x for x in ballot.trustees.all()}
    started = {i: tr.init_trustee(election, i, n, t) for i in range(1, n + 1)}
    inits = [init for _, init in started.values()]
    for i, (_, init) in started.items():
        upload_trustee_file(ballot=ballot, trustee=rows[i], actor=actor, data=init)
    shares = {i: tr.make_shares(secret, inits) for i, (secret, _) in started.items()}
    for i, s in shares.items():
        upload_trustee_file(ballot=ballot, trustee=rows[i], actor=actor, data=s)
    secrets = {}
    for i, (secret, _) in started.items():
        combine = tr.combine(secret, inits, list(shares.values()))  # the key share joins `secret`
        upload_trustee_file(ballot=ballot, trustee=rows[i], actor=actor, data=combine)
        secrets[i] = secret
    return secrets


def seal(ballot: Any, token: str, choice: list[int]) -> Any:
    """A voter's device: seal a ranking (0-based indices) or marks (0/1 per candidate); nothing is sent."""
    import json

    from omov.ballots.models import Election
    from omov.crypto import credentials as cr

    election = Election.objects.get(ballot=ballot)
    params = json.loads(election.parameters)
    common = {"election": election.election_id, "fingerprint": election.fingerprint,
              "public_key": election.public_key, "code": token}  # fmt: skip
    if params["kind"] == "ranked":
        return cr.encrypt_ranked(candidates=params["width"], ranking=choice, **common)
    return cr.encrypt_marks(question=params["question"], marks=choice, **common)


def cast_sealed(ballot: Any, token: str, choice: list[int]) -> str:
    """A voter's device: seal a ranking (0-based indices) or marks (0/1 per candidate) and cast it."""
    from omov.ballots.verifiable.services.casting import cast_encrypted

    return cast_encrypted(credential=token, cast=seal(ballot, token, choice).cast, ballot_id=ballot.pk).tracker


def finish(ballot: Any, actor: Any, secrets: dict[int, Any]) -> None:
    """Close, have the trustee mix (ranked) and two trustees decrypt, so the close pipeline counts; publish."""
    from omov.ballots import services as bs
    from omov.ballots.models import Election, Trustee
    from omov.ballots.verifiable.election import mixers_for
    from omov.ballots.verifiable.services import pipeline
    from omov.crypto import record4

    bs.close_ballot(ballot=ballot, actor=actor, early=True)  # the server's mix (or tally) runs as a job
    trustees = {t.number: t for t in Trustee.objects.filter(ballot=ballot)}
    stage = Election.objects.get(ballot=ballot).stage
    if stage == Election.Stage.MIXING:  # the job did not finish: say why rather than fail further on
        from omov.audit.models import Job

        job = Job.objects.filter(subject=f"ballot:{ballot.pk}").order_by("-pk").first()
        raise RuntimeError(f"{ballot.title}: the close's first job did not finish: {job and (job.error or job.state)}")
    if Election.objects.get(ballot=ballot).stage == Election.Stage.TRUSTEE_MIX:
        mixed = record4.run_mix(pipeline.mix_input(ballot=ballot), mixers_for(ballot)[1])
        pipeline.upload_mix(ballot=ballot, trustee=trustees[2], actor=trustees[2].user, data=mixed)
    source = pipeline.decryption_input(ballot=ballot)
    for number in sorted(secrets)[: ballot.trustee_threshold]:
        partials = record4.trustee_partials(secrets[number], source)
        pipeline.upload_partials(ballot=ballot, trustee=trustees[number], actor=trustees[number].user, data=partials)
    ballot.refresh_from_db()
    bs.publish_result(ballot=ballot, actor=actor)


def _ranking(rng: random.Random, n: int) -> list[int]:
    order = list(range(n))
    rng.shuffle(order)
    return order[: rng.randint(1, n)]


def _marks(rng: random.Random, n: int, most: int) -> list[int]:
    chosen = set(rng.sample(range(n), rng.randint(1, most)))
    return [1 if i in chosen else 0 for i in range(n)]


def seed_verifiable(ctx: DemoContext, *, turnout: float = 0.6) -> list[str]:
    """The three verifiable ballots; returns lines for the demo's summary."""

    from omov.ballots import services as bs
    from omov.ballots.verifiable.services.ceremony import set_verifiable
    from omov.members.models import Member

    rng = random.Random(11)
    officer = ctx.officer
    member = Member.objects.get(organisation=ctx.org, membership_number=DEMO_MEMBER)
    unit = member.unit
    while unit.parent_id and unit.kind != "region":
        unit = unit.parent
    users = trustee_users()
    specs = [
        ("Regional secretary (verifiable)", "irv", 1, ["Asha Rao", "Ben Cole", "Cleo Dunn", "Dev Shah"], False),
        ("Regional chair (verifiable)", "irv", 1, ["Ed Moss", "Faye Lin", "Gus Hale"], True),
        ("Regional committee (verifiable)", "bloc", 2, ["Hana Ito", "Ivo Pratt", "Jade Quinn", "Kit Roe"], False),
    ]
    lines, tokens, secret_files = [], {}, {}
    for title, method, seats, names, publish in specs:
        ballot = bs.create_ballot(organisation=ctx.org, title=title, method=method, seats=seats, actor=ctx.admin,
                                  opens_at=ctx.now - dt.timedelta(days=2), closes_at=ctx.now + dt.timedelta(days=12),
                                  returning_officers=[officer],
                                  description="A verifiable ballot: your vote is sealed on your device before it is "
                                  "sent, and anyone can check the count.")  # fmt: skip
        for name in names:
            bs.add_candidate(ballot=ballot, actor=officer, name=name, statement=f"{name} for {title.split(' (')[0]}.")
        bs.set_electorate(ballot=ballot, actor=officer, units=[unit], freeze_date=ctx.now.date())
        set_verifiable(ballot=ballot, actor=officer, verifiable=True, threshold=2,
                       trustees=[(name, u) for (name, _), u in zip(TRUSTEES, users, strict=True)])  # fmt: skip
        secrets = run_ceremony(ballot, officer)
        bs.mark_ready(ballot=ballot, actor=officer)
        bs.open_ballot(ballot=ballot, actor=officer)
        letters = bs.print_letters(ballot=ballot, actor=officer, reprint_failed_email=True)
        n, cast = len(names), 0
        for letter in letters:
            token = _token(letter.text)
            if letter.membership_number == DEMO_MEMBER and not publish:
                tokens[title] = token
                continue  # left for you to cast, in the booth
            if rng.random() > turnout or cast >= MOST_PAPERS:
                continue
            choice = _ranking(rng, n) if method == "irv" else _marks(rng, n, seats)
            cast_sealed(ballot, token, choice)
            cast += 1
        if publish:
            finish(ballot, officer, secrets)
            lines.append(f"Verifiable, published: {title}: {cast} sealed papers, mixed twice, decrypted by 2 of 3 "
                         f"trustees; its record verifies in the browser.")  # fmt: skip
        else:
            secret_files[title] = {i: s.to_json() for i, s in secrets.items()}
            lines.append(f"Verifiable, open: {title}: {cast} sealed papers on its board.")
    with open(ctx.data / "demo-credentials.txt", "a", encoding="utf-8") as out:
        out.write("".join(f"  {title}: {token}\n" for title, token in tokens.items()))
    _write_secrets(ctx, secret_files)
    return lines


def _write_secrets(ctx: DemoContext, secret_files: dict[str, dict[int, Any]]) -> None:
    """The open ballots' trustees' secret files, for a visitor to decrypt as a trustee (demo only)."""
    import json

    folder = ctx.data / "demo-trustee-secrets"
    folder.mkdir(parents=True, exist_ok=True)
    for title, secrets in secret_files.items():
        slug = title.split(" (")[0].lower().replace(" ", "-")
        for number, secret in secrets.items():
            path = folder / f"{slug}-trustee-{number}.secret.json"
            path.write_text(json.dumps(secret, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")


def _token(text: str) -> str:
    """The voting credential in a printed letter's text."""
    import re

    found = re.search(r"\b(?:[A-Z2-7]{4}-){7}[A-Z2-7]{4}\b", text)
    if found is None:
        raise ValueError("no voting credential in the letter")
    return found.group(0)
