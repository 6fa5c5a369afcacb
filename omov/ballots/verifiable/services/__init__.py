"""Every write of verifiable ballots; import them from here (see omov.ballots.verifiable for the list)."""

from omov.ballots.verifiable.services.casting import EncryptedReceipt, cast_encrypted, spoil_tracker
from omov.ballots.verifiable.services.ceremony import check_complete_ceremony, set_verifiable, upload_trustee_file
from omov.ballots.verifiable.services.opening import opening_problems, upload_credentials
from omov.ballots.verifiable.services.pipeline import (
    count_verifiable,
    decryption_input,
    mix_input,
    prepare_decryption,
    upload_mix,
    upload_partials,
)
from omov.ballots.verifiable.services.record import export_record

__all__ = [
    "EncryptedReceipt",
    "cast_encrypted",
    "check_complete_ceremony",
    "count_verifiable",
    "decryption_input",
    "export_record",
    "mix_input",
    "opening_problems",
    "prepare_decryption",
    "set_verifiable",
    "spoil_tracker",
    "upload_credentials",
    "upload_mix",
    "upload_partials",
    "upload_trustee_file",
]
