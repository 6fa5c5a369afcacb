"""What a verifiable ballot adds to a ballot (imported by omov.ballots.models, so these belong to the ballots app).

A verifiable ballot reuses the ballot's lifecycle, its roll and one-time credentials, the `Paper` table and its
hash chain, the jobs and the `Result`; these tables hold only what is new (docs/crypto.md §11, docs/record.md §9):

- `Trustee`: the n trustees of the key ceremony and the public files each uploaded (never a secret);
- `Election`: what opening fixed (the election id E, parameters.json's exact bytes and their fingerprint F,
  credentials.json's exact bytes) and, after the count, the record's decryption and results files;
- `CredentialKey`: the published list of credential public keys. **No column refers to a voter, a member or a
  credential row**: a key says only that some voter on the roll holds it, and whether a paper was cast with it;
- `Mix`, `DecryptionInput`, `PartialDecryption`: the close pipeline's public files;
- `SpoiledTracker`: trackers a voter opened with a Benaloh challenge (never accepted for casting).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Trustee(models.Model):
    """Trustee `number` (1..n) of a verifiable ballot's key ceremony, and the public files they uploaded."""

    class State(models.TextChoices):
        INVITED = "invited"  # named, nothing uploaded yet
        INIT = "init"  # init file in (commitments, transport key)
        SHARES = "shares"  # shares file in (encrypted shares for the others)
        COMBINED = "combined"  # combine file in (verification key): the trustee's part of the ceremony is done

    ballot = models.ForeignKey("ballots.Ballot", on_delete=models.CASCADE, related_name="trustees")
    number = models.PositiveSmallIntegerField(help_text="the trustee's id in the ceremony, 1..n")
    name = models.CharField(max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="trustee_of"
    )
    init = models.JSONField(null=True, blank=True, help_text="omov/trustee-init/v1")
    shares = models.JSONField(null=True, blank=True, help_text="omov/trustee-shares/v1")
    combine = models.JSONField(null=True, blank=True, help_text="omov/trustee-combine/v1")
    state = models.CharField(max_length=20, choices=State.choices, default=State.INVITED)

    class Meta:
        ordering = ["ballot", "number"]
        constraints = [models.UniqueConstraint(fields=["ballot", "number"], name="trustee_number_unique")]

    def __str__(self) -> str:
        return f"trustee {self.number}: {self.name}"


class Election(models.Model):
    """What was fixed when a verifiable ballot opened, and the record's last files once it is counted."""

    class Stage(models.TextChoices):
        VOTING = "voting"
        MIXING = "mixing"  # the server's mix is running
        TRUSTEE_MIX = "trustee-mix"  # waiting for a trustee to upload the second mix
        DECRYPTING = "decrypting"  # decryption input offered; waiting for t trustees' partial decryptions
        COUNTING = "counting"  # combining the partials and counting
        COUNTED = "counted"

    ballot = models.OneToOneField("ballots.Ballot", on_delete=models.CASCADE, related_name="election")
    election_id = models.CharField(max_length=100, unique=True, help_text="E, bound into every proof")
    parameters = models.TextField(help_text="parameters.json, its exact text (canonical JSON)")
    fingerprint = models.CharField(max_length=64, help_text="F = SHA-256 of parameters.json, hex")
    public_key = models.CharField(max_length=64)
    credentials = models.TextField(help_text="credentials.json, its exact text")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.VOTING)
    decryption = models.TextField(blank=True, help_text="decryption.json, once counted")
    results = models.TextField(blank=True, help_text="results.json, once counted")
    opened_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.election_id


class CredentialKey(models.Model):
    """One credential public key of the published list. Deliberately nothing that points at a voter."""

    ballot = models.ForeignKey("ballots.Ballot", on_delete=models.CASCADE, related_name="credential_keys")
    key = models.CharField(max_length=64, help_text="hex32(S)")
    used = models.BooleanField(default=False, help_text="a paper signed under this key is on the board")

    class Meta:
        ordering = ["ballot", "key"]
        constraints = [models.UniqueConstraint(fields=["ballot", "key"], name="credential_key_unique")]


class Mix(models.Model):
    """Mix `index` (1-based) of a ranked verifiable ballot: the record's mix file object (record.md §2.5)."""

    ballot = models.ForeignKey("ballots.Ballot", on_delete=models.CASCADE, related_name="mixes_done")
    index = models.PositiveSmallIntegerField()
    mixer = models.CharField(max_length=200)
    content = models.TextField(help_text="the mix file's canonical JSON")
    checked = models.BooleanField(default=False, help_text="its proof of shuffle verified when it was stored")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ballot", "index"]
        constraints = [models.UniqueConstraint(fields=["ballot", "index"], name="mix_index_unique")]


class DecryptionInput(models.Model):
    """What the trustees decrypt (omov/record-decryption-input/v1): the last mix's papers, or the marks' tally."""

    ballot = models.OneToOneField("ballots.Ballot", on_delete=models.CASCADE, related_name="decryption_input")
    content = models.TextField(help_text="canonical JSON")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the content, hex: what partials name")
    created_at = models.DateTimeField(auto_now_add=True)


class PartialDecryption(models.Model):
    """A trustee's uploaded partial decryption (omov/record-partials/v1), checked when it was stored."""

    ballot = models.ForeignKey("ballots.Ballot", on_delete=models.CASCADE, related_name="partial_decryptions")
    trustee = models.ForeignKey(Trustee, on_delete=models.PROTECT, related_name="partials")
    content = models.TextField(help_text="canonical JSON")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "trustee"], name="one_partial_per_trustee")]


class SpoiledTracker(models.Model):
    """A tracker opened by a Benaloh challenge on the voter's device: its randomness is known, so it can never be
    cast. Only the tracker: the opening (the voter's choices) never reaches the server."""

    ballot = models.ForeignKey("ballots.Ballot", on_delete=models.CASCADE, related_name="spoiled_trackers")
    tracker = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "tracker"], name="spoiled_tracker_unique")]


class BoardComponent(models.Model):
    """The 32-byte `a` of every ciphertext on a verifiable ballot's board (hex), unique per ballot: how the ballot
    box refuses a copied encryption at once, and why two casts of one copy cannot both land (the second breaks
    the constraint and rolls back). Derived from the papers; nothing about who cast them."""

    ballot = models.ForeignKey("ballots.Ballot", on_delete=models.CASCADE, related_name="+")
    value = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "value"], name="board_component_unique")]
