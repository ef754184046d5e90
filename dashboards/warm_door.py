"""The warm door: a chart fragment a session was just given is given again without Django's session,
user, role, filter and template machinery, so warm charts hold hundreds of users on two cores.

Every fragment the full stack answers with 200 (chart, KPI row, match count) is *remembered*: a pointer
from (what the asker may see, the warehouse's data version, the exact path and query) to the response
body, whose bytes are kept once under their own hash. "What the asker may see" is the viewer (scope,
PII, rights, workspaces, Snowflake role, all but the name) and the preferences a fragment depends on
(palette, default date range): two people with the same ones get the same bytes from the full stack.
The session that asked gets a *door*: a note that it may be answered for that viewer state. Its next
request for a remembered URL and data version is answered from the pointer by a middleware that sits
right after WhiteNoise, before the session and the user are even loaded.

It never answers what the full stack would not:

- A door belongs to one session (its cookie, hashed with SECRET_KEY: the cache never holds a
  session id) and lives at most ``WARM_DOOR_SECONDS`` (60 s), never past the session's own expiry nor
  past the single sign-on re-check. Any request after that goes through every check again.
- Signing out closes the session's door. Any change to roles, groups, a user or a preference closes
  every door at once (a new *epoch*: doors and pointers of an older epoch are refused), so a changed
  right or default view is always decided by the full stack.
- The data version is part of the pointer: a refreshed warehouse answers nothing from the door. So is
  the code version (dashboards.code_version): a deploy answers nothing the old code rendered.
- Only complete answers are remembered, and only when the data version did not change while the
  answer was computed; with the cache failing or degraded to one process's memory, the door stays shut.

``WARM_DOOR_SECONDS = 0`` turns the door off.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gzip
import hashlib
import hmac
import logging
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse

from .code_version import code_version
from .warehouse.client import WarehouseError, data_version

log = logging.getLogger(__name__)

EPOCH_KEY = "door:epoch"
DOOR_PREFIX = "door:s:"
POINTER_PREFIX = "door:p:"
BODY_PREFIX = "door:b:"
SERVED_HEADER = "X-Portal-Cache"  # "door" on an answer the door gave: for tests and benchmarks

# The fragment URLs the door may answer (the ones views.chart_fragment, kpis_fragment and
# matches_fragment serve).
FRAGMENT_PATH = re.compile(r"^/w/[-a-zA-Z0-9_]+/(chart/[-a-zA-Z0-9_]+/([-a-zA-Z0-9_]+/)?|kpis/|matches/)$")
GZIP_MIN_BYTES = 200


def seconds() -> int:
    return int(getattr(settings, "WARM_DOOR_SECONDS", 60))


def _cache() -> Any:
    return caches["default"]


def _shared(cache: Any) -> bool:
    """False while the cache has fallen back to this process's memory: a door closed elsewhere would
    not be seen closed here."""
    degraded = getattr(cache, "degraded", None)
    return not (callable(degraded) and degraded())


def _session_id(raw: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), raw.encode(), hashlib.sha256).hexdigest()[:40]


def _pointer_key(state: str, epoch: str, version: str, full_path: str) -> str:
    """Where the answer for `full_path` is remembered; the code version keeps a deploy's answers apart."""
    material = f"{state}\0{epoch}\0{version}\0{code_version()}\0{full_path}".encode()
    return POINTER_PREFIX + hashlib.sha256(material).hexdigest()


class _Memory:
    """A bounded in-process map for what never changes under its key (pointers, bodies, gzipped bodies)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._sizes: dict[str, int] = {}
        self._total = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: Any, size: int) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = value
            self._sizes[key] = size
            self._total += size
            while self._total > self.max_bytes and self._items:
                old, _ = self._items.popitem(last=False)
                self._total -= self._sizes.pop(old)


_memory = _Memory(max_bytes=32 * 1024 * 1024)


def _current_epoch(cache: Any) -> str | None:
    epoch = cache.get(EPOCH_KEY)
    if epoch is None:
        cache.add(EPOCH_KEY, secrets.token_hex(8), None)
        epoch = cache.get(EPOCH_KEY)
    return epoch if isinstance(epoch, str) else None


def epoch_now() -> str | None:
    """The current epoch, read before a fragment is computed (None: the door stays shut for it)."""
    if seconds() <= 0:
        return None
    try:
        cache = _cache()
        return _current_epoch(cache) if _shared(cache) else None
    except Exception as exc:
        log.warning("warm door: cache unavailable (%s: %s)", type(exc).__name__, exc)
        return None


def close_every_door() -> None:
    """A new epoch: every session's door is shut until the full stack answers it again."""
    try:
        _cache().set(EPOCH_KEY, secrets.token_hex(8), None)
    except Exception as exc:
        log.warning("warm door: could not start a new epoch (%s: %s)", type(exc).__name__, exc)


def close_door_of(session_key: str | None) -> None:
    if not session_key:
        return
    try:
        _cache().delete(DOOR_PREFIX + _session_id(session_key))
    except Exception as exc:
        log.warning("warm door: could not close a session's door (%s: %s)", type(exc).__name__, exc)


def _valid_until(request: HttpRequest) -> float:
    until = time.time() + seconds()
    session = request.session  # type: ignore[attr-defined]
    with contextlib.suppress(Exception):
        until = min(until, session.get_expiry_date().timestamp())
    oidc_expiry = session.get("oidc_id_token_expiration")
    if isinstance(oidc_expiry, int | float):
        until = min(until, float(oidc_expiry))
    return until


