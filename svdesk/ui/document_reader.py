"""The document reader beside the scoring form and in Moderation (issue 18 part 2).

The question's pages of this bid, with page navigation, zoom, text search with the hits
highlighted, and the start of citations: a dragged selection (or the whole page) becomes a
`CiteRequest` (document, page and the quoted words) that the screen puts into the rationale. A
reg 31 explanation is given "by reference to relevant information in the tender" (Procurement
Regulations 2024 reg 31), and the record of why a score was given must stand (Procurement Act 2023
s.98): a citation that names the document by its digest, the page and the words says exactly where.

Every renderer call runs on one thread of the reader's own (the renderer's child process answers
one request at a time), so the event loop never waits for a PDF; the newest request wins, and a
page turned quickly drops the renders it no longer needs.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QImage,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from svdesk.app.errors import SvdeskError
from svdesk.app.reader import PdfRenderer, RenderedPage, SearchHit, TextBox
from svdesk.ui import palette

NOT_A_PDF = "This file is not a PDF: it can be opened with your desktop's application but not cited by page."
EMPTY = "No document answers this question for this bid."
TIMEOUT_S = 10.0  # the renderer's own limit on one call; the reader waits a little longer before saying so
MIN_ZOOM, MAX_ZOOM = 0.25, 4.0
MAX_SCALE = 6.0  # pixels per point actually rendered (zoom × device pixel ratio): an A4 page is then 72 MB
ZOOM_STEP = 1.25
MAX_HITS = 500
MIN_WIDTH = 420  # beside the scoring form at 1366 × 768


@dataclass(frozen=True)
class ReaderSource:
    """One document that answers the question for this bid (pages 1-based inclusive; None = whole file)."""

    title: str
    sha256: str
    path: Path | None
    media: str  # "pdf" | "other"
    first_page: int | None
    last_page: int | None
    pages: int | None


@dataclass(frozen=True)
class CiteRequest:
    """What the rationale is to cite: the document (by its digest), the page and the quoted words."""

    title: str
    sha256: str
    page: int  # 1-based
    quote: str  # "" when a whole page is cited


def pages_text(first: int | None, last: int | None) -> str:
    """ "pp. 3–5", "p. 3" or "whole file"."""
    if first is None:
        return "whole file"
    last = first if last is None else last
    return f"p. {first}" if last == first else f"pp. {first}–{last}"


def source_label(source: ReaderSource) -> str:
    return f"{source.title} — {pages_text(source.first_page, source.last_page)}"


def hits_text(count: int) -> str:
    if count == 0:
        return "No hits"
    if count >= MAX_HITS:
        return f"{MAX_HITS}+ hits"
    return "1 hit" if count == 1 else f"{count} hits"


def _quote(text: str) -> str:
    """The words as one line: a PDF's text breaks where its lines do, a quotation does not."""
    return " ".join(text.split())


def _context(text: str) -> str:
    """A hit's surroundings without the cut-off words at either end."""
    words = _quote(text).split(" ")
    if len(words) <= 4:
        return " ".join(words)
    end = words[1:] if words[-1][-1:] in ".!?;:," else [*words[1:-1], "…"]
    return "…" + " ".join(end)


# ---- the renderer's thread -------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    kind: str  # "start" | "open" | "render" | "search" | "text"
    seq: int
    doc: int  # the reader's document generation the job is for
    args: tuple[Any, ...]


@dataclass(frozen=True)
class _Answer:
    kind: str
    seq: int
    doc: int
    result: Any
    error: str | None


@dataclass(frozen=True)
class _Rendered:
    page: int  # 0-based
    size: tuple[float, float]  # points
    zoom: float  # logical pixels per point
    ratio: float  # device pixels per logical pixel
    image: RenderedPage


class _Answers(QObject):
    """Lives on the GUI thread: a signal emitted on the renderer's thread is queued to it."""

    answered = Signal(object)


