"""A bidder's PDF shown page by page, rendered by PDFium in a long-lived, limited child process.

A bidder's PDF is untrusted input (issue 18), so PDFium never runs in the app's own process: a
crafted file that makes it spin, eat memory or crash takes down only the child, and the caller
gets a clear ValidationError. Unlike `sandbox.run_limited` (a fresh fork per file), the reader
asks for page after page, so one child holds the open document and its text pages: a page turn is
one round trip, not a process start.

The child is spawned, never forked (a fork of a Qt process with live threads is not safe); its
address space is limited (RLIMIT_AS), each request has a time limit in the parent, and a watchdog
thread ends the child when the parent ends. A child that broke a limit is killed; the next call
starts a new one and opens the document again. No Qt here.

Protocol on one duplex pipe: the parent sends (method_name, args); the child answers
("ok", value) or ("error", message).
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from svdesk.model.errors import ValidationError
from svdesk.model.pdf_facts import check_page_count, check_pdf_file, open_document, page_text

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MEMORY_MB = 1024
MAX_PIXELS = 50_000_000  # one rendered page at most 200 MB (BGRx); a page 5 m wide at 400 % is refused
CONTEXT_CHARS = 30  # each side of a search hit
_PRECISION = 64  # device units per point when converting coordinates through PDFium (integers)


@dataclass(frozen=True)
class RenderedPage:
    page: int  # 0-based
    width: int  # pixels
    height: int
    stride: int  # bytes per row
    # BGRx, 8 bits each, the fourth byte unused (pypdfium2 FPDFBitmap_BGRx, rev_byteorder=False):
    # what QImage.Format_RGB32 reads on a little-endian machine.
    data: bytes


@dataclass(frozen=True)
class TextBox:
    """A rectangle in PDF points, origin at the top-left of the page as displayed; x0 < x1, y0 < y1."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class SearchHit:
    page: int  # 0-based
    boxes: tuple[TextBox, ...]  # rectangles covering the hit's characters (one per line segment)
    context: str  # about 60 characters around the hit, for a list of hits


_Reply: TypeAlias = tuple[Literal["ok"], Any] | tuple[Literal["error"], str]
_Request: TypeAlias = tuple[str, tuple[Any, ...]]


# --- the child -------------------------------------------------------------------------------------


def _leave_with_parent() -> None:
    """A watchdog thread that ends the child once the parent process ends (however it ended)."""
    import multiprocessing.connection

    parent = multiprocessing.parent_process()
    if parent is None:  # pragma: no cover - the child is always started by a parent
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])  # ready once the parent has exited
        os._exit(0)

    threading.Thread(target=watch, name="svdesk-pdf-parent-watch", daemon=True).start()


def _limit_memory(memory_mb: int) -> None:
    if sys.platform.startswith("linux") or sys.platform == "darwin":
        import resource

        limit = memory_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard if hard != resource.RLIM_INFINITY else limit))


