"""The load figure of `manage.py bench`: warm chart fragments against a static file, under 200 connections.

The bench starts gunicorn itself (2 workers x 4 threads, as `make run`) and a Celery worker on free
resources, signs a bench user in, warms every fragment of the default view of five workspaces, then runs
wrk (Debian's `wrk`) against 127.0.0.1 only, for a bounded time, twice: once rotating over the
fragments and once on a static file of about the fragments' mean size. It prints requests/s, P50, P95
and errors side by side, then the resident memory of web and worker. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import QueryDict
from django.test import Client

from accounts.access import viewer_for
from dashboards.charts.registry import WORKSPACES
from dashboards.filters import load_data_range, load_options, parse_filters

HOST = "127.0.0.1"  # the load generator never targets anything else
BENCH_USER = "bench.load"
BENCH_ROLE = "Administrator"  # opens every workspace

GUNICORN = [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py"]
GUNICORN += ["--workers", "2", "--threads", "4"]
GUNICORN += ["--log-level", "warning"]
# As `make run` starts it (bin/supervise.py): the thread pool, one process.
CELERY_WORKER = ["-A", "config", "worker", "--loglevel=warning", "--pool=threads", "--concurrency=2"]
CELERY_WORKER += ["--without-gossip", "--without-mingle", "--without-heartbeat"]

LUA = """
local paths = {%s}
local cookies = {%s}
local i = 0
request = function()
  i = i + 1
  local cookie = cookies[(math.floor(i / #paths) %% #cookies) + 1]
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Cookie"] = cookie})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), e.connect + e.read + e.write + e.timeout, e.status))
end
"""


@dataclass(frozen=True)
class LoadFigure:
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    errors: int
    requests: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_for_server(base: str, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    """Until `base` answers /healthz (any status: 503 names what is down); raises if `process` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the benchmark server exited with status {process.returncode}")
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the benchmark server did not start")


def _tree(pid: int) -> list[int]:
    """`pid` and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def memory_mb(pid: int, *, leave_out: tuple[int, ...] = (), itself: bool = True) -> tuple[float, float]:
    """(PSS, RSS) of a process (unless not `itself`) and its descendants in MB, without the trees of
    `leave_out`. PSS shares each shared page out among the processes that map it, so forked workers
    and Chromium's processes are not counted several times."""
    pss = rss = 0
    left_out = {each for other in leave_out for each in _tree(other)} | (set() if itself else {pid})
    for each in set(_tree(pid)) - left_out:
        try:
            for line in Path(f"/proc/{each}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1])
        except OSError:
            continue
    return pss / 1024, rss / 1024


def kaleido_chromium_mb(*servers: int) -> float:
    """PSS of one kaleido Chromium that has drawn a chart (started here, as the worker starts its own)."""
    from . import images

    images.render({"data": [{"type": "bar", "x": ["a"], "y": [1]}]}, fmt="svg")
    try:
        return memory_mb(os.getpid(), leave_out=servers, itself=False)[0]
    finally:
        images.stop()


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def fragment_paths(count: int) -> list[str]:
    """Every chart of the default tab of the first `count` workspaces, with the default view's query."""
    user = bench_user()
    viewer = viewer_for(user)
    filters = parse_filters(QueryDict(""), options=load_options(viewer), data=load_data_range(viewer))
    query = filters.querystring()
    paths = []
    for ws in list(WORKSPACES.values())[:count]:
        tab = next(iter(ws.tabs), "")
        for chart in ws.on_tab(tab):
            paths.append(f"/w/{ws.slug}/chart/{chart.id}/?{query}")
    return paths


def bench_user(number: int = 0) -> User:
    user, _ = User.objects.get_or_create(username=BENCH_USER if number == 0 else f"{BENCH_USER}.{number}")
    user.groups.add(Group.objects.get_or_create(name=BENCH_ROLE)[0])
    return user


def session_cookie(number: int = 0) -> str:
    client = Client()
    client.force_login(bench_user(number))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _get(base: str, path: str, cookie: str) -> tuple[int, int]:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, 0


def static_path(size: int) -> str:
    """The collected static file closest in size to `size` bytes, under its hashed name."""
    root = Path(settings.STATIC_ROOT)
    names = [
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".css", ".js", ".svg") and "." not in p.stem  # unhashed originals
    ]
    if not names:
        raise RuntimeError("no collected static files: run `manage.py collectstatic` (make bench does)")
    best = min(names, key=lambda n: abs((root / n).stat().st_size - size))
    return str(staticfiles_storage.url(best))


def wrk(base: str, paths: list[str], cookies: list[str], *, seconds: int, connections: int) -> LoadFigure:
    binary = shutil.which("wrk")
    if binary is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    quoted = ", ".join(f'"{p}"' for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % (quoted, ", ".join(f'"{c}"' for c in cookies)))
    try:
        out = subprocess.run(
            [
                binary,
                "-t",
                "2",
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                base + paths[0],
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=False,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next((line for line in out.splitlines() if line.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures: {out[-500:]}")
    requests, duration_us, p50, p95, socket_errors, status_errors = (int(v) for v in line.split()[1:])
    return LoadFigure(
        requests_per_s=requests / (duration_us / 1e6),
        p50_ms=p50 / 1000,
        p95_ms=p95 / 1000,
        errors=socket_errors + status_errors,
        requests=requests,
    )


def run_load(*, seconds: int, connections: int, workspaces: int) -> Iterator[str]:
    """Start web and worker, warm, load them; yield the lines to print."""
    if not HOST.startswith("127."):
        raise RuntimeError("the load generator only targets the loopback interface")
    paths = fragment_paths(workspaces)
    cookies = [session_cookie(n) for n in range(connections)]  # one person per connection
    cookie = cookies[0]
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    python_bin = Path(sys.executable).parent
    web = subprocess.Popen(
        [*GUNICORN, "--bind", f"{HOST}:{port}"],
        env=env,
        cwd=settings.BASE_DIR,
    )
    worker = subprocess.Popen(
        [str(python_bin / "celery"), *CELERY_WORKER, "-n", f"bench{port}@%h"],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://{HOST}:{port}"
    try:
        wait_for_server(base, web)
        started = time.perf_counter()
        sizes = []
        for path in paths:
            status, size = _get(base, path, cookie)
            if status != 200:
                yield f"  warming {path}: HTTP {status}"
            sizes.append(size)
        for number, other in enumerate(cookies[1:]):  # each person has opened a page of charts
            _get(base, paths[number % len(paths)], other)
        yield (
            f"Load: {len(paths)} chart fragments of {workspaces} workspaces warmed in "
            f"{time.perf_counter() - started:.1f} s (mean {sum(sizes) / max(1, len(sizes)) / 1024:.1f} kB); "
            f"{connections} connections (one signed-in person each) for {seconds} s each, gunicorn 2 workers"
            f" x 4 threads, wrk on {HOST}"
        )
        static = static_path(int(sum(sizes) / max(1, len(sizes))))
        static_size = _get(base, static, cookie)[1]
        figures = {
            "warm fragments": wrk(base, paths, cookies, seconds=seconds, connections=connections),
            f"static file ({static_size / 1024:.0f} kB)": wrk(
                base, [static], cookies, seconds=seconds, connections=connections
            ),
        }
        yield "  load average of the machine before the run: " + " ".join(f"{v:.1f}" for v in os.getloadavg())
        yield f"  {'target':<26}{'req/s':>10}{'P50':>11}{'P95':>11}{'errors':>8}{'requests':>10}"
        for name, fig in figures.items():
            yield (
                f"  {name:<26}{fig.requests_per_s:>10.0f}{fig.p50_ms:>8.1f} ms{fig.p95_ms:>8.1f} ms"
                f"{fig.errors:>8}{fig.requests:>10}"
            )
        frag, stat = figures.values()
        if stat.requests:
            yield f"  fragments reach {frag.requests_per_s / stat.requests_per_s:.0%} of the static throughput"
        (web_pss, web_rss), (worker_pss, worker_rss) = memory_mb(web.pid), memory_mb(worker.pid)
        chromium = kaleido_chromium_mb(web.pid, worker.pid)
        yield (
            f"  memory after the run, PSS (RSS): web {web_pss:.0f} MB ({web_rss:.0f}), worker "
            f"{worker_pss:.0f} MB ({worker_rss:.0f}), together {web_pss + worker_pss:.0f} MB; the worker's "
            f"kaleido Chromium, started at its first PDF or e-mail chart, adds {chromium:.0f} MB: "
            f"{web_pss + worker_pss + chromium:.0f} MB"
        )
    finally:
        _stop(web)
        _stop(worker)
