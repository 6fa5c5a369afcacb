"""Verifiable ballots on the platform (docs/crypto.md §11, docs/record.md §9, docs/verifiable.md).

A verifiable ballot is an ordinary ballot (same lifecycle draft → ready → open → closed → counted → published,
same roll, voting tokens, `Paper` table and hash chain, jobs and `Result`) with `Ballot.verifiable` set while it is
a draft. This package adds only what is new. What the pages call (all keyword-only; `actor` as in
omov.ballots.services: a user, checked, or a SystemActor):

Services (`from omov.ballots.verifiable import services as vsv`):
  set_verifiable(ballot, actor, verifiable, trustees=[name | (name, user)], threshold=None,
                 credential_mode="server"|"offline", mix_count=2|1)            draft only; names trustees 1..n
  upload_trustee_file(ballot, trustee, actor, data)   init / shares / combine file (bytes, text or dict), checked;
                                                      CeremonyError naming what failed (a secret file: refused)
  upload_credentials(ballot, actor, data)             offline mode: credentials.json (public list), draft/ready
  opening_problems(ballot) -> [str]                   what stops it opening (ceremony, options, offline list)
  check_complete_ceremony(ballot) -> Point            the joint public key, or CeremonyError
  (opening: the usual bs.start_opening / open_ballot; for a verifiable ballot they fix the credential keys and
   the parameters/F, or refuse with NotReady)
  cast_encrypted(credential=token, cast=<omov/cast-paper/v1 JSON: dict, str or bytes>, ballot_id=None)
      -> EncryptedReceipt(ballot_id, tracker, position, entry_hash)
      raises CredentialError (token), NotOpen, PaperRefused(.reason = check_cast's code, or "wrong-credential")
  spoil_tracker(ballot, tracker=<64 hex>) -> tracker       no actor: the device sends only the tracker
  (closing: the usual bs.close_ballot, which queues the job "omov.ballots.verifiable.prepare": the server's mix,
   or the marks' tally)
  mix_input(ballot) -> omov/mix-input/v1 dict         for the trustee's `omov mix --name trustee`
  upload_mix(ballot, trustee, actor, data)            the trustee's mix (omov/mix/v1), proof checked (RecordError)
  decryption_input(ballot) -> omov/record-decryption-input/v1 dict        for trustees to decrypt
  upload_partials(ballot, trustee, actor, data)       omov/record-partials/v1, every proof checked (RecordError);
                                                      the t-th queues the job "omov.ballots.verifiable.count"
  (then bs.publish_result as for every ballot)
  export_record(ballot, directory, actor) -> Path     the v4 record (also `omov record export BALLOT DIR`)

Selectors (`from omov.ballots.verifiable import selectors as vs`):
  ceremony_status(ballot) -> CeremonyStatus(election, trustees, threshold, lines=[TrusteeStatus(number, name,
      user_id, state, next_step, can_do_next)], complete, public_key, problem)
  ceremony_files(ballot) -> {"inits": [...], "shares": [...], "combines": [...]}   a trustee's board/ folder
  trustee_for(ballot, user) -> Trustee | None
  election_for(ballot) -> Election | None              E, parameters (exact text), fingerprint, public_key,
                                                       credentials (exact text), stage
  booth_parameters(ballot) -> {"election", "fingerprint", "publicKey", "kind", "parameters", "candidates" |
                               "question"}             what omov-crypto.js encryptRanked / encryptMarks take
  draft_question(ballot) -> question JSON              for a marks ballot, before it opens
  board(ballot, start=0, limit=None) -> [entry]        cast papers in order: position, tracker, credential,
                                                       ciphertexts, proof, signature, previous_hash, entry_hash
  find_on_board(ballot, tracker) -> entry | None       any case, spaces ignored
  chain_head(ballot) -> {"position", "hash"}
  pipeline_status(ballot) -> PipelineStatus(stage, mixes, waiting_for_trustee_mix, partials_from, threshold)
  record_files(ballot) -> {name: bytes}; record_zip(ballot) -> bytes; write_record(ballot, directory)

Models (omov.ballots.models): Trustee, Election, CredentialKey, Mix, DecryptionInput, PartialDecryption,
SpoiledTracker, BoardComponent; Ballot.verifiable, credential_mode, trustee_count, trustee_threshold, mix_count,
election_id (E = "omov-ballot-" + public id, known from the draft on, for trustees and `omov credentials generate`).
"""