class _RendererThread:
    """Owns the renderer; runs its calls one at a time, skipping those a newer request replaced."""

    def __init__(self, answers: _Answers, timeout_s: float) -> None:
        self.renderer = PdfRenderer(timeout_s=timeout_s)
        self.answers = answers
        self.jobs: queue.Queue[_Job | None] = queue.Queue()
        self.latest: dict[str, int] = {}
        self.lock = threading.Lock()
        self.numbers = itertools.count(1)
        self.opened = -1  # the document generation open in the renderer
        self.closed = False
        self.thread = threading.Thread(target=self._run, name="svdesk-reader", daemon=True)
        self.thread.start()
        _live.add(self)

    def submit(self, kind: str, doc: int, *args: Any) -> int:
        seq = next(self.numbers)
        if self.closed:
            return seq
        with self.lock:
            self.latest[kind] = seq
        self.jobs.put(_Job(kind, seq, doc, args))
        return seq

    def close(self, wait_s: float = 3.0) -> None:
        if not self.closed:
            self.closed = True
            self.jobs.put(None)
        if threading.current_thread() is not self.thread:
            self.thread.join(wait_s)
        _live.discard(self)

    def _stale(self, job: _Job) -> bool:
        with self.lock:
            replaced = self.latest.get(job.kind, 0) > job.seq
        if job.kind in ("open", "render", "search", "text") and replaced:
            return True
        return job.kind in ("render", "search", "text") and job.doc != self.opened

    def _do(self, job: _Job) -> Any:
        r = self.renderer
        if job.kind == "start":
            r.start()
            return None
        if job.kind == "open":
            self.opened = -1
            count = r.open(job.args[0])
            self.opened = job.doc
            return count
        if job.kind == "render":
            page, zoom, width, ratio = job.args
            size = r.page_size(page)
            if zoom is None:  # fit width: the page's width in points fills the view's width in pixels
                zoom = max(MIN_ZOOM, min(MAX_ZOOM, width / max(size[0], 1.0)))
            scale = min(zoom * ratio, MAX_SCALE)
            return _Rendered(page, size, zoom, scale / zoom, r.render(page, scale))
        if job.kind == "search":
            return r.search(job.args[0], max_hits=MAX_HITS)
        if job.kind == "text":
            return r.text_in_box(*job.args)
        raise ValueError(job.kind)

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            if self._stale(job):
                continue
            result: Any = None
            error: str | None = None
            try:
                result = self._do(job)
            except SvdeskError as exc:
                error = str(exc)
            except Exception as exc:  # shown in the reader as a message, never as a traceback
                error = f"{type(exc).__name__}: {exc}"
            with contextlib.suppress(RuntimeError):  # the reader is gone: nobody is waiting
                self.answers.answered.emit(_Answer(job.kind, job.seq, job.doc, result, error))
        with contextlib.suppress(Exception):  # leaving: the child process ends with us in any case
            self.renderer.close()


_live: set[_RendererThread] = set()


@atexit.register
def _close_all() -> None:
    for worker in list(_live):
        worker.close(wait_s=1.0)


# ---- the page ----------------------------------------------------------------------------------


