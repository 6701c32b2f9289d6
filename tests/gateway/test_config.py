"""Configuration: the demo needs nothing set; production refuses unsafe settings by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.config import DEMO_SECRET_KEY, Config, ConfigurationError

ROOT = Path(__file__).resolve().parents[2]
GOOD_PRODUCTION = {
    "SPORTELLO_PROFILE": "production",
    "SPORTELLO_DATABASE_URL": "postgresql+psycopg://sportello@db/sportello",
    "SPORTELLO_SECRET_KEY": "x" * 48,
    "SPORTELLO_TEST_IDP": "false",
    "SPORTELLO_BASE_URL": "https://sportello.comune.villanova.it",
    "SPORTELLO_CONNECTOR_PASSWORD": "real-secret",
    "SPORTELLO_REDIS_URL": "redis://redis.comune.villanova.it:6379/0",
    "SPORTELLO_ENTE_FILE": str(ROOT / "deploy" / "ente.example.yaml"),
    "SPORTELLO_SMTP_FROM": "Comune di Roccalta <noreply@comune.roccalta.example>",
}


@pytest.fixture(autouse=True)
def production_sp_certificate(tmp_path, monkeypatch):
    """A non-test SP key pair made with the project's own command."""
    import subprocess
    import sys

    subprocess.run(
        [
            sys.executable,
            "-m",
            "identity.keys",
            "--out",
            str(tmp_path),
            "--stem",
            "sp",
            "--ipa-code",
            "c_x000",
            "--entity-id",
            "https://sportello.comune.villanova.it/saml/metadata",
            "--organization",
            "Comune di Villanova",
            "--locality",
            "Villanova",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    GOOD_PRODUCTION["SPORTELLO_SP_CERT_FILE"] = str(tmp_path / "sp-cert.pem")
    GOOD_PRODUCTION["SPORTELLO_SP_KEY_FILE"] = str(tmp_path / "sp-key.pem")
    GOOD_PRODUCTION["SPORTELLO_SEAL_KEY_FILE"] = str(tmp_path / "seal-key.pem")
    GOOD_PRODUCTION["SPORTELLO_AUDIT_LOG_KEY_FILE"] = str(tmp_path / "audit-log-key.txt")
    GOOD_PRODUCTION["SPORTELLO_AUDIT_CHECKPOINT_FILE"] = str(tmp_path / "checkpoints.jsonl")


def test_demo_profile_needs_nothing() -> None:
    config = Config.from_env({})
    assert config.profile == "demo"
    assert config.database_url.startswith("sqlite:///")
    assert config.test_idp_enabled


def test_a_good_production_environment_is_accepted() -> None:
    config = Config.from_env(GOOD_PRODUCTION)
    assert config.profile == "production" and config.hsts and config.secure_cookies
    assert config.log_json and not config.test_idp_enabled


@pytest.mark.parametrize(
    ("change", "variable"),
    [
        ({"SPORTELLO_SECRET_KEY": DEMO_SECRET_KEY}, "SPORTELLO_SECRET_KEY"),
        ({"SPORTELLO_SECRET_KEY": "short"}, "SPORTELLO_SECRET_KEY"),
        ({"SPORTELLO_TEST_IDP": "true"}, "SPORTELLO_TEST_IDP"),
        ({"SPORTELLO_DATABASE_URL": None}, "SPORTELLO_DATABASE_URL"),
        ({"SPORTELLO_BASE_URL": "http://plain"}, "SPORTELLO_BASE_URL"),
        ({"SPORTELLO_CONNECTOR_PASSWORD": None}, "SPORTELLO_CONNECTOR_PASSWORD"),
        ({"SPORTELLO_SP_CERT_FILE": None}, "SPORTELLO_SP_CERT_FILE"),
        ({"SPORTELLO_SEAL_KEY_FILE": None}, "SPORTELLO_SEAL_KEY_FILE"),
        ({"SPORTELLO_AUDIT_LOG_KEY_FILE": None}, "SPORTELLO_AUDIT_LOG_KEY_FILE"),
        ({"SPORTELLO_AUDIT_CHECKPOINT_FILE": None}, "SPORTELLO_AUDIT_CHECKPOINT_FILE"),
        ({"SPORTELLO_IDP_TRUST_EXPIRED": "x.xml"}, "SPORTELLO_IDP_TRUST_EXPIRED"),
        ({"SPORTELLO_REDIS_URL": None}, "SPORTELLO_REDIS_URL"),
        ({"SPORTELLO_ENTE_FILE": None}, "SPORTELLO_ENTE_FILE"),
        ({"SPORTELLO_ENTE_IPA_CODE": "c_x000"}, "SPORTELLO_ENTE_IPA_CODE"),
        ({"SPORTELLO_ENTE_CREDITOR_FISCAL_CODE": "80001234568"}, "creditor_fiscal_code"),
        ({"SPORTELLO_ENTE_CONTACTS_EMAIL": "urp@comune.villanova.example"}, "contacts.email"),
        ({"SPORTELLO_SMTP_FROM": None}, "SPORTELLO_SMTP_FROM"),
    ],
)
def test_production_refuses_unsafe_settings_naming_the_variable(
    change: dict[str, str | None], variable: str
) -> None:
    env = {k: v for k, v in {**GOOD_PRODUCTION, **change}.items() if v is not None}
    with pytest.raises(ConfigurationError) as info:
        Config.from_env(env)
    message = str(info.value)
    assert variable in message
    assert "\n" not in message


def test_bad_values_are_named() -> None:
    with pytest.raises(ConfigurationError, match="SPORTELLO_SESSION_IDLE_MINUTES"):
        Config.from_env({"SPORTELLO_SESSION_IDLE_MINUTES": "soon"})
    with pytest.raises(ConfigurationError, match="SPORTELLO_PROFILE"):
        Config.from_env({"SPORTELLO_PROFILE": "staging"})


def test_config_is_read_only() -> None:
    config = Config.from_env({})
    with pytest.raises(AttributeError):
        config.secret_key = "changed"  # type: ignore[misc]


def test_production_start_fails_with_one_line(tmp_path) -> None:
    """Starting the app in production without settings stops with the variable's name."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "from gateway import create_app; create_app()"],
        env={"SPORTELLO_PROFILE": "production", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "sportello: configuration refused: SPORTELLO_DATABASE_URL is not set: production needs "
        "a PostgreSQL URL (postgresql+psycopg://user@host/db)"
    ]


def test_gunicorn_stops_on_a_refused_configuration(tmp_path) -> None:
    """Not a worker respawned forever: the master gives up, after the one line."""
    import subprocess
    import sys
    from pathlib import Path

    gunicorn = Path(sys.executable).parent / "gunicorn"
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [str(gunicorn), "--chdir", str(root), "-b", "127.0.0.1:0", "-w", "1", "gateway.wsgi:app"],
        env={"SPORTELLO_PROFILE": "production", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Worker failed to boot" in result.stderr
    assert "sportello: configuration refused: SPORTELLO_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_the_public_test_certificate() -> None:
    from identity import testdata

    cert = testdata.__file__.replace("__init__.py", "sp-TEST-ONLY-cert.pem")
    with pytest.raises(ConfigurationError, match="TEST certificate"):
        Config.from_env({**GOOD_PRODUCTION, "SPORTELLO_SP_CERT_FILE": cert})


def test_the_readme_lists_every_variable_and_only_those() -> None:
    """Operators read the README's table: it names each setting once, in full."""
    import re
    from pathlib import Path

    from gateway.config import environment_names

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    listed = [
        name
        for line in table.splitlines()
        if line.startswith("| `")
        for name in re.findall(r"`(SPORTELLO_[A-Z_]+)`", line.split("|")[1])
    ]
    assert len(listed) == len(set(listed))
    assert set(listed) == set(environment_names().values())


def test_production_with_the_demo_s_body_stops_with_one_line(tmp_path) -> None:
    """Everything else ready, but the body is still the demo municipality: exit status 2."""
    import subprocess
    import sys

    env = {k: v for k, v in GOOD_PRODUCTION.items() if k != "SPORTELLO_ENTE_FILE"}
    result = subprocess.run(
        [sys.executable, "-c", "from gateway import create_app; create_app()"],
        env={**env, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "sportello: configuration refused: SPORTELLO_ENTE_FILE: name is the demo municipality's "
        "'Comune di Villanova': production needs the body's own value (in the file or "
        "SPORTELLO_ENTE_NAME)"
    ]
    env["SPORTELLO_ENTE_FILE"] = str(tmp_path / "ente.txt")
    (tmp_path / "ente.txt").write_text("name: x\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", "from gateway import create_app; create_app()"],
        env={**env, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "SPORTELLO_ENTE_FILE=" in line and "must end in .yaml, .yml or .toml" in line
