"""Tables for svdesk PDFs: GridTable (fixed column widths, header repeated on each page, rows measured
once) and tables()/key_values(), which build them from plain values, long tables in chunks of CHUNK rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from svdesk.export.pdf_ops import _RGB, _fill_op, _num, _stroke_op
from svdesk.export.pdf_styles import ACCENT, RULE, SHADE, STYLES
from svdesk.export.pdf_text import TextBlock, para

CHUNK = 50  # rows per table: reportlab lays out many small tables far faster than one long one


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # in mm
    align: str = "left"


@dataclass(frozen=True)
class _Padding:
    left: float = 3
    right: float = 3
    top: float = 2
    bottom: float = 2


_HIGHLIGHT = colors.HexColor("#fdecea")
_CELL_PADDING = _Padding()
_KEY_PADDING = _Padding(right=6)  # reportlab's default right padding, which key_values always had


class GridTable(Flowable):
    """A table of fixed column widths that looks as reportlab's Table did with our styles, at a
    fraction of the cost (row heights are measured once; no style commands to resolve per cell).

    Cells are flowables (TextBlocks, usually) set at the top left of their padded cell; an optional
    header row has a background and a rule below it and is repeated when the table splits across
    pages; every row has a thin rule below it; chosen rows are shaded. A table splits between rows;
    a single row taller than a whole page splits between the lines of its text.
    """

    def __init__(
        self,
        head: list[Flowable] | None,
        rows: list[list[Flowable]],
        widths: list[float],
        *,
        header_bg: _RGB | None = SHADE,
        shaded: frozenset[int] = frozenset(),
        padding: _Padding = _CELL_PADDING,
    ) -> None:
        self.hAlign = "LEFT"
        self._head = head
        self._rows = rows
        self._widths = widths
        self._header_bg = header_bg
        self._shaded = shaded  # indexes into rows
        self._padding = padding
        self._heights: tuple[float | None, list[float]] | None = None
        self.width = sum(widths)
        self.height = 0.0

    def _inner(self, cell: Flowable, width: float) -> float:
        """Height of a cell's content in a column of this width."""
        aw = width - self._padding.left - self._padding.right
        if type(cell) is TextBlock:
            return cell.wrap(aw, 72000)[1]
        height: float = cell.wrapOn(getattr(self, "canv", None), aw, 72000)[1]
        return height

    def _row_height(self, cells: list[Flowable]) -> float:
        tallest = max((self._inner(c, w) for c, w in zip(cells, self._widths, strict=True)), default=0.0)
        return tallest + self._padding.top + self._padding.bottom

    def _measure(self) -> tuple[float | None, list[float]]:
        if self._heights is None:
            head = self._row_height(self._head) if self._head is not None else None
            self._heights = (head, [self._row_height(r) for r in self._rows])
        return self._heights

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        head, rows = self._measure()
        self.height = (head or 0.0) + sum(rows)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        head, rows = self._measure()
        used = head or 0.0
        fit = 0
        for h in rows:
            if used + h > availHeight + 1e-6:
                break
            used += h
            fit += 1
        if fit == len(rows):
            return [self]
        if fit:
            return [self._part(0, fit), self._part(fit, len(rows))]
        frame = getattr(self, "_frame", None)
        if frame is not None and not getattr(frame, "_atTop", True):
            return []  # not even one row fits under the header here: to the next frame
        return self._split_row(availHeight - (head or 0.0))

    def _split_row(self, height: float) -> list[Flowable]:
        """The first row is taller than a whole frame: its text continues in the next part."""
        room = height - self._padding.top - self._padding.bottom
        cells = self._rows[0]
        if not all(type(c) is TextBlock for c in cells):
            return []
        pad = self._padding.left + self._padding.right
        cut = [c._cut(w - pad, room) for c, w in zip(cells, self._widths, strict=True)]
        if not any(top._laid and top._laid[1] for top, _rest in cut):
            return []
        first = self._part(0, 1, [[top for top, _rest in cut]])
        rest = self._part(0, len(self._rows), [[r for _top, r in cut], *self._rows[1:]])
        return [first, rest]

    def _part(self, start: int, end: int, rows: list[list[Flowable]] | None = None) -> GridTable:
        part = GridTable(
            self._head,
            rows if rows is not None else self._rows[start:end],
            self._widths,
            header_bg=self._header_bg,
            shaded=frozenset(i - start for i in self._shaded if start <= i < end),
            padding=self._padding,
        )
        if rows is None:
            head, heights = self._measure()
            part._heights = (head, heights[start:end])
        return part

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        head, rows = self._measure()
        pad = self._padding
        width = self.width
        top = y + (head or 0.0) + sum(rows)
        # backgrounds first, then the cells, then the rules (reportlab's order)
        code = ["q"]
        if head is not None and self._header_bg is not None:
            code.append(f"{_fill_op(self._header_bg)} n {_num(x)} {_num(top - head)} {_num(width)} {_num(head)} re f")
        row_top = top - (head or 0.0)
        for i, h in enumerate(rows):
            if i in self._shaded:
                code.append(f"{_fill_op(_HIGHLIGHT)} n {_num(x)} {_num(row_top - h)} {_num(width)} {_num(h)} re f")
            row_top -= h
        code.append("Q")
        if len(code) > 2:
            canvas.addLiteral(" ".join(code))
        row_top = top
        rules: list[float] = []
        head_row = [(self._head, head)] if self._head is not None and head is not None else []  # measured together
        for cells, h in head_row + list(zip(self._rows, rows, strict=True)):
            left = x
            for cell, w in zip(cells, self._widths, strict=True):
                cell.drawOn(canvas, left + pad.left, row_top - pad.top - self._inner(cell, w))
                left += w
            row_top -= h
            rules.append(row_top)
        code = ["q 1 J 1 j"]
        if head is not None:
            y0 = _num(rules.pop(0))
            code.append(f"{_stroke_op(ACCENT)} .6 w n {_num(x)} {y0} m {_num(x + width)} {y0} l S")
        if rules:
            code.append(f"{_stroke_op(RULE)} .25 w")
            code += [f"n {_num(x)} {_num(ry)} m {_num(x + width)} {_num(ry)} l S" for ry in rules]
        code.append("Q")
        canvas.addLiteral("\n".join(code))

    def draw(self) -> None:
        self.drawOn(self.canv, 0, 0)


