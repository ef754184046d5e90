"""A deploy never serves what the old code rendered: the rendered-fragment cache and the warm door
key their answers by the code version (a fingerprint of the packages, templates and static manifest),
and the cache warmer warms again after a deploy.

"A deploy" here is a change to one of the files the fingerprint covers: a file of the release added to
its sources, rewritten, and the process's memo of the version cleared (as a restarted process has)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboards import code_version, fragments, warm_door
from tests.test_fragment_cache import Calls, pandas_churn_counts
from tests.test_warm_door import CHART, counts, through_door

pytestmark = pytest.mark.django_db


def test_the_fingerprint_follows_the_files_and_not_their_byte_code(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "__pycache__").mkdir(parents=True)
    (package / "figures.py").write_text("WIDTH = 1\n")
    (package / "_chart.html").write_text("<div></div>\n")
    manifest = tmp_path / "staticfiles.json"
    manifest.write_text('{"paths": {"js/portal.js": "js/portal.1.js"}}')
    sources = [package, manifest]

    first = code_version.fingerprint(sources)
    assert code_version.fingerprint(sources) == first
    (package / "__pycache__" / "figures.cpython-311.pyc").write_bytes(b"\0byte code")
    (package / "notes.bak").write_text("not code")
    assert code_version.fingerprint(sources) == first

    (package / "figures.py").write_text("WIDTH = 2\n")
    changed_code = code_version.fingerprint(sources)
    manifest.write_text('{"paths": {"js/portal.js": "js/portal.2.js"}}')
    changed_static = code_version.fingerprint(sources)
    (package / "_chart.html").unlink()
    removed_template = code_version.fingerprint(sources)
    manifest.unlink()
    no_manifest = code_version.fingerprint(sources)
    assert len({first, changed_code, changed_static, removed_template, no_manifest}) == 5


def test_the_portals_fingerprint_covers_its_packages_templates_and_static_manifest(settings) -> None:
    names = {path.name for path in code_version.sources()}
    assert {"accounts", "dashboards", "exports", "config", "templates", "staticfiles.json"} <= names
    assert len(code_version.code_version()) == 16


def test_a_deploy_rebuilds_a_cached_fragment_instead_of_serving_the_old_html(
    signed_in, warehouse, settings, monkeypatch, deploy
):
    settings.WARM_DOOR_SECONDS = 0  # the fragment cache alone (the door has its own test below)
    built = Calls(monkeypatch, fragments, "load_chart")
    first = signed_in.get(CHART)
    assert counts(first) == pandas_churn_counts(warehouse, None)
    again = signed_in.get(CHART)
    assert built.count == 1 and again.content == first.content  # served from the fragment cache

    code_version.code_version.cache_clear()  # a restart with the same code: still cached
    signed_in.get(CHART)
    assert built.count == 1

    deploy()
    after = signed_in.get(CHART)
    assert built.count == 2  # built again by the new code
    assert counts(after) == pandas_churn_counts(warehouse, None)


def test_a_deploy_answers_nothing_from_the_door_that_the_old_code_rendered(signed_in, warehouse, deploy):
    first = signed_in.get(CHART)
    assert through_door(signed_in.get(CHART))
    deploy()
    after = signed_in.get(CHART)
    assert after.status_code == 200 and not through_door(after)
    assert counts(after) == counts(first) == pandas_churn_counts(warehouse, None)
    assert through_door(signed_in.get(CHART))  # and the new release's answer is remembered in turn
    assert warm_door.seconds() > 0
