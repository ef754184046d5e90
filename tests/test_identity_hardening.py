"""Production settings pass `check --deploy`; every page carries a CSP without inline script, and the
Overview draws under it in a real browser."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.fixtures.portal import TEST_PASSWORD
from tests.fresh_python import run_python

REPO = Path(__file__).resolve().parents[1]


def test_production_settings_pass_check_deploy_without_a_warning(tmp_path):
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    # The browser fixtures set DJANGO_ALLOW_ASYNC_UNSAFE for the test process only; production has not.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "SECURE_COOKIES": "true",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
        "VAR_DIR": str(tmp_path),
        "OIDC_ISSUER": "https://example.okta.com/oauth2/default",
        "OIDC_RP_CLIENT_ID": "portal",
        "OIDC_RP_CLIENT_SECRET_FILE": str(tmp_path / "secret"),
    }
    (tmp_path / "secret").write_text("s3cret\n")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_the_client_secret_can_come_from_a_file(tmp_path):
    (tmp_path / "secret").write_text("from-a-file\n")
    code = "from django.conf import settings; print(settings.OIDC_RP_CLIENT_SECRET, settings.OIDC_OP_JWKS_ENDPOINT)"
    env = {
        **os.environ,
        "VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "OIDC_ISSUER": "https://example.okta.com",
        "OIDC_RP_CLIENT_ID": "portal",
        "OIDC_RP_CLIENT_SECRET_FILE": str(tmp_path / "secret"),
    }
    result = run_python("import django; django.setup(); " + code, env, check=False, timeout=60)
    assert result.stdout.split() == ["from-a-file", "https://example.okta.com/oauth2/v1/keys"], result.stderr


@pytest.mark.django_db
def test_every_page_has_a_csp_without_inline_script_and_frame_protection(client, user):
    for response in (client.get("/accounts/login/"), client.get("/healthz")):
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'"
        assert "'unsafe-inline'" not in directives["script-src"] and "unsafe-eval" not in policy
        assert directives["frame-ancestors"] == "'none'"
        assert response["X-Frame-Options"] == "DENY"
    client.get("/accounts/login/")
    assert client.cookies["csrftoken"]["httponly"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_overview_draws_under_the_csp_with_no_violation(
    page: Page, live_server, settings, warehouse, user
):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/w/overview/")
    page.wait_for_function(
        "() => { const c = document.querySelectorAll('[data-chart-src]');"
        " return c.length > 0 && [...c].every(e => e.dataset.drawn === 'true'); }",
        timeout=30_000,
    )
    assert page.locator(".js-plotly-plot").count() > 0
    assert page.evaluate("window.__csp") == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e]  # type: ignore[attr-defined]