def tables(
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    *,
    header_bg: _RGB | None = SHADE,
    highlight: Iterable[int] = (),
) -> list[Flowable]:
    """Rows as a series of small tables (CHUNK rows each), each repeating the header row.

    Cells may be strings (printed literally) or ready Paragraphs/flowables.
    """
    marked = set(highlight)
    head = [para(c.title, "cell_head") for c in columns]
    widths = [c.width * mm for c in columns]
    styles = [STYLES["cell_right" if c.align == "right" else "cell"] for c in columns]
    body: list[list[Flowable]] = []
    out: list[Flowable] = []

    def flush(start_index: int) -> None:
        if body:
            shaded = frozenset(i for i in range(len(body)) if start_index + i in marked)
            out.append(GridTable(head, body, widths, header_bg=header_bg, shaded=shaded))

    start = 0
    for index, row in enumerate(rows):
        body.append(
            [v if isinstance(v, Flowable) else TextBlock.plain(v, style) for v, style in zip(row, styles, strict=True)]
        )
        if len(body) == CHUNK:
            flush(start)
            body = []
            start = index + 1
    flush(start)
    if not out:
        out.append(para("(none)", "small"))
    return out


def key_values(pairs: Sequence[tuple[str, object]], label_width: float = 55, value_width: float = 115) -> Flowable:
    data = [[para(k, "cell_head"), v if isinstance(v, Flowable) else para(v, "cell")] for k, v in pairs]
    return GridTable(None, data, [label_width * mm, value_width * mm], padding=_KEY_PADDING)
