"""The helper process the desktop app verifies in: the same answers as in-process, and it never
outlives the app, however the app ends."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from svdesk.helper_process import helper_pool
from svdesk.model.db import database_url
from svdesk.model.services.verify import verify_in_own_connection
from tests.test_tamper import REF, copy_of, shell, verify

ROOT = Path(__file__).resolve().parent.parent


def test_the_helper_verifies_exactly_as_in_process_including_tampering(signed_db, tmp_path):
    path = copy_of(signed_db, tmp_path / "t.sqlite")
    clean = helper_pool().submit(verify_in_own_connection, database_url(path), REF).result(timeout=120)
    assert clean.ok and clean == verify(path)
    shell(path, "UPDATE score SET score = 5 WHERE id = (SELECT min(id) FROM score)")
    tampered = helper_pool().submit(verify_in_own_connection, database_url(path), REF).result(timeout=120)
    assert not tampered.ok and tampered == verify(path)
    assert any("Tom Ellis: score: the database holds 5.0" in p for p in tampered.problems)


PARENT = """
import os, sys, time
from svdesk.helper_process import helper_pool
if __name__ == "__main__":
    pid = helper_pool().submit(os.getpid).result(timeout=60)
    print(pid, flush=True)
    time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie waiting for its (dead) parent is gone too
        return stat.read().split()[2] != "Z"


def test_the_helper_leaves_when_the_app_is_killed(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    helper = int(parent.stdout.readline())
    assert _alive(helper)
    parent.send_signal(signal.SIGKILL)  # no clean-up at all, as in a crash
    parent.wait()
    deadline = time.monotonic() + 10
    while _alive(helper) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(helper), "the helper process outlived the app"


def test_the_helper_never_loads_qt(signed_db, tmp_path):
    path = copy_of(signed_db, tmp_path / "q.sqlite")
    assert helper_pool().submit(verify_in_own_connection, database_url(path), REF).result(timeout=120).ok
    loaded = helper_pool().submit(eval, "sorted(m for m in __import__('sys').modules if 'PySide6' in m)")
    assert loaded.result(timeout=60) == []


def test_a_helper_that_died_is_replaced():
    from svdesk.helper_process import submit

    first = submit(os.getpid).result(timeout=60)
    os.kill(first, signal.SIGKILL)  # killed from outside, or out of memory
    deadline = time.monotonic() + 10
    while _alive(first) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # the executor notices its worker is gone
    second = submit(os.getpid).result(timeout=60)
    assert second != first and _alive(second)
