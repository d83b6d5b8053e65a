"""The processed store's write lock: one writer at a time, the holder named, waiting possible.

Issue 10 item 10. ``<store>/.lock`` is created with ``O_EXCL`` by the process that writes the
store (ingest, recover, repair) and holds ``pid``, ``host``, ``since`` (UTC) and ``command``.

* A second writer fails at once with :class:`airq.store_integrity.StoreLocked` — one sentence
  naming the holder (pid, host, command line read from ``/proc`` when it runs on this host, else
  as recorded, since when) and the two ways out (``--wait``, or deleting a lock nobody holds) —
  or waits up to ``wait`` seconds, calling ``on_wait`` so that a progress line can be shown.
* :func:`check_lock` lets ``airq ingest`` fail (or wait) *before* reading the raw files.
* A lock whose process is dead (same host) is stale and is taken over; a lock of another host is
  never taken over (its process cannot be checked).
* The lock is re-entrant within a process (an ingest that recovers first, a repair that commits).

Readers do not take the lock: :func:`airq.store.load` refuses to read only while a journal exists
and its writer is alive.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import socket
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from .notes import Note, note
from .store_integrity import StoreLocked

__all__ = ["LOCK", "lock", "check_lock", "holds_lock", "lock_holder", "describe_holder"]

#: Name of the lock file in the store folder.
LOCK = ".lock"
_LOCK = LOCK


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _started_after(pid: int, since: str) -> bool:
    """True when process ``pid`` of this host started after ``since`` (so it did not take the lock then)."""
    try:
        btime = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines() if line.startswith("btime "))
        ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
        started = btime + ticks / os.sysconf("SC_CLK_TCK")
        taken = _dt.datetime.fromisoformat(str(since).replace("Z", "+00:00")).timestamp()
    except (OSError, ValueError, IndexError, StopIteration):
        return False
    return started > taken + 2  # stamps are whole seconds; btime too


def _proc_command(pid: int) -> str | None:
    """Command line of a process of this host (Linux ``/proc``), or None."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    words = [w.decode("utf-8", "replace") for w in raw.split(b"\0") if w]
    return _short(" ".join(words)) if words else None


