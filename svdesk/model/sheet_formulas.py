"""Recalculating a pledge sheet's simple formulas, so that a saved result is never trusted blindly.

A workbook stores each formula with the result it had when last saved. A crafted (or stale) file can
say `=2*6` and have saved 1200: Excel, recalculating, shows 12; a reader that takes the saved value
imports 1200. svdesk recalculates what it safely can: numbers, + - * / ^ %, parentheses and
references to cells of the same sheet (themselves numbers, blank, or formulas of the same kind).
Anything else (functions, ranges, other sheets, names, text) is `Unsupported`: the caller decides
whether that cell may be used at all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from svdesk.model.xlsx_parts import MAX_COLUMN, MAX_ROW, Formula, coordinate

MAX_FORMULA_CHARS = 2_000
MAX_DEPTH = 40  # nesting of parentheses and of formulas referring to formulas

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)(?![A-Za-z0-9_.(])"
    r"|(?P<ref>(?P<cabs>\$?)(?P<col>[A-Za-z]{1,3})(?P<rabs>\$?)(?P<row>[0-9]{1,7}))(?![A-Za-z0-9_.(!:])"
    r"|(?P<op>[-+*/^%()])"
    r")"
)


class Unsupported(Exception):
    """A formula svdesk does not recalculate; the message says what in it."""


@dataclass(frozen=True)
class Ref:
    row: int
    col: int
    row_abs: bool
    col_abs: bool

    def shifted(self, rows: int, cols: int) -> tuple[int, int]:
        row = self.row if self.row_abs else self.row + rows
        col = self.col if self.col_abs else self.col + cols
        if not (0 < row <= MAX_ROW and 0 < col <= MAX_COLUMN):
            raise Unsupported("it refers outside the sheet (#REF!)")
        return row, col


Token = float | Ref | str  # a number, a cell reference or an operator
Lookup = Callable[[int, int, int], float]  # (row, col, depth) -> the cell's value as arithmetic uses it


def tokens(text: str) -> list[Token]:
    if len(text) > MAX_FORMULA_CHARS:
        raise Unsupported(f"it is longer than {MAX_FORMULA_CHARS:,} characters")
    out: list[Token] = []
    text = text.rstrip()
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            shown = text[pos : pos + 12]
            raise Unsupported(f"it uses {shown!r}, which is not plain arithmetic on this sheet's cells")
        if match.group("num") is not None:
            out.append(float(match.group("num")))
        elif match.group("ref") is not None:
            col = 0
            for ch in match.group("col").upper():
                col = col * 26 + ord(ch) - 64
            out.append(Ref(int(match.group("row")), col, bool(match.group("rabs")), bool(match.group("cabs"))))
        else:
            out.append(match.group("op"))
        pos = match.end()
    if not out:
        raise Unsupported("it is empty")
    return out


class _Parser:
    """Excel's precedence: negation, then %, then ^ (left to right), then * /, then + -."""

    def __init__(self, toks: list[Token], shift: tuple[int, int], lookup: Lookup, depth: int):
        self.toks, self.pos, self.shift, self.lookup, self.depth = toks, 0, shift, lookup, depth

    def peek(self) -> Token | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self) -> Token:
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def run(self) -> float:
        value = self.sum()
        if self.peek() is not None:
            raise Unsupported(f"it has {self.peek()!r} where the formula should end")
        return value

    def sum(self) -> float:
        value = self.product()
        while self.peek() in ("+", "-"):
            op, rhs = self.take(), self.product()
            value = value + rhs if op == "+" else value - rhs
        return value

    def product(self) -> float:
        value = self.power()
        while self.peek() in ("*", "/"):
            op, rhs = self.take(), self.power()
            if op == "/" and rhs == 0:
                raise Unsupported("it divides by zero (#DIV/0!)")
            value = value * rhs if op == "*" else value / rhs
        return value

    def power(self) -> float:
        value = self.percent()
        while self.peek() == "^":
            self.take()
            exponent = self.percent()
            try:
                result = value**exponent
            except (OverflowError, ZeroDivisionError) as exc:
                raise Unsupported("its power is out of range (#NUM!)") from exc
            if isinstance(result, complex) or (value == 0 and exponent == 0):
                raise Unsupported("its power has no real value (#NUM!)")
            value = float(result)
        return value

    def percent(self) -> float:
        value = self.negation()
        while self.peek() == "%":
            self.take()
            value /= 100
        return value

    def negation(self) -> float:
        tok = self.peek()
        if tok in ("-", "+"):
            self.take()
            value = self.negation()
            return -value if tok == "-" else value
        return self.primary()

    def primary(self) -> float:
        if self.peek() is None:
            raise Unsupported("it ends where a number was expected")
        tok = self.take()
        if isinstance(tok, float):
            return tok
        if isinstance(tok, Ref):
            row, col = tok.shifted(*self.shift)
            return self.lookup(row, col, self.depth + 1)
        if tok == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise Unsupported(f"it nests more than {MAX_DEPTH} deep")
            value = self.sum()
            if self.peek() != ")":
                raise Unsupported("a parenthesis is not closed")
            self.take()
            self.depth -= 1
            return value
        raise Unsupported(f"it has {tok!r} where a number was expected")


def evaluate(formula: Formula, lookup: Lookup, depth: int = 0) -> float:
    """The formula's value as Excel would recalculate it; Unsupported when svdesk cannot tell."""
    if depth > MAX_DEPTH:
        raise Unsupported(f"it depends on a chain of more than {MAX_DEPTH} formulas")
    if formula.kind not in ("normal", "shared"):
        raise Unsupported(f"it is an {formula.kind} formula")
    if not formula.text:
        raise Unsupported("it shares a formula the file does not hold")
    value = _Parser(tokens(formula.text), (formula.row_shift, formula.col_shift), lookup, depth).run()
    if not math.isfinite(value):
        raise Unsupported("its result is not a finite number")
    return value


def shown(formula: Formula) -> str:
    """The formula as Excel shows it in its cell (a shared formula with its references moved), for messages."""
    if not formula.text:
        return "=(a shared formula)"
    if not (formula.row_shift or formula.col_shift):
        return "=" + formula.text[:80]
    try:
        toks = tokens(formula.text)
    except Unsupported:
        return "=" + formula.text[:80]
    parts = []
    for tok in toks:
        if isinstance(tok, Ref):
            try:
                row, col = tok.shifted(formula.row_shift, formula.col_shift)
            except Unsupported:
                return "=" + formula.text[:80]
            letters = coordinate(1, col)[:-1]
            parts.append(f"{'$' if tok.col_abs else ''}{letters}{'$' if tok.row_abs else ''}{row}")
        elif isinstance(tok, float):
            parts.append(f"{tok:g}")
        else:
            parts.append(tok)
    return ("=" + "".join(parts))[:81]
