"""The email settings read from the environment: short backend names, SMTP from variables or a password file,
and a refusal to start with both TLS modes on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRINT = (
    "import json, tuoyu.settings as s; print(json.dumps({k: getattr(s, k) for k in ("
    "'EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD', 'EMAIL_USE_TLS', "
    "'EMAIL_USE_SSL', 'NOTIFY_EMAIL', 'SITE_URL')}))"
)


def settings_with(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TUOYU_")},
        "TUOYU_VAR_DIR": str(tmp_path),
        **variables,
    }
    return subprocess.run(
        [sys.executable, "-c", PRINT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_by_default_email_is_off_and_only_printed(tmp_path: Path) -> None:
    s = json.loads(settings_with(tmp_path).stdout)
    assert s["NOTIFY_EMAIL"] is False
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert s["SITE_URL"] == ""


def test_smtp_is_configured_from_the_environment_with_the_password_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "smtp.password"
    secret.write_text("s3cret-from-file\n")
    out = settings_with(
        tmp_path,
        TUOYU_NOTIFY_EMAIL="on",
        TUOYU_EMAIL_BACKEND="smtp",
        TUOYU_EMAIL_HOST="smtp.example.gov.cn",
        TUOYU_EMAIL_PORT="587",
        TUOYU_EMAIL_USER="tuoyu",
        TUOYU_EMAIL_PASSWORD_FILE=str(secret),
        TUOYU_EMAIL_USE_TLS="on",
        TUOYU_SITE_URL="https://tuoyu.example.gov.cn/",
    )
    assert json.loads(out.stdout) == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.gov.cn",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "tuoyu",
        "EMAIL_HOST_PASSWORD": "s3cret-from-file",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "NOTIFY_EMAIL": True,
        "SITE_URL": "https://tuoyu.example.gov.cn",
    }


def test_tls_and_ssl_together_stop_start_up(tmp_path: Path) -> None:
    out = settings_with(tmp_path, TUOYU_EMAIL_USE_TLS="on", TUOYU_EMAIL_USE_SSL="on")
    assert out.returncode != 0 and "cannot both be on" in out.stderr


def test_a_mistyped_switch_stops_start_up(tmp_path: Path) -> None:
    out = settings_with(tmp_path, TUOYU_NOTIFY_EMAIL="maybe")
    assert out.returncode != 0 and "TUOYU_NOTIFY_EMAIL" in out.stderr