class PageView(QWidget):
    """One rendered page, the search hits over it and the selection being dragged."""

    selected = Signal(object)  # a TextBox, in points
    unselected = Signal()
    MARGIN = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Page of the document: drag over words to select them for a citation")
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.image: QImage | None = None
        self.size_pts = (0.0, 0.0)
        self.zoom = 1.0
        self.hits: list[tuple[TextBox, bool]] = []  # each box, and whether it is the current hit's
        self.selection: QRectF | None = None  # widget coordinates
        self.origin: QPointF | None = None

    def set_page(self, image: QImage, size_pts: tuple[float, float], zoom: float) -> None:
        self.image, self.size_pts, self.zoom = image, size_pts, zoom
        self.selection = None
        self.origin = None
        self._resize()

    def preview_zoom(self, zoom: float) -> None:
        """The page shown at a new zoom at once (scaled), until the sharp render arrives."""
        self.zoom = zoom
        self.selection = None
        self._resize()

    def _resize(self) -> None:
        w, h = self.size_pts
        self.setFixedSize(round(w * self.zoom) + 2 * self.MARGIN, round(h * self.zoom) + 2 * self.MARGIN)
        self.update()

    def page_rect(self) -> QRectF:
        w, h = self.size_pts
        return QRectF(self.MARGIN, self.MARGIN, w * self.zoom, h * self.zoom)

    def box_rect(self, box: TextBox) -> QRectF:
        """A box in points as widget coordinates (the tests drag over a hit with this)."""
        m, z = self.MARGIN, self.zoom
        return QRectF(QPointF(m + box.x0 * z, m + box.y0 * z), QPointF(m + box.x1 * z, m + box.y1 * z))

    def to_box(self, rect: QRectF) -> TextBox:
        m, z = self.MARGIN, self.zoom
        return TextBox((rect.left() - m) / z, (rect.top() - m) / z, (rect.right() - m) / z, (rect.bottom() - m) / z)

    def clear_selection(self) -> None:
        self.selection = None
        self.origin = None
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        page = self.page_rect()
        painter.fillRect(page, QColor("white"))  # a transparent page shows white, as on paper
        if self.image is not None:
            painter.drawImage(page, self.image)
        painter.setPen(QPen(QColor(0, 0, 0, 90), 1))
        painter.drawRect(page.adjusted(-0.5, -0.5, 0.5, 0.5))
        for box, current in self.hits:
            rect = self.box_rect(box).adjusted(-1, -1, 1, 1)
            if current:
                painter.fillRect(rect, QColor(255, 150, 0, 130))
                painter.setPen(QPen(QColor(200, 90, 0), 1.5))
                painter.drawRect(rect)
            else:
                painter.fillRect(rect, QColor(255, 235, 0, 90))
        if self.selection is not None:
            painter.fillRect(self.selection, QColor(0, 110, 220, 45))
            painter.setPen(QPen(QColor(0, 90, 200), 1, Qt.PenStyle.DashLine))
            painter.drawRect(self.selection)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.image is not None:
            self.origin = event.position()
            self.selection = None
            self.update()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self.origin is not None:
            self.selection = QRectF(self.origin, event.position()).normalized().intersected(self.page_rect())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self.origin is None or event.button() != Qt.MouseButton.LeftButton:
            return
        self.selection = QRectF(self.origin, event.position()).normalized().intersected(self.page_rect())
        self.origin = None
        if self.selection.width() < 3 or self.selection.height() < 3:  # a click, not a drag
            self.selection = None
            self.unselected.emit()
        else:
            self.selected.emit(self.to_box(self.selection))
        self.update()


# ---- the reader --------------------------------------------------------------------------------


def _button(text: str, tip: str, slot: Callable[[], None], name: str) -> QToolButton:
    button = QToolButton(text=text, toolTip=tip, accessibleName=name)
    button.clicked.connect(slot)
    return button


