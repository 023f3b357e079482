"""One helper process for CPU-bound Python work the desktop app must not do on its own interpreter.

Verifying a framework's record is half a second of pure Python. In a thread it would hold the
interpreter lock against the event loop, and every repaint would wait for it. In a second process
it runs on the other core. The jobs are use cases on a database connection of their own:
`svdesk.app.signoff.verify_in_own_connection` and `sign_in_own_connection` (the one signing path,
backup first), `svdesk.app.identity.sign_in_with_own_connection` (a member's key unsealed: the key
derivation is a tenth of a second by design) and `svdesk.app.database.back_up_in_own_connection`.

The helper is spawned, not forked: a fork of a Qt process with live threads and SQLite connections
is not safe. It starts once, in about a third of a second, and then serves every job. It cannot
outlive the app: it watches its parent and leaves when the parent is gone, however the parent
ended (a crash, a kill, or `os._exit` at quit). No Qt here: the helper never imports it.
"""

from __future__ import annotations

import atexit
import os
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from concurrent.futures import Future, ProcessPoolExecutor

# multiprocessing and concurrent.futures are imported when the helper is first needed, not while
# the app starts (a sixtieth of a second of the cold start)
_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def _leave_with_parent() -> None:
    """Runs in the helper: a watchdog thread that ends the helper once the parent process ends."""
    import multiprocessing.connection

    parent = multiprocessing.parent_process()
    if parent is None:  # pragma: no cover - the helper is always started by a parent
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])  # ready once the parent has exited
        os._exit(0)

    threading.Thread(target=watch, name="svdesk-parent-watch", daemon=True).start()


def helper_pool() -> ProcessPoolExecutor:
    """The app's helper process, started on first use."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_leave_with_parent
            )
            atexit.register(stop_helper)  # before the interpreter tears the executor's modules down
        return _pool


def submit(fn: Callable[..., Any], *args: Any) -> Future[Any]:
    """`fn(*args)` in the helper; a helper that died (killed, out of memory) is replaced first."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return helper_pool().submit(fn, *args)
    except BrokenProcessPool:
        stop_helper()
        return helper_pool().submit(fn, *args)


def stop_helper() -> None:
    """End the helper now (quitting): running or queued jobs are abandoned."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is None:
        return
    processes = list((pool._processes or {}).values())  # noqa: SLF001 - the executor has no public handle
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(2)
    # With the helper gone this returns at once; it also frees the executor's queues, whose locks
    # the resource tracker would otherwise report as leaked when the app leaves with os._exit.
    pool.shutdown(wait=True, cancel_futures=True)