def _short(text: str, n: int = 160) -> str:
    """One line of at most ``n`` characters (a command line may hold newlines)."""
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def lock_holder(store_dir) -> dict | None:
    """The live holder of the store's lock: ``pid``, ``host``, ``here`` (this host), ``since`` (UTC),
    ``command`` — or ``{"unreadable": why}`` — or None when the lock is free or stale."""
    store = Path(store_dir)
    path = store / _LOCK
    try:
        text = path.read_text(encoding="utf-8")
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    except OSError as exc:
        return {"unreadable": exc.strerror or str(exc)}
    try:
        info = json.loads(text)
        pid, host = int(info["pid"]), str(info["host"])
    except (ValueError, KeyError, TypeError):
        if not text.strip() and time.time() - mtime < 10:  # being written by the process taking it
            return {"pid": None, "host": None, "here": False, "since": None, "command": None}
        return {"unreadable": note("error.store.not_a_lock")}
    here = host == socket.gethostname()
    since = info.get("since") or _dt.datetime.fromtimestamp(mtime, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if here and (not _pid_alive(pid) or _started_after(pid, since)):
        return None  # stale: the process that took it is dead (its pid may have been reused since)
    command = (_proc_command(pid) if here else None) or (_short(info["command"]) if info.get("command") else None)
    return {"pid": pid, "host": host, "here": here, "since": since, "command": command}


def describe_holder(store_dir, info: dict) -> Note:
    """``pid 123 on this host (airq ingest ...), since 2025-01-05 08:00:03 UTC (2 min 5 s ago)`` (a note: its
    English text, said in Chinese by a Chinese command)."""
    store = Path(store_dir)
    if info.get("unreadable"):
        return note("error.store.lock_unreadable", path=str(store / _LOCK), why=info["unreadable"])
    if info.get("pid") is None:
        return note("error.store.lock_taking")
    host = note("error.store.this_host") if info["here"] else note("error.store.other_host", host=info["host"])
    command = note("error.store.holder_command", command=info["command"]) if info.get("command") else ""
    since = ""
    try:
        t = _dt.datetime.fromisoformat(str(info["since"]).replace("Z", "+00:00"))
        ago = max(0, int((_dt.datetime.now(_dt.timezone.utc) - t).total_seconds()))
        since = note("error.store.holder_since", since=f"{t:%Y-%m-%d %H:%M:%S}", min=ago // 60, s=ago % 60)
    except (TypeError, ValueError):
        pass
    return note("error.store.holder", pid=info["pid"], host=host, command=command, since=since)


def _locked_message(store: Path, info: dict, waited: float | None) -> Note:
    still = note("error.store.still_waiting", waited=waited) if waited else ""
    return note("error.store.locked", store=str(store), still=still, holder=describe_holder(store, info),
                lock=str(store / _LOCK))


_HELD: dict = {}  # stores whose lock this process holds (re-entrant)


def _wait_free(store: Path, wait: float, on_wait, take: bool) -> None:
    """Take the lock (``take``) or only wait until it is free; raise StoreLocked after ``wait`` seconds."""
    path = store / _LOCK
    start, stale = time.monotonic(), 0
    while True:
        if take:
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                info = lock_holder(store)
            else:
                now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": now,
                                         "command": _short(" ".join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv else "")}))
                return
        else:
            info = lock_holder(store)
            if info is None:
                return
        if info is None:  # stale lock of a dead process on this host: take it over
            stale += 1
            if stale > 3:
                raise StoreLocked(note("error.store.lock_reappears", path=str(path)))
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            continue
        waited = time.monotonic() - start
        if waited >= wait:
            raise StoreLocked(_locked_message(store, info, waited if wait else None))
        if on_wait is not None:
            on_wait(describe_holder(store, info), waited)
        time.sleep(min(0.5, wait - waited))


@contextmanager
def lock(store_dir, *, wait: float = 0.0, on_wait=None):
    """Hold the store's write lock (``.lock``: pid, host, since, command) for the ``with`` block.

    Re-entrant within a process. A lock left by a dead process of this host is taken over.
    ``wait``: seconds to wait for another holder (``math.inf``: as long as it takes), calling
    ``on_wait(holder, seconds_waited)`` about twice a second meanwhile. A store folder created
    here is removed again if it is still empty when the lock is released.

    Raises
    ------
    StoreLocked
        Another live process holds the lock (one sentence naming it: pid, host, command line,
        since when) after ``wait`` seconds.
    """
    store = Path(store_dir)
    key = os.path.abspath(store)
    if key in _HELD:
        yield
        return
    created = not store.exists()
    store.mkdir(parents=True, exist_ok=True)
    try:
        _wait_free(store, wait, on_wait, take=True)
    except BaseException:
        if created:
            _rmdir_if_empty(store)
        raise
    _HELD[key] = True
    try:
        yield
    finally:
        _HELD.pop(key, None)
        try:
            (store / _LOCK).unlink()
        except FileNotFoundError:
            pass
        if created:
            _rmdir_if_empty(store)


def holds_lock(store_dir) -> bool:
    """True when this process holds the store's lock."""
    return os.path.abspath(Path(store_dir)) in _HELD


def check_lock(store_dir, *, wait: float = 0.0, on_wait=None) -> None:
    """Return when no other live process holds the store's lock (fail fast before reading raw files).

    Same ``wait`` / ``on_wait`` as :func:`lock`; raises :class:`StoreLocked` naming the holder.
    Nothing is written (a stale lock is left for :func:`lock` to take over).
    """
    store = Path(store_dir)
    if store.is_dir() and os.path.abspath(store) not in _HELD:
        _wait_free(store, wait, on_wait, take=False)


def _rmdir_if_empty(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:
        pass