class DocumentReader(QWidget):
    """The documents answering one question for one bid, read and cited page by page."""

    cite_requested = Signal(object)  # a CiteRequest
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, timeout_s: float = TIMEOUT_S) -> None:
        super().__init__(parent)
        self.setObjectName("documentReader")
        self.setMinimumWidth(MIN_WIDTH)
        self.timeout_s = timeout_s
        self.sources: list[ReaderSource] = []
        self.source: ReaderSource | None = None
        self.doc = 0  # generation of the document asked of the renderer
        self.doc_path: Path | None = None  # the file open in the renderer, once it opened
        self.page_count: int | None = None
        self.page = 1
        self.zoom: float | None = None  # None: fit width
        self.want_render = 0  # the newest render, search and selection asked for
        self.want_search = 0
        self.want_text = 0
        self.pending_page: int | None = None
        self.hits: list[SearchHit] = []
        self.hit = -1
        self.scroll_to_hit = False
        self.quote = ""
        self.quote_page = 0
        self.cite_enabled = True
        self.page_shown = False
        self.shown_page = 0  # the page (1-based) whose render is on screen

        self.answers = _Answers(self)
        self.answers.answered.connect(self._answered)
        self.worker = _RendererThread(self.answers, timeout_s)
        worker = self.worker  # not self: the reader is gone when this runs
        self.destroyed.connect(lambda *_: worker.close(wait_s=0.0))
        self.worker.submit("start", 0)  # pre-warm the child process while the screen is read

        self._build()
        self.refit = QTimer(self, singleShot=True, interval=150)
        self.refit.timeout.connect(self._render)
        self.watchdog = QTimer(self, singleShot=True, interval=round((timeout_s + 5) * 1000))
        self.watchdog.timeout.connect(self._too_slow)
        self.set_sources([])

    # -- building --

    def _build(self) -> None:
        self.documents = QComboBox(
            accessibleName="Document answering this question",
            toolTip="The documents of this bid that answer the question, and their pages",
        )
        self.documents.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.documents.setMinimumContentsLength(20)
        self.documents.currentIndexChanged.connect(self._chosen)

        self.previous_page = _button("◀", "Previous page (Page Up)", self.go_previous, "Previous page")
        self.next_page = _button("▶", "Next page (Page Down)", self.go_next, "Next page")
        self.page_box = QSpinBox(
            accessibleName="Page number", toolTip="Go to a page of the document", keyboardTracking=False
        )
        self.page_box.setMinimum(1)
        self.page_box.valueChanged.connect(self._page_typed)
        self.page_of = QLabel("of –", accessibleName="Pages in the document")
        self.zoom_out = _button("−", "Zoom out (Ctrl+-)", self.zoom_smaller, "Zoom out")
        self.zoom_in = _button("+", "Zoom in (Ctrl+=)", self.zoom_larger, "Zoom in")
        self.fit = _button("Fit width", "Fit the page to the reader's width", self.fit_width, "Fit width")
        self.fit.setCheckable(True)
        self.fit.setChecked(True)
        nav = QHBoxLayout()
        nav.setContentsMargins(0, 0, 0, 0)
        for w in (self.previous_page, self.page_box, self.page_of, self.next_page):
            nav.addWidget(w)
        nav.addStretch(1)
        for w in (self.zoom_out, self.zoom_in, self.fit):
            nav.addWidget(w)

        self.search_box = QLineEdit(
            placeholderText="Search the document (Ctrl+F)",
            accessibleName="Search the document",
            toolTip="Type words and press Enter: every place they occur is highlighted",
            clearButtonEnabled=True,
        )
        self.search_box.returnPressed.connect(self.search)
        self.previous_hit = _button("▲", "Previous hit (Shift+F3)", self.go_previous_hit, "Previous hit")
        self.next_hit = _button("▼", "Next hit (F3)", self.go_next_hit, "Next hit")
        self.hits_label = QLabel("", accessibleName="Search hits")
        find = QHBoxLayout()
        find.setContentsMargins(0, 0, 0, 0)
        find.addWidget(self.search_box, 1)
        for w in (self.previous_hit, self.next_hit, self.hits_label):
            find.addWidget(w)

        self.range_note = QLabel("", accessibleName="Where this page is", wordWrap=True)
        self.status = QLabel("", accessibleName="Reader status", wordWrap=True)
        # a hit's context wraps to two lines in a narrow reader: room for both, never clipped
        self.status.setMinimumHeight(2 * self.status.fontMetrics().lineSpacing() + 2)
        self.status.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        palette.follow(self.status, lambda: palette.text_style(palette.MUTED_TEXT))

        self.view = PageView()
        self.view.selected.connect(self._selected)
        self.view.unselected.connect(self._unselected)
        self.scroll_area = QScrollArea(accessibleName="The page")
        self.scroll_area.setWidget(self.view)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        # Always there, so fitting the width never makes it appear and the width change again.
        self.scroll_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroll_area.viewport().installEventFilter(self)

        self.message_title = QLabel("", accessibleName="Document", wordWrap=True)
        self.message_title.setStyleSheet("font-weight: bold")
        self.message = QLabel("", accessibleName="Reader message", wordWrap=True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton(
            "Open",
            toolTip="Open this file with your desktop's application",
            accessibleName="Open with the desktop's application",
        )
        self.open_button.clicked.connect(self.open_externally)
        panel = QWidget()
        box = QVBoxLayout(panel)
        box.addWidget(self.message_title)
        box.addWidget(self.message)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addStretch(1)
        box.addLayout(row)
        box.addStretch(1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.scroll_area)
        self.stack.addWidget(panel)

        self.selection_label = QLabel("", accessibleName="Selected words", wordWrap=True)
        self.selection_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.cite_selection = QPushButton("Cite selection", accessibleName="Cite the selected words")
        self.cite_selection.clicked.connect(self.cite_selected)
        self.cite_page = QPushButton("Cite page", accessibleName="Cite this page")
        self.cite_page.clicked.connect(self.cite_whole_page)
        cite = QHBoxLayout()
        cite.setContentsMargins(0, 0, 0, 0)
        cite.addWidget(self.selection_label, 1)
        cite.addWidget(self.cite_selection)
        cite.addWidget(self.cite_page)

        self.outer = layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.documents)
        layout.addLayout(nav)
        layout.addLayout(find)
        layout.addWidget(self.range_note)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.status)
        layout.addLayout(cite)

        self._keys(["PgUp"], self.go_previous)
        self._keys(["PgDown"], self.go_next)
        self._keys(["Ctrl+F"], self.focus_search)
        self._keys(["Ctrl+=", "Ctrl++"], self.zoom_larger)
        self._keys(["Ctrl+-"], self.zoom_smaller)
        self._keys(["F3"], self.go_next_hit)
        self._keys(["Shift+F3"], self.go_previous_hit)

    def _keys(self, keys: list[str], slot: Callable[[], None]) -> None:
        for key in keys:  # while the focus is in the reader: the scoring form beside it keeps its own keys
            shortcut = QShortcut(QKeySequence(key), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- public --

    def set_sources(self, sources: Sequence[ReaderSource], *, message_if_empty: str = EMPTY) -> None:
        """The documents answering the question for this bid; the first is opened at its first page."""
        self.sources = list(sources)
        self.documents.blockSignals(True)
        self.documents.clear()
        for source in self.sources:
            self.documents.addItem(source_label(source))
        self.documents.blockSignals(False)
        self.documents.setVisible(bool(self.sources))
        if not self.sources:
            self.source = None
            self._reset_document()
            self._show_message("", message_if_empty, can_open=False)
            return
        self.documents.setCurrentIndex(0)
        self._chosen(0)

    def open_page(self, sha256: str, page: int) -> bool:
        """Show `page` (1-based) of the document with this digest (a citation followed from Moderation)."""
        matching = [i for i, s in enumerate(self.sources) if s.sha256 == sha256]
        if not matching:
            return False
        within = [i for i in matching if _within(self.sources[i], page)]
        index = (within or matching)[0]
        if index != self.documents.currentIndex():
            self.pending_page = page
            self.documents.setCurrentIndex(index)  # opens it, then goes to the page
            return True
        if self.source is not self.sources[index]:
            self.pending_page = page
            self._chosen(index)
            return True
        if self.source is not None and self.source.media == "pdf":
            if self.page_count is None:
                self.pending_page = page
            else:
                self.go_to(page)
        return True

    def set_cite_enabled(self, enabled: bool) -> None:
        """Scoring closed or read-only: the pages can be read but not cited."""
        self.cite_enabled = enabled
        self._update_controls()

    def current_page(self) -> int:
        return self.page

    def close_renderer(self) -> None:
        self.watchdog.stop()
        self.worker.close()

    # -- choosing a document --

    def _chosen(self, index: int) -> None:
        if not 0 <= index < len(self.sources):
            return
        source = self.sources[index]
        self.source = source
        page = self.pending_page or source.first_page or 1
        self.pending_page = None
        self.page = page
        self._clear_selection()
        self.hits, self.hit = [], -1
        self.hits_label.setText("")
        if source.media != "pdf":
            self._reset_document()
            self._show_message(source.title, NOT_A_PDF, can_open=source.path is not None and source.path.exists())
            return
        if source.path is None or not source.path.exists():
            self._reset_document()
            self._show_message(
                source.title,
                f"“{source.title}”: the file is not on this computer, so it cannot be shown.",
                can_open=False,
            )
            return
        if self.doc_path == source.path and self.page_count is not None:
            self._opened(self.page_count, page)  # another range of the file already open
            return
        self._reset_document()
        self.doc += 1
        self.worker.submit("open", self.doc, str(source.path))
        self.pending_page = page
        self.status.setText(f"Opening “{source.title}”…")
        self.page_of.setText(f"of {source.pages}" if source.pages else "of –")
        self._update_controls()

    def _reset_document(self) -> None:
        self.doc += 1  # any answer still coming for the previous document is dropped
        self.doc_path = None
        self.page_count = None
        self.page_shown = False
        self.shown_page = 0
        self.want_render = self.want_search = self.want_text = 0
        self.watchdog.stop()
        self.view.hits = []
        self.range_note.setText("")
        self.status.setText("")
        self._update_controls()

    def _opened(self, count: int, page: int) -> None:
        self.page_count = count
        self.page_box.blockSignals(True)
        self.page_box.setMaximum(max(count, 1))
        self.page_box.blockSignals(False)
        self.page_of.setText(f"of {count}")
        self.status.setText("")
        self.go_to(page)
        if self.search_box.text().strip():
            self.search()

    # -- pages --

    def go_to(self, page: int) -> None:
        if self.page_count is None:
            return
        page = max(1, min(page, self.page_count))
        if page != self.page:
            self._clear_selection()
        self.page = page
        self.page_box.blockSignals(True)
        self.page_box.setValue(page)
        self.page_box.blockSignals(False)
        self._show_where()
        self._render()
        self._update_controls()

    def go_previous(self) -> None:
        self.go_to(self.page - 1)

    def go_next(self) -> None:
        self.go_to(self.page + 1)

    def _page_typed(self, value: int) -> None:
        self.go_to(value)

    def _show_where(self) -> None:
        source = self.source
        if source is None or source.first_page is None:
            self.range_note.setText(f"p. {self.page} (the whole file answers this question)")
            self.range_note.setStyleSheet("")
            return
        first, last = source.first_page, source.last_page or source.first_page
        pages = f"page {first}" if first == last else f"pages {first}–{last}"
        if first <= self.page <= last:
            self.range_note.setText(f"p. {self.page} (question's {pages})")
            self.range_note.setStyleSheet("")
        else:
            self.range_note.setText(f"p. {self.page}: outside the question's {pages}")
            self.range_note.setStyleSheet(palette.text_style(palette.WARNING_TEXT))

    def _render(self) -> None:
        if self.page_count is None:
            return
        self.outer.activate()  # a resize not yet laid out would give the viewport's old width
        width = self.scroll_area.viewport().width() - 2 * PageView.MARGIN
        ratio = self.devicePixelRatioF()
        self.want_render = self.worker.submit(
            "render", self.doc, self.page - 1, self.zoom, float(max(width, 50)), ratio
        )
        self.status.setText(f"Showing p. {self.page}…")
        self.watchdog.start()

    def _rendered(self, done: _Rendered) -> None:
        self.watchdog.stop()
        page = done.image
        image = QImage(page.data, page.width, page.height, page.stride, QImage.Format.Format_RGB32).copy()  # BGRx
        image.setDevicePixelRatio(done.ratio)
        if self.zoom is not None:
            self.zoom = done.zoom
        self.view.set_page(image, done.size, done.zoom)
        self.page_shown = True
        self.shown_page = done.page + 1
        self.stack.setCurrentIndex(0)
        self.status.setText(self._hit_status())
        self._paint_hits()
        self._update_controls()

    def _too_slow(self) -> None:
        title = self.source.title if self.source else "the document"
        self._failed(
            f"p. {self.page} of “{title}” did not appear within {self.timeout_s + 5:.0f} seconds: "
            "try again, or open the file on its own."
        )

    def _failed(self, message: str) -> None:
        self.watchdog.stop()
        self.page_shown = False
        self.shown_page = 0
        self._show_message(self.source.title if self.source else "", message, can_open=False)
        self.failed.emit(message)

    def _show_message(self, title: str, message: str, *, can_open: bool) -> None:
        self.message_title.setText(title)
        self.message_title.setVisible(bool(title))
        self.message.setText(message)
        self.open_button.setVisible(can_open)
        self.stack.setCurrentIndex(1)
        self.status.setText("")
        self._update_controls()

    def open_externally(self) -> None:
        if self.source is not None and self.source.path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.source.path)))

    # -- zoom --

    def _set_zoom(self, zoom: float | None) -> None:
        self.zoom = zoom
        self.fit.setChecked(zoom is None)
        if zoom is not None and self.page_shown:
            self.view.preview_zoom(zoom)
            self._paint_hits()
        self._render()

    def zoom_larger(self) -> None:
        self._set_zoom(min(MAX_ZOOM, self.view.zoom * ZOOM_STEP))

    def zoom_smaller(self) -> None:
        self._set_zoom(max(MIN_ZOOM, self.view.zoom / ZOOM_STEP))

    def fit_width(self) -> None:
        self._set_zoom(None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Resize and self.zoom is None and self.page_count is not None:
            self.refit.start()  # fit again once the resizing pauses
        return super().eventFilter(watched, event)

    # -- search --

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def search(self) -> None:
        query = self.search_box.text().strip()
        self.hits, self.hit = [], -1
        self.status.setText("")
        self._paint_hits()
        if not query or self.page_count is None:
            self.hits_label.setText("")
            self._update_controls()
            return
        self.want_search = self.worker.submit("search", self.doc, query)
        self.hits_label.setText("Searching…")
        self._update_controls()

    def _found(self, hits: list[SearchHit]) -> None:
        self.hits = list(hits)
        self.hits_label.setText(hits_text(len(self.hits)))
        pages = sorted({h.page + 1 for h in self.hits})
        self.hits_label.setToolTip("On " + ", ".join(f"p. {p}" for p in pages[:40]) if pages else "")
        if self.hits:  # the first hit from the page being read on
            after = [i for i, h in enumerate(self.hits) if h.page + 1 >= self.page]
            self._go_to_hit(after[0] if after else 0)
        else:
            self._paint_hits()
        self._update_controls()

    def _go_to_hit(self, index: int) -> None:
        if not self.hits:
            return
        self.hit = index % len(self.hits)
        hit = self.hits[self.hit]
        self.status.setText(self._hit_status())
        self.scroll_to_hit = True
        if hit.page + 1 != self.page or not self.page_shown:
            self.go_to(hit.page + 1)
        else:
            self._paint_hits()

    def _hit_status(self) -> str:
        if not 0 <= self.hit < len(self.hits):
            return ""
        hit = self.hits[self.hit]
        return f"Hit {self.hit + 1} of {len(self.hits)}, p. {hit.page + 1}: “{_context(hit.context)}”"

    def go_next_hit(self) -> None:
        self._go_to_hit(self.hit + 1)

    def go_previous_hit(self) -> None:
        self._go_to_hit(self.hit - 1)

    def _paint_hits(self) -> None:
        page = self.page - 1
        self.view.hits = [(box, i == self.hit) for i, h in enumerate(self.hits) if h.page == page for box in h.boxes]
        self.view.update()
        if self.scroll_to_hit and self.page_shown and 0 <= self.hit < len(self.hits):
            hit = self.hits[self.hit]
            if hit.page == page and hit.boxes:
                self.scroll_to_hit = False
                rect = self.view.box_rect(hit.boxes[0])
                self.scroll_area.ensureVisible(round(rect.center().x()), round(rect.center().y()), 60, 80)

    # -- selection and citing --

    def _selected(self, box: TextBox) -> None:
        self.quote, self.quote_page = "", self.page
        self.selection_label.setText("Reading the selected words…")
        self.want_text = self.worker.submit("text", self.doc, self.page - 1, box)
        self._update_controls()

    def _unselected(self) -> None:
        self._clear_selection()

    def _clear_selection(self) -> None:
        self.quote = ""
        self.want_text = 0
        self.view.clear_selection()
        self.selection_label.setText("")
        self._update_controls()

    def _selected_text(self, text: str) -> None:
        self.quote = _quote(text)
        if self.quote:
            self.selection_label.setText(f"“{self.quote}”")
            self.selection_label.setToolTip(self.quote)
        else:
            self.selection_label.setText("No words in the selection: drag over the words to cite.")
        self._update_controls()

    def cite_selected(self) -> None:
        if self.source is not None and self.quote and self.cite_enabled:
            self.cite_requested.emit(CiteRequest(self.source.title, self.source.sha256, self.quote_page, self.quote))

    def cite_whole_page(self) -> None:
        if self.source is not None and self.page_shown and self.cite_enabled:
            self.cite_requested.emit(CiteRequest(self.source.title, self.source.sha256, self.page, ""))

    # -- answers from the renderer --

    def _answered(self, answer: _Answer) -> None:
        if answer.doc != self.doc:
            return  # for a document no longer shown
        if answer.kind == "open":
            if answer.error is not None:
                title = self.source.title if self.source else "The document"
                self.pending_page = None
                self._failed(f"“{title}” could not be opened: {answer.error}")
                return
            self.doc_path = self.source.path if self.source else None
            page = self.pending_page or self.page
            self.pending_page = None
            self._opened(int(answer.result), page)
        elif answer.kind == "render" and answer.seq == self.want_render:
            if answer.error is not None:
                title = self.source.title if self.source else "the document"
                self._failed(f"p. {self.page} of “{title}” could not be shown: {answer.error}")
            else:
                self._rendered(answer.result)
        elif answer.kind == "search" and answer.seq == self.want_search:
            if answer.error is not None:
                self.hits_label.setText("Search failed")
                self.status.setText(f"The search failed: {answer.error}")
                self.failed.emit(f"The search failed: {answer.error}")
            else:
                self._found(answer.result)
        elif answer.kind == "text" and answer.seq == self.want_text:
            if answer.error is not None:
                self.selection_label.setText(f"The selected words could not be read: {answer.error}")
            else:
                self._selected_text(str(answer.result))

    def _update_controls(self) -> None:
        opened = self.page_count is not None
        self.previous_page.setEnabled(opened and self.page > 1)
        self.next_page.setEnabled(opened and self.page < (self.page_count or 0))
        self.page_box.setEnabled(opened)
        for w in (self.zoom_in, self.zoom_out, self.fit, self.search_box):
            w.setEnabled(opened)
        self.previous_hit.setEnabled(len(self.hits) > 1)
        self.next_hit.setEnabled(len(self.hits) > 1)
        can_cite = self.cite_enabled and opened and self.page_shown
        self.cite_page.setEnabled(can_cite)
        self.cite_selection.setEnabled(can_cite and bool(self.quote))
        if not self.cite_enabled:
            why = "Citing is closed: this scoring is read-only"
            self.cite_page.setToolTip(why)
            self.cite_selection.setToolTip(why)
        else:
            self.cite_page.setToolTip("Put a reference to this page into the rationale")
            self.cite_selection.setToolTip(
                "Put the selected words, with the document and page, into the rationale"
                if self.quote
                else "Drag over words on the page to select them, then cite them"
            )


def _within(source: ReaderSource, page: int) -> bool:
    if source.first_page is None:
        return True
    return source.first_page <= page <= (source.last_page or source.first_page)
