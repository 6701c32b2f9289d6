"""The log's public endpoints and a witness process against a served gateway: checkpoints,
the verifier key, inclusion and consistency proofs, cosignatures, and the witness refusing a
rewritten or rolled-back log."""

from __future__ import annotations

import base64
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from gateway import create_app
from gateway.audit import append_audit
from gateway.audit.keys import audit_settings
from gateway.audit.witness import Refused, Witness
from gateway.db import db
from tests.conftest import make_config
from tests.gateway.audit_support import sequence_now, verify_now
from tests.gateway.test_audit import _rebuild_nodes_and_head
from tlog import merkle
from tlog.note import COSIGNATURE_V1, Checkpoint, Signer, Verifier, parse_note

PREFIX = "/.well-known/sportello-audit"
WITNESS = Signer.generate("witness.example.org", COSIGNATURE_V1)


@pytest.fixture
def witnessed_app(database_url: str, simulators: Any) -> Iterator[Flask]:
    application = create_app(
        make_config(
            database_url,
            simulators_url=simulators.base_url,
            audit_witness_keys=WITNESS.verifier.encoded(),
        )
    )
    yield application
    db.dispose(application)


@pytest.fixture
def served(witnessed_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, witnessed_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}{PREFIX}"
    server.shutdown()
    thread.join()


def add(app: Flask, n: int) -> None:
    with db.fresh_session(app) as s:
        for i in range(n):
            append_audit(
                s, actor="system", action="x", subject="s", channel="system", data={"i": i}
            )
        s.commit()


def _checkpoint(client: FlaskClient) -> Checkpoint:
    answer = client.get(f"{PREFIX}/checkpoint")
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    return Checkpoint.parse(parse_note(answer.get_data()).text)


def test_key_checkpoint_and_proofs(app: Flask, client: FlaskClient) -> None:
    assert client.get(f"{PREFIX}/checkpoint").status_code == 404
    key = Verifier.parse(client.get(f"{PREFIX}/key").get_data(as_text=True).splitlines()[0])
    assert key == audit_settings(app).verifier
    add(app, 3)
    sequence_now(app)
    first = _checkpoint(client)
    add(app, 4)
    sequence_now(app)
    second = _checkpoint(client)
    assert (first.size, second.size) == (3, 7)
    note = parse_note(client.get(f"{PREFIX}/checkpoint").get_data())
    assert note.signed_by(key) is not None
    with db.fresh_session(app) as s:
        from gateway.audit import entry_bytes
        from gateway.models import AuditEntry

        leaves = {e.position: merkle.leaf_hash(entry_bytes(e)) for e in s.query(AuditEntry).all()}
    for index in range(7):
        answer = client.get(f"{PREFIX}/proof/inclusion?index={index}&size=7").get_json()
        proof = [base64.b64decode(p) for p in answer["proof"]]
        assert merkle.verify_inclusion(index, 7, leaves[index], proof, second.root)
    answer = client.get(f"{PREFIX}/proof/consistency?from=3&to=7").get_json()
    proof = [base64.b64decode(p) for p in answer["proof"]]
    assert merkle.verify_consistency(3, 7, first.root, second.root, proof)


@pytest.mark.parametrize(
    "query",
    [
        "inclusion?index=0&size=8",
        "inclusion?index=3&size=3",
        "inclusion?index=-1&size=3",
        "inclusion?index=01&size=3",
        "inclusion?index=1e3&size=3",
        "inclusion?index=0&size=99999999999999999999",
        "inclusion?size=3",
        "consistency?from=0&to=3",
        "consistency?from=3&to=2",
        "consistency?from=1&to=%E2%80%94",
    ],
)
def test_bad_proof_requests_are_refused_clearly(
    app: Flask, client: FlaskClient, query: str
) -> None:
    add(app, 3)
    sequence_now(app)
    answer = client.get(f"{PREFIX}/proof/{query}", headers={"Accept": "application/json"})
    assert answer.status_code == 422


