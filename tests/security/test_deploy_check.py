"""`lingtouyang check --deploy`: clean with the production environment docs/configuration.md documents, and
loud with a laptop's defaults. Run as a user runs it, in a subprocess with only that environment."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLEAN = "System check identified no issues (0 silenced)."


def key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def run_check(tmp_path: Path, **env: str) -> str:
    base = {name: value for name, value in os.environ.items()
            if name in ("PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")}
    # Never the test runner's own settings: only what a deployment would set.
    base.update(LINGTOUYANG_VAR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="lingtouyang.settings")
    base.update({name: value for name, value in env.items() if value})  # "" stands for "not set"
    done = subprocess.run([sys.executable, "-m", "lingtouyang", "check", "--deploy"], cwd=ROOT, env=base,
                          capture_output=True, text=True, timeout=120, check=False)
    return done.stdout + done.stderr


def production() -> dict[str, str]:
    """The production environment of docs/configuration.md, with fresh keys."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(50), "FIELD_ENCRYPTION_KEY": key(), "BLIND_INDEX_KEY": key(),
        "DATABASE_URL": "postgres://lingtouyang:secret@127.0.0.1:5432/lingtouyang",
        "ALLOWED_HOSTS": "cadres.example.gov.cn", "CSRF_TRUSTED_ORIGINS": "https://cadres.example.gov.cn",
        "TRUSTED_PROXIES": "127.0.0.1", "HTTPS": "true", "HSTS_PRELOAD": "true",
        "REDIS_URL": "redis://127.0.0.1:6379/0", "PORTAL_BASE_URL": "https://cadres.example.gov.cn",
        "DEBUG": "false",
    }


def test_the_documented_production_settings_pass(tmp_path: Path) -> None:
    out = run_check(tmp_path, **production())
    assert CLEAN in out, out


def test_the_test_uses_the_documented_environment() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    block = text.split("## Production settings", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    documented = {line.split("=", 1)[0] for line in block.splitlines() if "=" in line}
    assert documented == set(production())


def test_a_laptop_is_warned(tmp_path: Path) -> None:
    out = run_check(tmp_path)
    for warning in ("lingtouyang.W001", "lingtouyang.W003", "lingtouyang.W004",  # dev keys, SQLite, no Redis
                    "security.W004", "security.W008", "security.W012", "security.W016"):  # no HSTS, redirect, cookies
        assert warning in out, (warning, out)
    assert CLEAN not in out


@pytest.mark.parametrize(("change", "warning"), [
    ({"REQUIRE_2FA": "false"}, "lingtouyang.W002"),
    ({"DATABASE_URL": ""}, "lingtouyang.W003"),
    ({"REDIS_URL": ""}, "lingtouyang.W004"),
    ({"HTTPS": "false"}, "security.W004"),
    ({"DEBUG": "true"}, "security.W018"),
])
def test_each_departure_from_production_is_named(tmp_path: Path, change: dict[str, str], warning: str) -> None:
    out = run_check(tmp_path, **{**production(), **change})
    assert warning in out, out
