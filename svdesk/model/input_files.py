"""The one check in front of every file svdesk reads that a user chose: a regular file, of a sane size.

A FIFO blocks the first read until something writes to it; a symlink to /dev/zero or /dev/urandom
never ends; a directory or a socket fails in ways each reader reports differently. All of them are
read in the parent process (the sandbox only parses a workbook after the container checks), so the
window or the command would hang or eat memory. Here they are refused before any byte is read:
`os.stat` never blocks and never opens the path, and only a regular file is then opened, to learn
that it can be read at all.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from svdesk.model.errors import ValidationError

_MB = 1024 * 1024


@dataclass(frozen=True)
class InputKind:
    name: str  # said in the message: "a pledge sheet"
    max_bytes: int


WORKBOOK = InputKind("a workbook", 100 * _MB)
PLEDGE_SHEET = InputKind("a pledge sheet", 100 * _MB)
SCORING_PACK = InputKind("a scoring pack", 100 * _MB)
CATALOGUE = InputKind("a catalogue workbook or CSV file", 100 * _MB)
BACKUP = InputKind("a backup", 16 * 1024 * _MB)  # a database file: read page by page, never whole


def _what(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _size(n: int) -> str:
    return f"{n / _MB:,.0f} MB" if n >= _MB else f"{n:,} bytes"


def check_input_file(path: Path, kind: InputKind) -> int:
    """Refuse, naming `path`, anything but a readable regular file no larger than `kind` allows; its size."""
    where = str(path)
    try:
        link = os.lstat(path)
    except OSError as exc:
        raise ValidationError(f"cannot read the file: {exc.strerror}", source=where) from exc
    target = ""
    if stat.S_ISLNK(link.st_mode):
        try:
            target = os.path.realpath(path)
            info = os.stat(path)  # follows the link; never opens what it points to
        except OSError as exc:
            raise ValidationError(f"a symbolic link to a file that cannot be read ({exc.strerror})", where) from exc
    else:
        info = link
    if not stat.S_ISREG(info.st_mode):
        via = f"a symbolic link to {target}, which is {_what(info.st_mode)}" if target else f"{_what(info.st_mode)}"
        raise ValidationError(f"{via}, not a regular file; {kind.name} is read only from a file", source=where)
    if info.st_size > kind.max_bytes:
        raise ValidationError(
            f"the file is {_size(info.st_size)}; {kind.name} may be at most {_size(kind.max_bytes)}", source=where
        )
    # Opened once, without blocking (it is a regular file, but it may have been swapped since the stat),
    # so an unreadable file is named here rather than half-way through a reader.
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise ValidationError(f"cannot read the file: {exc.strerror}", source=where) from exc
    try:
        opened = os.fstat(fd)
    finally:
        os.close(fd)
    if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
        raise ValidationError("the file changed while it was being opened; choose it again", source=where)
    return info.st_size