def test_a_witness_cosigns_and_the_gateway_publishes_it(
    witnessed_app: Flask, served: str, client: FlaskClient, tmp_path: Path
) -> None:
    app = witnessed_app
    add(app, 5)
    sequence_now(app)
    witness = Witness(served, audit_settings(app).verifier, WITNESS, tmp_path / "state.json")
    assert witness.round().size == 5
    cosigned = parse_note(app.test_client().get(f"{PREFIX}/checkpoint/cosigned").get_data())
    assert cosigned.signed_by(WITNESS.verifier) is not None
    assert cosigned.signed_by(audit_settings(app).verifier) is not None
    add(app, 2)
    sequence_now(app)
    assert witness.round().size == 7  # consistent: cosigned again
    report = verify_now(app)
    assert report.ok and report.cosigned == 2


def test_cosignatures_from_strangers_or_of_other_texts_are_refused(
    witnessed_app: Flask, tmp_path: Path
) -> None:
    app = witnessed_app
    add(app, 2)
    sequence_now(app)
    client = app.test_client()
    note = parse_note(client.get(f"{PREFIX}/checkpoint").get_data())
    from tlog.note import cosign

    stranger = Signer.generate("witness.example.org", COSIGNATURE_V1)
    huge = note.text.replace(f"\n{2}\n", "\n18446744073709551615\n", 1)
    for body in (
        b"garbage",
        cosign(parse_note(note.encoded().replace(note.text, huge)), WITNESS, 1).encoded().encode(),
        b"x" * 70000,
        cosign(note, stranger, 1).encoded().encode(),
        note.encoded().encode(),
    ):
        answer = client.post(
            f"{PREFIX}/cosignature", data=body, headers={"Accept": "application/json"}
        )
        assert answer.status_code in (413, 422), body[:20]
    assert (
        client.post(f"{PREFIX}/cosignature", data=cosign(note, WITNESS, 1).encoded()).status_code
        == 204
    )


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_witness_refuses_a_rewritten_log(
    witnessed_app: Flask, served: str, session: Session, tmp_path: Path
) -> None:
    app = witnessed_app
    add(app, 5)
    sequence_now(app)
    witness = Witness(served, audit_settings(app).verifier, WITNESS, tmp_path / "state.json")
    witness.round()
    with db.fresh_session(app) as s:
        s.execute(text("UPDATE audit_entry SET data = '{}' WHERE position = 1"))
        s.commit()
        _rebuild_nodes_and_head(s)
    # Even with the log's key in hand, the rewritten history gets a checkpoint no witness signs.
    sequence_now(app)
    with pytest.raises(Refused, match="FORK"):
        witness.round()
    add(app, 1)
    sequence_now(app)
    with pytest.raises(Refused, match="FORK"):
        witness.round()  # and a longer tree on top of it does not extend the cosigned one


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_witness_refuses_a_rollback(witnessed_app: Flask, served: str, tmp_path: Path) -> None:
    app = witnessed_app
    add(app, 5)
    sequence_now(app)
    witness = Witness(served, audit_settings(app).verifier, WITNESS, tmp_path / "state.json")
    witness.round()
    with db.fresh_session(app) as s:
        s.execute(text("DELETE FROM audit_entry WHERE position >= 3"))
        s.commit()
        _rebuild_nodes_and_head(s)
    sequence_now(app)
    with pytest.raises(Refused, match="ROLLBACK"):
        witness.round()


def test_the_witness_process_says_what_it_refused(
    witnessed_app: Flask, served: str, tmp_path: Path
) -> None:
    app = witnessed_app
    add(app, 1)
    sequence_now(app)
    key_file = tmp_path / "witness.key"
    key_file.write_text(WITNESS.encoded())
    command = [
        sys.executable, "-m", "gateway.audit.witness", "--log-url", served,
        "--log-key", audit_settings(app).verifier.encoded(), "--key-file", str(key_file),
        "--state-file", str(tmp_path / "state.json"), "--once",
    ]  # fmt: skip
    ok = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert "cosigned" in ok.stderr
    (tmp_path / "state.json").write_text(
        '{"size": 9, "root": "' + base64.b64encode(bytes(32)).decode() + '", "note": ""}'
    )
    refused = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1 and "REFUSED" in refused.stderr and "ROLLBACK" in refused.stderr
