import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_check_deploy_passes_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TUOYU_", "DJANGO_"))},
        "DJANGO_SETTINGS_MODULE": "tuoyu.settings",
        "TUOYU_VAR_DIR": str(tmp_path),
        "TUOYU_HTTPS": "on",
        "TUOYU_SECRET_KEY": "k3J9-vQ2#pL8@wZ5!rT7$mN4%hB6^yC1&dF0*gX8(sA2)eU9_iO3",
        "TUOYU_ALLOWED_HOSTS": "tuoyu.example.gov.cn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_argon2_is_the_password_hasher_outside_tests(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TUOYU_")},
        "TUOYU_VAR_DIR": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", "import tuoyu.settings as s; print(s.PASSWORD_HASHERS[0])"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"