class _Document:
    """The child's state: the open document and the pages and text pages read so far."""

    def __init__(self) -> None:
        self.document: Any = None
        self.pages: dict[int, Any] = {}
        self.textpages: dict[int, Any] = {}

    def close(self) -> None:
        for textpage in self.textpages.values():
            textpage.close()
        for page in self.pages.values():
            page.close()
        self.textpages.clear()
        self.pages.clear()
        if self.document is not None:
            self.document.close()
            self.document = None

    def open(self, path: str) -> int:
        self.close()
        check_pdf_file(Path(path))
        document = open_document(path)  # never init_forms: no form environment, no scripts (see there)
        try:
            count = len(document)
            check_page_count(count)
        except BaseException:
            document.close()
            raise
        self.document = document
        return count

    def page(self, index: int) -> Any:
        import pypdfium2  # type: ignore[import-untyped]

        if self.document is None:
            raise ValidationError("no document is open")
        count = len(self.document)
        if not 0 <= index < count:
            raise ValidationError(f"page {index + 1} is not in the document (it has {count} pages)")
        if index not in self.pages:
            try:
                self.pages[index] = self.document[index]
            except pypdfium2.PdfiumError as exc:
                raise ValidationError(
                    f"is damaged or not a PDF pypdfium could read (page {index + 1}: {exc})"
                ) from None
        return self.pages[index]

    def textpage(self, index: int) -> Any:
        import pypdfium2

        if index not in self.textpages:
            page = self.page(index)
            try:
                self.textpages[index] = page.get_textpage()
            except pypdfium2.PdfiumError as exc:
                raise ValidationError(f"the text of page {index + 1} cannot be read ({exc})") from None
        return self.textpages[index]

    # Coordinates: PDFium's page space has its origin at the bottom-left (and may be offset or
    # rotated); the reader's is top-left, in points, of the page as displayed. PDFium converts
    # both ways itself (FPDF_PageToDevice / FPDF_DeviceToPage), on a device _PRECISION times finer
    # than a point because its device coordinates are integers.

    def to_display(self, page: Any, x: float, y: float) -> tuple[float, float]:
        import ctypes

        import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

        width, height = page.get_size()
        dx, dy = ctypes.c_int(), ctypes.c_int()
        size_x, size_y = round(width * _PRECISION), round(height * _PRECISION)
        pdfium_c.FPDF_PageToDevice(page, 0, 0, size_x, size_y, 0, x, y, ctypes.byref(dx), ctypes.byref(dy))
        return dx.value / _PRECISION, dy.value / _PRECISION

    def to_page(self, page: Any, x: float, y: float) -> tuple[float, float]:
        import ctypes

        import pypdfium2.raw as pdfium_c

        width, height = page.get_size()
        px, py = ctypes.c_double(), ctypes.c_double()
        size_x, size_y = round(width * _PRECISION), round(height * _PRECISION)
        dev_x, dev_y = round(x * _PRECISION), round(y * _PRECISION)
        pdfium_c.FPDF_DeviceToPage(page, 0, 0, size_x, size_y, 0, dev_x, dev_y, ctypes.byref(px), ctypes.byref(py))
        return px.value, py.value

    def box(self, page: Any, left: float, bottom: float, right: float, top: float) -> TextBox:
        ax, ay = self.to_display(page, left, bottom)
        bx, by = self.to_display(page, right, top)
        return TextBox(min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))

    # The requests.

    def page_size(self, index: int) -> tuple[float, float]:
        width, height = self.page(index).get_size()
        return float(width), float(height)

    def render(self, index: int, scale: float) -> RenderedPage:
        import pypdfium2.raw as pdfium_c

        if not (isinstance(scale, int | float) and math.isfinite(scale) and scale > 0):
            raise ValidationError(f"the zoom must be a positive number, not {scale!r}")
        page = self.page(index)
        width, height = page.get_size()
        pixels = math.ceil(width * scale) * math.ceil(height * scale)
        if pixels > MAX_PIXELS:
            raise ValidationError(
                f"page {index + 1} at this zoom would be {pixels:,} pixels, more than {MAX_PIXELS:,}; zoom out"
            )
        # may_draw_forms=False: no form environment exists, and none is wanted (scripts stay inert)
        bitmap = page.render(
            scale=scale, force_bitmap_format=pdfium_c.FPDFBitmap_BGRx, rev_byteorder=False, may_draw_forms=False
        )
        try:
            data = bytes(bitmap.buffer)
            return RenderedPage(index, bitmap.width, bitmap.height, bitmap.stride, data)
        finally:
            bitmap.close()

    def page_text(self, index: int) -> str:
        return page_text(self.textpage(index))

    def text_in_box(self, index: int, box: TextBox) -> str:
        page = self.page(index)
        ax, ay = self.to_page(page, box.x0, box.y0)
        bx, by = self.to_page(page, box.x1, box.y1)
        text = self.textpage(index).get_text_bounded(
            left=min(ax, bx), bottom=min(ay, by), right=max(ax, bx), top=max(ay, by)
        )
        return " ".join(str(text).split())

    def search(self, query: str, max_hits: int) -> list[SearchHit]:
        if self.document is None:
            raise ValidationError("no document is open")
        if not query.strip() or max_hits <= 0:
            return []
        hits: list[SearchHit] = []
        for index in range(len(self.document)):
            page = self.page(index)
            textpage = self.textpage(index)
            total = textpage.count_chars()
            searcher = textpage.search(query, match_case=False)
            try:
                while len(hits) < max_hits and (found := searcher.get_next()) is not None:
                    start, count = found
                    rects = textpage.count_rects(start, count)
                    boxes = tuple(self.box(page, *textpage.get_rect(n)) for n in range(rects))
                    before = max(0, start - CONTEXT_CHARS)
                    around = textpage.get_text_range(before, min(total, start + count + CONTEXT_CHARS) - before)
                    hits.append(SearchHit(index, boxes, " ".join(str(around).split())))
            finally:
                searcher.close()
            if len(hits) >= max_hits:
                break
        return hits


def _serve(conn: Connection[_Reply, _Request], memory_mb: int) -> None:
    """The child's loop: one request at a time until "close" or the pipe ends."""
    _leave_with_parent()
    _limit_memory(memory_mb)
    import pypdfium2  # noqa: F401 - loaded now, while the reader is still opening, not on the first page

    state = _Document()
    handlers: dict[str, Any] = {
        "open": state.open,
        "page_size": state.page_size,
        "render": state.render,
        "page_text": state.page_text,
        "text_in_box": state.text_in_box,
        "search": state.search,
    }
    while True:
        try:
            method, args = conn.recv()
        except (EOFError, OSError):
            return
        if method == "close":
            state.close()
            conn.send(("ok", None))
            return
        reply: _Reply
        try:
            handler = handlers[method]
            reply = ("ok", handler(*args))
        except ValidationError as exc:
            reply = ("error", "\n".join(str(problem) for problem in exc.problems))
        except MemoryError:
            reply = ("error", f"reading the file needed more than {memory_mb} MB of memory and was stopped")
        except Exception as exc:  # anything else from a hostile file: say so, keep serving
            reply = ("error", f"cannot be read ({type(exc).__name__}: {exc})")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


