"""`python -m printing.verify` on rendered receipts, and the library's import boundary."""

import ast
import io
import json
import subprocess
import sys
from pathlib import Path

import cbor2
import pytest
from printing_factories import create_draft_sheet, create_receipt_data
from reportlab.pdfgen.canvas import Canvas

import printing
from printing.base45 import b45decode, b45encode
from printing.draft import render_draft
from printing.keys import PrivateKey, export_jwks, public_key_to_pem
from printing.qr import draw_qr
from printing.receipt import receipt_claims, render_receipt
from printing.seal import SealSigner
from printing.verify import EXIT_INVALID, EXIT_UNKNOWN_KEY, EXIT_USAGE, EXIT_VALID, main

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def receipt_pdf(tmp_path_factory: pytest.TempPathFactory, signer: SealSigner) -> Path:
    path = tmp_path_factory.mktemp("receipts") / "receipt.pdf"
    path.write_bytes(render_receipt(create_receipt_data(), signer)[0])
    return path


@pytest.fixture(scope="module")
def keys_json(tmp_path_factory: pytest.TempPathFactory, seal_key: PrivateKey) -> Path:
    path = tmp_path_factory.mktemp("keys") / "keys.json"
    path.write_text(json.dumps(export_jwks([seal_key.public_key()])), encoding="utf-8")
    return path


def test_cli_module_reports_a_valid_receipt(receipt_pdf: Path, keys_json: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "printing.verify", str(receipt_pdf), "--keys", str(keys_json)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == EXIT_VALID == 0, result.stderr
    assert result.stdout.startswith("VALID")
    assert "RIC-2026-000123" in result.stdout and "86.10 EUR" in result.stdout


def test_cli_with_one_pem_key(
    receipt_pdf: Path, seal_key: PrivateKey, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pem = tmp_path / "seal-test-key.pub.pem"
    pem.write_bytes(public_key_to_pem(seal_key.public_key()))
    assert main([str(receipt_pdf), "--key", str(pem)]) == EXIT_VALID
    assert "Amount: 86.10 EUR" in capsys.readouterr().out


def test_cli_unknown_key(
    other_key: PrivateKey, keys_json: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = tmp_path / "foreign.pdf"
    foreign.write_bytes(render_receipt(create_receipt_data(), SealSigner(other_key))[0])
    assert main([str(foreign), "--keys", str(keys_json)]) == EXIT_UNKNOWN_KEY == 2
    assert capsys.readouterr().out.startswith("UNKNOWN KEY")


def test_cli_without_a_seal_and_with_bad_input(
    keys_json: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "draft.pdf"
    draft.write_bytes(render_draft(create_draft_sheet()))
    assert main([str(draft), "--keys", str(keys_json)]) == EXIT_INVALID
    assert capsys.readouterr().out.startswith("MALFORMED")
    not_pdf = tmp_path / "not.pdf"
    not_pdf.write_bytes(b"hello")
    assert main([str(not_pdf), "--keys", str(keys_json)]) == EXIT_USAGE
    with pytest.raises(SystemExit) as exited:
        main([str(draft)])  # no key given
    assert exited.value.code == EXIT_USAGE


def test_library_never_imports_the_web_layer() -> None:
    forbidden = {"flask", "gateway", "werkzeug"}
    package = Path(printing.__file__).parent
    for source in package.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not {name.split(".")[0] for name in names} & forbidden, source


def test_cli_tampered_receipt(
    signer: SealSigner, keys_json: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seal = signer.seal(receipt_claims(create_receipt_data()))
    parts = list(cbor2.loads(b45decode(seal[4:])).value)
    claims = cbor2.loads(parts[2])
    claims["amt"] = 1  # someone prints a cheaper receipt with the genuine signature
    parts[2] = cbor2.dumps(claims, canonical=True)
    forged = "SP1:" + b45encode(cbor2.dumps(cbor2.CBORTag(18, parts)))
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    draw_qr(canvas, forged, 100, 400, 113)
    canvas.save()
    path = tmp_path / "forged.pdf"
    path.write_bytes(buffer.getvalue())
    assert main([str(path), "--keys", str(keys_json)]) == EXIT_INVALID == 1
    assert capsys.readouterr().out.startswith("TAMPERED")
