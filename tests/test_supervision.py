"""bin/run-all keeps web, worker and beat running, and a stop ends every process within 10 s.

A real supervisor on a free port with a scratch VAR_DIR (its own SQLite database and broker file) and
the session's small demo warehouse.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from tests.fixtures.celery_worker import REPO_ROOT, _free_port


@dataclass
class Running:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def program(self, word: str) -> psutil.Process | None:
        """The supervisor's child running celery `word` (worker, beat) or gunicorn (web)."""
        for child in psutil.Process(self.process.pid).children():
            try:
                cmd = " ".join(child.cmdline())
            except psutil.Error:
                continue
            if (word == "web" and "gunicorn" in cmd) or f" {word} " in f" {cmd} ":
                return child
        return None

    def healthz(self) -> int:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)


def _wait(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what}")


def _environment(var: Path, port: int, warehouse: Path) -> dict[str, str]:
    """bin/run-all's environment for a scratch VAR_DIR, its own database and broker, migrated."""
    env = {
        **os.environ,
        "VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}",
        "WAREHOUSE_PATH": str(warehouse),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_WORKERS": "1",
        "CELERY_CONCURRENCY": "1",
        "BIN": str(Path(sys.executable).parent),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=REPO_ROOT, env=env, check=True)
    return env


def _launch(command: list[str], var: Path, warehouse: Path) -> Running:
    """`command` (bin/run-all, or something that starts it) in a session of its own, on a free port."""
    port = _free_port()
    env = _environment(var, port, warehouse)
    log = var / "run-all.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Running(process, port, log)


@pytest.fixture(scope="module")
def running(demo_warehouse_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    run = _launch(
        [str(REPO_ROOT / "bin" / "run-all")], tmp_path_factory.mktemp("run-all-var"), demo_warehouse_path
    )
    process = run.process
    try:
        _wait(lambda: run.healthz() == 200, 60, "the web server answers /healthz")
        _wait(lambda: run.program("worker") and run.program("beat"), 30, "worker and beat run")
        yield run
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def test_a_worker_killed_with_sigkill_is_restarted_and_the_web_server_keeps_answering(
    running: Running,
) -> None:
    worker = running.program("worker")
    assert worker is not None
    web = running.program("web")
    assert web is not None
    os.kill(worker.pid, signal.SIGKILL)
    _wait(
        lambda: (new := running.program("worker")) is not None and new.pid != worker.pid,
        30,
        "a new worker is started",
    )
    assert "worker exited with code -9" in running.output()
    assert running.healthz() == 200
    assert running.program("web").pid == web.pid  # type: ignore[union-attr]  # the web server was never stopped
    assert running.process.poll() is None


def test_sigterm_ends_web_worker_beat_and_their_children_within_ten_seconds(running: Running) -> None:
    tree = psutil.Process(running.process.pid).children(recursive=True)
    assert len(tree) >= 3  # web (master and a worker), worker, beat
    started = time.monotonic()
    running.process.send_signal(signal.SIGTERM)
    running.process.wait(10)
    elapsed = time.monotonic() - started
    alive = [p.pid for p in tree if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert alive == [], f"left behind after {elapsed:.1f} s: {alive}"
    assert running.process.returncode == 0
    assert "run-all: stopped" in running.output()


def test_when_the_process_that_started_it_ends_web_worker_and_beat_end_too(
    demo_warehouse_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """`kill <pid of make>` reaches make alone: bin/run-all, left an orphan, stops everything itself
    (here a shell stands for make)."""
    command = ["bash", "-c", f"{REPO_ROOT / 'bin' / 'run-all'} & wait"]
    run = _launch(command, tmp_path_factory.mktemp("run-all-orphan"), demo_warehouse_path)
    parent = run.process
    tree: list[psutil.Process] = []
    try:
        _wait(lambda: run.healthz() == 200, 60, "the web server answers /healthz")
        (supervisor,) = psutil.Process(parent.pid).children()
        tree = [supervisor, *supervisor.children(recursive=True)]
        assert len(tree) >= 4  # the supervisor, web (master and a worker), worker, beat
        parent.send_signal(signal.SIGTERM)  # the shell alone, as `kill` does to make
        parent.wait(10)
        started = time.monotonic()
        _wait(
            lambda: not [p for p in tree if p.is_running() and p.status() != psutil.STATUS_ZOMBIE],
            12,
            "the supervisor, web, worker and beat have ended",
        )
        assert time.monotonic() - started < 12
        assert "has ended" in run.output() and "run-all: stopped" in run.output()
    finally:  # never leave a server behind, even when the supervisor did not stop them
        with contextlib.suppress(ProcessLookupError):
            os.killpg(parent.pid, signal.SIGKILL)
        for process in tree:
            with contextlib.suppress(psutil.Error):
                process.kill()
