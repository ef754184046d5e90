"""Run web (gunicorn), a Celery worker and Celery beat together and keep them running (`make run`).

- Each program runs in a process group of its own. When one exits, whatever is left of its group
  (for example the worker's kaleido Chromium) is killed, the exit is logged, and the program is
  started again after a backoff (1 s, 2 s, 4 s ... up to 60 s; back to 1 s once it has run for a
  minute). The web server never stops because the worker or beat did.
- If the web server cannot stay up (it exits WEB_MAX_FAILURES times in a row within a minute of
  starting, e.g. its port is taken), everything stops with a message saying so.
- SIGTERM or Ctrl-C: every program gets SIGTERM (the worker finishes its running task if it can),
  and whatever is still alive after STOP_GRACE seconds (default 5) is killed with SIGKILL, process
  groups and every descendant, so all is gone within 10 s. The supervisor is a child subreaper
  (Linux), so processes that detach from their parents are still found and ended.
- The same when the process that started it ends: `kill <pid of make>` reaches make alone (a
  terminal's Ctrl-C reaches the whole group), and the supervisor, left an orphan, would otherwise
  keep web, worker and beat running and the port taken.

Standalone (no Django import): configured by the environment that bin/run-all passes.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

import psutil

POLL_SECONDS = 0.5
SCAN_SECONDS = 3.0  # how often each program's descendants are listed (psutil walks /proc: not free)
BACKOFF_MAX = 60.0
STABLE_SECONDS = 60.0
PARENT_ENDED = "its parent ended"


def log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} run-all: {message}", file=sys.stderr, flush=True)


@dataclass
class Program:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    failures: int = 0  # consecutive quick exits
    restart_at: float = 0.0
    restarts: int = 0
    known: set[int] = field(default_factory=set)  # descendant pids seen, so none is left behind

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv, start_new_session=True)
        self.started_at = time.monotonic()
        log(f"{self.name} started (pid {self.process.pid})")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def remember_descendants(self) -> None:
        if not self.running:
            return
        assert self.process is not None
        with contextlib.suppress(psutil.Error):
            self.known |= {p.pid for p in psutil.Process(self.process.pid).children(recursive=True)}

    def signal_group(self, sig: int) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, sig)

    def kill_leftovers(self) -> None:
        """SIGKILL what is left of the program: its process group and every descendant seen."""
        self.signal_group(signal.SIGKILL)
        for pid in list(self.known):
            with contextlib.suppress(psutil.Error):
                psutil.Process(pid).kill()
        self.known.clear()


def programs_from_env() -> list[Program]:
    bin_dir = os.environ.get("BIN", ".venv/bin")
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    web_workers = os.environ.get("WEB_WORKERS", "2")
    concurrency = os.environ.get("CELERY_CONCURRENCY", "2")
    loglevel = os.environ.get("CELERY_LOGLEVEL", "warning")
    grace = os.environ.get("STOP_GRACE", "5")
    celery = [f"{bin_dir}/python", "-m", "celery", "-A", "config"]
    return [
        Program(
            "web",
            [
                f"{bin_dir}/gunicorn", "config.wsgi", "-c", "config/gunicorn.py", "--bind", f"{host}:{port}",
                "--workers", web_workers,
                "--threads", "4", "--graceful-timeout", grace, "--access-logfile", "-",
                "--log-level", "warning",
            ],
        ),
        # The thread pool: one process, so a stop is a warm shutdown of one process (billiard's
        # prefork pool could hang for minutes on it), and a kill -9 leaves no orphaned pool children.
        Program(
            "worker",
            [
                *celery, "worker", f"--loglevel={loglevel}", "--pool=threads",
                f"--concurrency={concurrency}", "-n", "worker@%h", "--without-gossip",
                "--without-mingle", "--without-heartbeat",
            ],
        ),
        Program("beat", [*celery, "beat", f"--loglevel={loglevel}"]),
    ]  # fmt: skip


def become_subreaper() -> None:
    """Orphans of our children are re-parented to us (Linux PR_SET_CHILD_SUBREAPER), not to init."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)


