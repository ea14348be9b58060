import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "1",
        "DJANGO_SECRET_KEY": "x7$Kq!v9" * 8,
        "AUDIT_HMAC_KEY": "k3#Vw9!p" * 6,
        "DJANGO_ALLOWED_HOSTS": "xm.example.gov.cn",
        "DJANGO_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by conftest for the live server only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_no_asset_is_loaded_from_the_internet():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        assert "http://" not in text and "https://" not in text, path
