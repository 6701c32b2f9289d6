"""A witness of the audit log: ``python -m gateway.audit.witness``.

A separate process, ideally run by someone other than the gateway's operator. Each round it
fetches the log's latest checkpoint, checks the log's signature and origin, and — against the
last checkpoint it cosigned, kept in its own state file — that the new tree extends the old
one (an RFC 9162 consistency proof fetched from the log). Only then it cosigns
(``cosignature/v1``), saves the new state and hands the cosigned checkpoint back to the log,
which publishes it. A smaller tree (rollback), the same size with another root or a proof
that does not verify (fork) is refused and logged as an alert; the state does not move, so
the witness keeps refusing the rewritten log. Uses the standard library and ``tlog`` only.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tlog import merkle
from tlog.note import (
    COSIGNATURE_V1,
    Checkpoint,
    Note,
    NoteError,
    Signer,
    Verifier,
    cosign,
    open_checkpoint,
)

log = logging.getLogger("gateway.audit.witness")
TIMEOUT = 10
MAX_ANSWER = 1 << 20


class Refused(Exception):
    """The log showed a checkpoint this witness will not cosign."""


@dataclass(frozen=True)
class State:
    size: int
    root: bytes

    @classmethod
    def load(cls, path: Path) -> State | None:
        if not path.exists():
            return None
        data = json.loads(path.read_text())
        return cls(int(data["size"]), base64.b64decode(data["root"], validate=True))

    def save(self, path: Path, note: str) -> None:
        tmp = path.with_name(path.name + ".tmp")
        body = {"size": self.size, "root": base64.b64encode(self.root).decode(), "note": note}
        tmp.write_text(json.dumps(body) + "\n")
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        tmp.replace(path)


@dataclass(frozen=True)
class Witness:
    log_url: str  # the log's base: https://host/.well-known/sportello-audit
    log_key: Verifier
    signer: Signer
    state_file: Path

    def _get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.log_url + path, timeout=TIMEOUT) as answer:  # noqa: S310 - configured URL
            return answer.read(MAX_ANSWER)

    def _post(self, path: str, body: bytes) -> None:
        request = urllib.request.Request(  # noqa: S310 - configured URL
            self.log_url + path, data=body, method="POST", headers={"Content-Type": "text/plain"}
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310
            answer.read(MAX_ANSWER)

    def check(self, text: str, state: State | None) -> tuple[Note, Checkpoint]:
        """The checkpoint, if it may be cosigned after ``state``; Refused otherwise."""
        try:
            note, checkpoint = open_checkpoint(text, self.log_key, self.log_key.name)
        except NoteError as e:
            raise Refused(f"bad checkpoint: {e}") from e
        if state is None or state.size == 0:
            return note, checkpoint
        if checkpoint.size < state.size:
            raise Refused(
                f"ROLLBACK: the log shows {checkpoint.size} entries after {state.size} "
                "were cosigned"
            )
        if checkpoint.size == state.size:
            if checkpoint.root != state.root:
                raise Refused(f"FORK: another root for the {state.size} entries already cosigned")
            return note, checkpoint
        answer = json.loads(self._get(f"/proof/consistency?from={state.size}&to={checkpoint.size}"))
        proof = [base64.b64decode(p, validate=True) for p in answer["proof"]]
        if not merkle.verify_consistency(
            state.size, checkpoint.size, state.root, checkpoint.root, proof
        ):
            raise Refused(
                f"FORK: the tree of {checkpoint.size} does not extend the one of {state.size}"
            )
        return note, checkpoint

    def round(self) -> Checkpoint:
        """Fetch, check, cosign, save, hand back. Refused (and nothing saved) on a fork or a
        rollback; OSError or ValueError when the log cannot be reached or answers garbage."""
        state = State.load(self.state_file)
        text = self._get("/checkpoint").decode("utf-8")
        note, checkpoint = self.check(text, state)
        own = [s for s in note.signatures if s.key_id == self.log_key.key_id]
        cosigned = cosign(Note(note.text, tuple(own)), self.signer, int(time.time())).encoded()
        State(checkpoint.size, checkpoint.root).save(self.state_file, cosigned)
        self._post("/cosignature", cosigned.encode())
        return checkpoint


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.audit.witness", description=__doc__)
    parser.add_argument("--log-url", required=True, help="https://host/.well-known/sportello-audit")
    parser.add_argument("--log-key", required=True, help="the log's note verifier key")
    parser.add_argument("--key-file", required=True, type=Path, help="this witness's key file")
    parser.add_argument("--state-file", required=True, type=Path)
    parser.add_argument("--interval", type=float, default=10.0)
    parser.add_argument("--once", action="store_true", help="one round, then exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        signer = Signer.parse(args.key_file.read_text())
        log_key = Verifier.parse(args.log_key)
    except (OSError, NoteError) as e:
        log.error("witness: %s", e)
        return 2
    if signer.algorithm != COSIGNATURE_V1:
        log.error("witness: %s is not a cosignature key (make one with --witness)", args.key_file)
        return 2
    witness = Witness(args.log_url.rstrip("/"), log_key, signer, args.state_file)
    while True:
        try:
            checkpoint = witness.round()
            log.info("witness: cosigned %s at %d entries", log_key.name, checkpoint.size)
            if args.once:
                return 0
        except Refused as e:
            log.error("witness: REFUSED to cosign %s: %s", log_key.name, e)
            if args.once:
                return 1
        except (OSError, ValueError, KeyError) as e:
            log.warning("witness: log unreachable or unreadable (%s)", e)
            if args.once:
                return 3
        time.sleep(args.interval)


if __name__ == "__main__":
    sys.exit(main())


def start_demo_witness(
    log_url: str, log_key: Verifier, signer: Signer, state_file: Path, interval: float = 10.0
) -> threading.Event:
    """Run a witness in a thread (the demo's stand-in for the separate process); set the
    returned event to stop it."""
    stop = threading.Event()
    witness = Witness(log_url.rstrip("/"), log_key, signer, state_file)

    def run() -> None:
        while not stop.wait(interval):
            try:
                checkpoint = witness.round()
                log.info("demo witness: cosigned %d entries", checkpoint.size)
            except Refused as e:
                log.error("demo witness: REFUSED to cosign: %s", e)
            except (OSError, ValueError, KeyError) as e:
                log.debug("demo witness: log not reachable yet (%s)", e)

    threading.Thread(target=run, name="demo-witness", daemon=True).start()
    return stop
