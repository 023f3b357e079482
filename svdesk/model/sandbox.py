"""Run a parser of untrusted files in a child process with a time and memory limit.

A crafted workbook can make openpyxl spin for minutes (quadratic XML comment handling) or eat
memory; in a child process the worst case is a clear "refused" message, never a frozen app.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Literal, TypeAlias, TypeVar, cast

from svdesk.model.errors import SvdeskError, ValidationError

T = TypeVar("T")

DEFAULT_TIMEOUT_S = float(os.environ.get("SVDESK_PARSE_TIMEOUT", "30"))
DEFAULT_MEMORY_MB = int(os.environ.get("SVDESK_PARSE_MEMORY_MB", "1024"))

# What the child sends back: its result, or why there is none.
_Reply: TypeAlias = (
    tuple[Literal["ok"], object]
    | tuple[Literal["memory"], None]
    | tuple[Literal["error"], SvdeskError]
    | tuple[Literal["crash"], str]
)


def _address_space_now() -> int:
    """This process's mapped address space in MB (VmSize); 0 where /proc cannot say."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError):
        pass
    return 0


def _child(
    conn: Connection[_Reply, object], func: Callable[..., object], args: tuple[object, ...], memory_mb: int
) -> None:
    try:
        if sys.platform.startswith("linux") or sys.platform == "darwin":
            import resource

            # The budget comes on top of what the forked child already maps: a fork of the desktop app
            # (Qt, its threads' stacks, SQLite's maps) may hold over a gigabyte of address space before
            # it reads a byte, and a bare limit then refused even to load a reader's library.
            limit = (_address_space_now() + memory_mb) * 1024 * 1024
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard == resource.RLIM_INFINITY or hard > limit:
                resource.setrlimit(resource.RLIMIT_AS, (limit, hard if hard != resource.RLIM_INFINITY else limit))
        conn.send(("ok", func(*args)))
    except MemoryError:
        conn.send(("memory", None))
    except SvdeskError as exc:
        conn.send(("error", exc))
    except BaseException as exc:  # anything else in a hostile file: report it, never crash the parent
        conn.send(("crash", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_limited(
    func: Callable[..., T], *args: Any, source: str, timeout: float | None = None, memory_mb: int | None = None
) -> T:
    """`func(*args)` in a child process; ValidationError naming `source` when it breaks a limit."""
    timeout = DEFAULT_TIMEOUT_S if timeout is None else timeout
    memory_mb = DEFAULT_MEMORY_MB if memory_mb is None else memory_mb
    linux = sys.platform.startswith("linux")
    ctx = multiprocessing.get_context("fork") if linux else multiprocessing.get_context("spawn")
    parent: Connection[object, _Reply]
    child: Connection[_Reply, object]
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, func, args, memory_mb), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise ValidationError(
                f"reading the file took longer than {timeout:g} s and was stopped; "
                "it may be damaged or crafted to stall the reader",
                source=source,
            )
        try:
            reply = parent.recv()
        except EOFError:
            raise ValidationError(
                "the reader stopped unexpectedly (the file may be crafted to crash it)", source=source
            ) from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    if reply[0] == "ok":
        return cast(T, reply[1])  # what func returned, back through the pipe
    if reply[0] == "memory":
        raise ValidationError(
            f"reading the file needed more than {memory_mb} MB of memory and was stopped", source=source
        )
    if reply[0] == "error":
        raise reply[1]
    raise ValidationError(f"the file cannot be read ({reply[1]})", source=source)