def remember(
    request: HttpRequest, response: HttpResponse, *, state: str | None, epoch: str | None, version: str | None
) -> None:
    """Keep `response` for the next request of the same URL and data version by a viewer in `state`, and
    open this session's door for that state.

    `state`, `epoch` and `version` were read before the response was computed: if the epoch or the
    version moved meanwhile, the answer may mix before and after, and is not kept."""
    if state is None or epoch is None or version is None:
        return
    if response.status_code != 200 or response.streaming:
        return
    if "no-store" in response.get("Cache-Control", ""):  # an answer with an error in it
        return
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if not session_key:  # (no signed-in user has no `state`)
        return
    try:
        cache = _cache()
        if not _shared(cache) or _current_epoch(cache) != epoch:
            return
        if response.get("X-Data-Version") != version:
            return
        door_key = DOOR_PREFIX + _session_id(session_key)
        door = cache.get(door_key)
        now = time.time()
        if not (isinstance(door, tuple) and door[:2] == (state, epoch) and door[2] > now + 1):
            until = _valid_until(request)
            if until <= now + 1:
                return
            door = (state, epoch, until)
            cache.set(door_key, door, max(1, int(until - now)))
        body = bytes(response.content)
        digest = hashlib.sha256(body).hexdigest()
        cache.add(BODY_PREFIX + digest, body, settings.WAREHOUSE_CACHE_SECONDS)
        pointer = (digest, response.get("Content-Type", "text/html; charset=utf-8"), version)
        cache.set(
            _pointer_key(state, epoch, version, request.get_full_path()),
            pointer,
            settings.WAREHOUSE_CACHE_SECONDS,
        )
    except Exception as exc:  # the door is an optimisation: never fail the answer for it
        log.warning("warm door: could not remember (%s: %s)", type(exc).__name__, exc)


def _body(cache: Any, digest: str) -> bytes | None:
    body = _memory.get(BODY_PREFIX + digest)
    if body is None:
        body = cache.get(BODY_PREFIX + digest)
        if not isinstance(body, bytes):
            return None
        _memory.put(BODY_PREFIX + digest, body, len(body))
    return bytes(body)


def _gzipped(digest: str, body: bytes) -> bytes:
    packed = _memory.get("gz:" + digest)
    if packed is None:
        packed = gzip.compress(body, compresslevel=6, mtime=0)
        _memory.put("gz:" + digest, packed, len(packed))
    return bytes(packed)


def answer(request: HttpRequest) -> HttpResponse | None:
    """The remembered answer to this request, or None (the full stack answers)."""
    raw = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not raw or len(raw) > 100:
        return None
    cache = _cache()
    if not _shared(cache):
        return None
    door_key = DOOR_PREFIX + _session_id(raw)
    found = cache.get_many([EPOCH_KEY, door_key])
    door, epoch = found.get(door_key), found.get(EPOCH_KEY)
    if not (isinstance(door, tuple) and epoch is not None and door[1] == epoch and door[2] > time.time()):
        return None
    try:
        version = data_version()
    except WarehouseError:
        return None
    pointer_key = _pointer_key(door[0], epoch, version, request.get_full_path())
    pointer = _memory.get(pointer_key)
    if pointer is None:
        pointer = cache.get(pointer_key)
        if not isinstance(pointer, tuple):
            return None
        _memory.put(pointer_key, pointer, 200)
    digest, content_type, pointed_version = pointer
    if pointed_version != version:
        return None
    body = _body(cache, digest)
    if body is None:
        return None
    response = HttpResponse(content_type=content_type)
    if len(body) >= GZIP_MIN_BYTES and "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", ""):
        response.content = _gzipped(digest, body)
        response["Content-Encoding"] = "gzip"
        response["Vary"] = "Cookie, Accept-Encoding"
    else:
        response.content = body
        response["Vary"] = "Cookie"
    response["Content-Length"] = str(len(response.content))
    response["Cache-Control"] = "private"
    response["X-Data-Version"] = version
    response["X-Frame-Options"] = getattr(settings, "X_FRAME_OPTIONS", "DENY")
    response[SERVED_HEADER] = "door"
    return response


def viewer_state(request: HttpRequest) -> str | None:
    """What shapes a fragment for this asker, hashed: the viewer without its name, and the preferences
    a fragment depends on. None when there is no viewer (the full stack refuses the request)."""
    from accounts.access import viewer_for

    from .presets import preference_of

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    try:
        viewer = dataclasses.replace(viewer_for(user), username="")
    except PermissionError:
        return None
    preference = preference_of(user)
    material = repr((viewer, preference.palette, preference.default_preset))
    return hashlib.sha256(material.encode()).hexdigest()


def remembered(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorates a fragment view: its complete answers are remembered for the asking session."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        epoch = epoch_now()
        version = state = None
        if epoch is not None:
            with contextlib.suppress(WarehouseError):
                version = data_version()
            state = viewer_state(request)
        response = view(request, *args, **kwargs)
        remember(request, response, state=state, epoch=epoch, version=version)
        return response

    return wrapper


class WarmDoorMiddleware:
    """Answers a remembered fragment before the session is loaded; everything else passes on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET" and seconds() > 0 and FRAGMENT_PATH.match(request.path_info):
            try:
                found = answer(request)
            except Exception as exc:  # a failing cache or warehouse: the full stack answers
                log.warning("warm door: %s: %s", type(exc).__name__, exc)
                found = None
            if found is not None:
                return found
        return self.get_response(request)