# --- the parent ------------------------------------------------------------------------------------


class PdfRenderer:
    """The reader's handle on one PDF, rendered in a child process (started on first use or `start`).

    Every method raises ValidationError naming the file when the document is encrypted, damaged,
    or breaks the time or memory limit; after a limit the child is replaced on the next call.
    Thread-safe: one request at a time.
    """

    def __init__(self, *, timeout_s: float = DEFAULT_TIMEOUT_S, memory_mb: int = DEFAULT_MEMORY_MB) -> None:
        self.timeout_s = timeout_s  # per request; public so a caller may allow a slow search longer
        self.memory_mb = memory_mb
        self._lock = threading.RLock()
        self._process: BaseProcess | None = None
        self._conn: Connection[_Request, _Reply] | None = None
        self._path: Path | None = None
        self._opened = False  # the current child has the document open

    @property
    def process(self) -> BaseProcess | None:
        """The child process, if one is running (for tests and diagnostics)."""
        return self._process

    def start(self) -> None:
        """Start the child now (the reader pre-warms it while it builds its window); idempotent."""
        with self._lock:
            self._child()

    def open(self, path: str | Path) -> int:
        """Open `path` in the child; its page count."""
        path = Path(path)
        with self._lock:
            self._path = path
            self._opened = False
            try:
                count: int = self._request("open", (str(path),), f"opening {path.name}")
            except ValidationError:
                self._path = None
                raise
            self._opened = True
            return count

    def page_size(self, page: int) -> tuple[float, float]:
        """Width and height in points of the page as displayed."""
        size: tuple[float, float] = self._call("page_size", (page,), f"reading page {page + 1}")
        return size

    def render(self, page: int, scale: float) -> RenderedPage:
        """The page as BGRx pixels; scale 1.0 is 72 dots per inch."""
        rendered: RenderedPage = self._call("render", (page, scale), f"rendering page {page + 1}")
        return rendered

    def page_text(self, page: int) -> str:
        text: str = self._call("page_text", (page,), f"reading the text of page {page + 1}")
        return text

    def text_in_box(self, page: int, box: TextBox) -> str:
        """The words inside a rectangle (a user's selection), whitespace collapsed."""
        text: str = self._call("text_in_box", (page, box), f"reading the selected text on page {page + 1}")
        return text

    def search(self, query: str, *, max_hits: int = 500) -> list[SearchHit]:
        """Every occurrence of `query`, case-insensitive, page by page in order (at most `max_hits`)."""
        hits: list[SearchHit] = self._call("search", (query, max_hits), f"searching for {query!r}")
        return hits

    def close(self) -> None:
        """End the child; idempotent. The document is forgotten."""
        with self._lock:
            self._path = None
            self._opened = False
            process, conn = self._process, self._conn
            if process is None or conn is None:
                return
            with contextlib.suppress(OSError, ValueError):
                conn.send(("close", ()))
                if conn.poll(1):
                    conn.recv()
            self._stop_child()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self._stop_child()

    # --- internals

    def _child(self) -> Connection[_Request, _Reply]:
        if self._process is not None and self._conn is not None and self._process.is_alive():
            return self._conn
        self._stop_child()  # one that died: clean it up first
        ctx = multiprocessing.get_context("spawn")
        parent_end, child_end = ctx.Pipe(duplex=True)
        process = ctx.Process(target=_serve, args=(child_end, self.memory_mb), name="svdesk-pdf-renderer", daemon=True)
        process.start()
        child_end.close()
        self._process, self._conn, self._opened = process, parent_end, False
        return parent_end

    def _stop_child(self) -> None:
        process, conn = self._process, self._conn
        self._process, self._conn, self._opened = None, None, False
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(5)
        if conn is not None:
            conn.close()

    def _call(self, method: str, args: tuple[Any, ...], action: str) -> Any:
        with self._lock:
            if self._path is None:
                raise ValidationError("no PDF is open in the reader")
            self._child()
            if not self._opened:  # a new child after a limit was broken: open the document again
                self._request("open", (str(self._path),), f"opening {self._path.name}")
                self._opened = True
            return self._request(method, args, action)

    def _request(self, method: str, args: tuple[Any, ...], action: str) -> Any:
        source = self._path.name if self._path is not None else None
        conn = self._child()
        try:
            conn.send((method, args))
            if not conn.poll(self.timeout_s):
                self._stop_child()
                raise ValidationError(
                    f"{action} took longer than {self.timeout_s:g} s and was stopped; "
                    "the file may be damaged or crafted to stall the reader",
                    source=source,
                )
            reply = conn.recv()
        except (EOFError, OSError):
            self._stop_child()
            raise ValidationError(
                f"{action} stopped unexpectedly (the file may be damaged or crafted to crash the reader)",
                source=source,
            ) from None
        if reply[0] == "ok":
            return reply[1]
        raise ValidationError(reply[1], source=source)