def reap_orphans(ours: set[int]) -> None:
    """Collect exited grandchildren that were re-parented to us (not our own programs: Popen does)."""
    try:
        children = psutil.Process().children()
    except psutil.Error:
        return
    for child in children:
        if child.pid in ours:
            continue
        try:
            if child.status() == psutil.STATUS_ZOMBIE:
                os.waitpid(child.pid, os.WNOHANG)
        except (psutil.Error, ChildProcessError):
            pass


class Supervisor:
    def __init__(self, programs: list[Program], grace: float, web_max_failures: int) -> None:
        self.programs = programs
        self.grace = grace
        self.web_max_failures = web_max_failures
        self.stopping: str | None = None
        self.parent = os.getppid()  # make (bin/run-all execs this file): its end ends everything

    def ours(self) -> set[int]:
        return {p.process.pid for p in self.programs if p.process is not None}

    def request_stop(self, signum: int, _frame: object) -> None:
        self.stopping = signal.Signals(signum).name

    def backoff(self, program: Program) -> float:
        return min(BACKOFF_MAX, 2.0 ** max(0, program.failures - 1))

    def check(self, program: Program, now: float) -> None:
        if program.process is None:
            if now >= program.restart_at:
                program.start()
            return
        code = program.process.poll()
        if code is None:
            return
        uptime = now - program.started_at
        program.kill_leftovers()
        program.failures = 1 if uptime >= STABLE_SECONDS else program.failures + 1
        if program.name == "web" and program.failures >= self.web_max_failures:
            log(
                f"web exited with code {code} {program.failures} times in a row within a minute of "
                "starting (is the port free? see its messages above); stopping everything"
            )
            self.stopping = "web failures"
            return
        delay = self.backoff(program)
        program.restarts += 1
        log(f"{program.name} exited with code {code} after {uptime:.0f} s; restarting in {delay:.0f} s")
        program.process = None
        program.restart_at = now + delay

    def run(self) -> int:
        for program in self.programs:
            program.start()
        next_scan = 0.0
        while self.stopping is None:
            if os.getppid() != self.parent:
                log(f"the process that started run-all ({self.parent}) has ended")
                self.stopping = PARENT_ENDED
                break
            now = time.monotonic()
            for program in self.programs:
                if self.stopping is None:
                    self.check(program, now)
            if now >= next_scan:
                for program in self.programs:
                    program.remember_descendants()
                reap_orphans(self.ours())
                next_scan = now + SCAN_SECONDS
            time.sleep(POLL_SECONDS)
        return self.stop()

    def stop(self) -> int:
        log(f"stopping ({self.stopping}): web, worker and beat")
        for program in self.programs:
            program.remember_descendants()
        everyone = {p.pid for p in psutil.Process().children(recursive=True)}
        for program in self.programs:
            if program.running:
                program.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        while time.monotonic() < deadline and any(p.running for p in self.programs):
            reap_orphans(self.ours())
            time.sleep(0.1)
        for program in self.programs:
            if program.running:
                log(f"{program.name} still running after {self.grace:.0f} s; killing it")
            program.kill_leftovers()
        everyone |= {p.pid for p in psutil.Process().children(recursive=True)}
        for pid in everyone:
            with contextlib.suppress(psutil.Error):
                psutil.Process(pid).kill()
        for program in self.programs:
            if program.process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    program.process.wait(2)
        reap_orphans(self.ours())
        log("stopped")
        return 0 if self.stopping in ("SIGTERM", "SIGINT", PARENT_ENDED) else 1


def main() -> int:
    become_subreaper()
    supervisor = Supervisor(
        programs_from_env(),
        grace=float(os.environ.get("STOP_GRACE", "5")),
        web_max_failures=int(os.environ.get("WEB_MAX_FAILURES", "5")),
    )
    signal.signal(signal.SIGTERM, supervisor.request_stop)
    signal.signal(signal.SIGINT, supervisor.request_stop)
    signal.signal(signal.SIGHUP, supervisor.request_stop)
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
