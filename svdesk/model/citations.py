"""Structured citations in rationales (issue 18 parts 3-4): a reference to a page of a bid document,
kept IN the rationale text as a readable token, so that it is signed, logged, exported and carried
in packs with the rationale it belongs to, with no table of its own:

    [Method statement, p. 4: “six posts for local people” #3f2a9c1b7e04d5a6]
    [Method statement, pp. 4–5 #3f2a9c1b7e04d5a6]

The title is the document's (its file stem); the pages are 1-based; the quoted words are optional;
`#` and the first 16 hex digits of the document's SHA-256 tie the citation to one file's content, so
it can never point at a different file of the same name.

Why it matters: reg 31(2)(e)(i)(aa) of the Procurement Regulations 2024 (SI 2024/692) asks for each
score's explanation "by reference to relevant information in the tender", and s.98 of the
Procurement Act 2023 for records sufficient to explain the decision. A citation that checks (the
quoted words are on the page cited, of a document the bid holds) is that reference made exact;
`citation_problems` says where one does not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from svdesk.model.errors import ValidationError

QUOTE_MAX = 300  # characters a citation's quoted words may have (a passage, not a page)
SHORT_QUOTE = 80  # printed in a reference line, and said in a problem, up to this
PREFIX_LENGTH = 16  # hex digits of the SHA-256 a token keeps: 64 bits, no two documents of a tender share them

_TOKEN = re.compile(
    r"\[(?P<title>[^\[\]#\n]+?),\s*"
    r"(?:pp\.\s*(?P<a>\d{1,6})\s*[-–—]\s*(?P<b>\d{1,6})|p\.\s*(?P<p>\d{1,6}))"
    r"(?::\s*[“\"](?P<q>[^“”\"]{0,1000})[”\"])?"
    r"\s*#(?P<sha>[0-9a-fA-F]{16})\]"
)
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True)
class Citation:
    title: str
    sha_prefix: str  # the first 16 hex digits of the document's SHA-256, lower case
    first_page: int
    last_page: int
    quote: str  # "" when a page or a range is cited without quoted words
    start: int  # the token's span in the text
    end: int

    @property
    def pages(self) -> str:
        """ "p. 4" or "pp. 4–5"."""
        if self.first_page == self.last_page:
            return f"p. {self.first_page}"
        return f"pp. {self.first_page}–{self.last_page}"


@dataclass(frozen=True)
class DocumentTexts:
    """What checking a citation needs of one document: its title, hash and the text of each page."""

    title: str
    sha256: str
    page_texts: Sequence[str]
    # the page count when the page texts were not read (a live check as the panel types: the quoted
    # words then go unchecked until the full check); None: len(page_texts)
    pages: int | None = None

    @property
    def page_count(self) -> int:
        return len(self.page_texts) if self.pages is None else self.pages


def _one_line(value: str) -> str:
    return " ".join(value.split())


def citation_token(title: str, sha256: str, first_page: int, last_page: int | None = None, quote: str = "") -> str:
    """The token for a citation of `first_page` (to `last_page`) of the document with this full
    SHA-256, with the quoted words if any. Refused: a hash that is not 64 hex digits, pages out of
    order, or quoted words of more than QUOTE_MAX characters."""
    digest = (sha256 or "").strip()
    if not _SHA256.fullmatch(digest):
        raise ValidationError(f"citation: the document's SHA-256 must be 64 hex digits, not {digest[:70]!r}")
    last = first_page if last_page is None else last_page
    if first_page < 1 or last < first_page:
        raise ValidationError(
            f"citation: pages {first_page}–{last} are not a page range (the first page is 1, and comes before the last)"
        )
    # the title: any characters but the token's own [ ] and # (a file named "Bid [final]" still cites)
    shown = _one_line((title or "").replace("[", "(").replace("]", ")").replace("#", " "))
    if not any(ch.isalnum() for ch in shown):
        raise ValidationError("citation: the document has no title to cite it by")
    words = _one_line(quote or "").replace('"', "'").replace("“", "‘").replace("”", "’")
    if len(words) > QUOTE_MAX:
        raise ValidationError(
            f"citation: the quoted words are {len(words):,} characters; quote at most {QUOTE_MAX} "
            "(the words that carry the point) and cite the page for the rest"
        )
    pages = f"p. {first_page}" if last == first_page else f"pp. {first_page}–{last}"
    said = f": “{words}”" if words else ""
    return f"[{shown}, {pages}{said} #{digest[:PREFIX_LENGTH].lower()}]"


def has_citation(text: str) -> bool:
    """The cheap test first: a text without both "#" and "[" holds no token (most rationales)."""
    return "#" in text and "[" in text


def citations(text: str) -> list[Citation]:
    """Every citation token in `text`, in order."""
    if not text or not has_citation(text):
        return []
    found: list[Citation] = []
    for m in _TOKEN.finditer(text):
        first = int(m.group("a") or m.group("p"))
        last = int(m.group("b") or m.group("p"))
        found.append(
            Citation(
                _one_line(m.group("title")),
                m.group("sha").lower(),
                first,
                last,
                _one_line(m.group("q") or ""),
                m.start(),
                m.end(),
            )
        )
    return found


def _replace(text: str, with_: Callable[[Citation], str]) -> str:
    found = citations(text)
    if not found:
        return text
    parts: list[str] = []
    at = 0
    for c in found:
        parts += [text[at : c.start], with_(c)]
        at = c.end
    parts.append(text[at:])
    return "".join(parts)


def readable(text: str) -> str:
    """The text as printed: each token as "(Method statement, p. 4)"; the quoted words and the hash
    are printed under it, by `reference_line`."""
    return _replace(text, lambda c: f"({c.title}, {c.pages})")


def quoted_words(text: str) -> str:
    """The text for the rationale check's word counts: each token as its quoted words, in quotes
    (they are the bid's own words, as if typed), without the title, the pages and the hash."""
    return _replace(text, lambda c: f"“{c.quote}”" if c.quote else " ")


def _cut(words: str, limit: int = SHORT_QUOTE) -> str:
    if len(words) <= limit:
        return words
    cut = words[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:.") + "…"


def reference_line(c: Citation) -> str:
    """ "Method statement, p. 4: ‘six posts for local people’" (quoted words past SHORT_QUOTE cut)."""
    return f"{c.title}, {c.pages}" + (f": ‘{_cut(c.quote)}’" if c.quote else "")


def references(text: str) -> list[str]:
    """What the reports print under a rationale, after "References:": each citation's
    `reference_line` with the document's short hash, once each, in order (none: [])."""
    lines = [f"{reference_line(c)} (SHA-256 {c.sha_prefix}…)" for c in citations(text)]
    return list(dict.fromkeys(lines))


def printed(text: str) -> str:
    """A rationale as a report prints it in one block: `readable`, and under it its references."""
    found = references(text)
    if not found:
        return text
    return readable(text) + "\nReferences:\n" + "\n".join(f"– {line}" for line in found)


# --- are the quoted words on the page? ------------------------------------------------------------

_FOLD = str.maketrans(
    {
        "\u00ad": None,  # soft hyphen
        "\u0002": "-",  # PDFium's mark for a hyphen at a line end
        "\ufffe": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
_LINE_END_HYPHEN = re.compile(r"(?<=\w)- (?=\w)")  # "six-\nposts" once the whitespace is collapsed


def _normal(value: str) -> str:
    # NFKC: the ligatures (ﬁ ﬂ) as letters, "…" as "...", non-breaking spaces as spaces
    return " ".join(unicodedata.normalize("NFKC", value).translate(_FOLD).casefold().split())


def _variants(value: str) -> set[str]:
    """A hyphen at a line end may split a word ("recruit-\\nment") or end a hyphenated one's first
    part ("six-\\nmonth"): both readings are tried."""
    n = _normal(value)
    return {_LINE_END_HYPHEN.sub("", n), _LINE_END_HYPHEN.sub("-", n)}


def _in_order(parts: list[str], page: str) -> bool:
    at = 0
    for part in parts:
        found = page.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return True


def quote_on_page(quote: str, page_text: str) -> bool:
    """True when the quoted words are on the page, whatever the case, spacing, typographic quotes,
    dashes, ligatures, soft hyphens and hyphenation at line ends; an ellipsis ("…" or "...") in the
    quote stands for words left out, so its parts must be on the page in order."""
    pages = _variants(page_text)
    for q in _variants(quote):
        parts = [p.strip(" ,;:") for p in q.split("...")]
        parts = [p for p in parts if p]
        if not parts:
            return True
        if any(_in_order(parts, page) for page in pages):
            return True
    return False


def citation_problems(text: str, lookup: Callable[[str], DocumentTexts | None]) -> list[str]:
    """What does not check in the citations of `text`: a document the tender does not hold, a page
    beyond the document's last, quoted words not on the page (for a range, on none of its pages).
    `lookup` maps a token's SHA-256 prefix to the document, or None."""
    problems: list[str] = []
    seen: set[tuple[str, int, int, str]] = set()
    for c in citations(text):
        key = (c.sha_prefix, c.first_page, c.last_page, c.quote)
        if key in seen:
            continue
        seen.add(key)
        doc = lookup(c.sha_prefix)
        if doc is None:
            problems.append(f"cites a document not among this tender's documents (#{c.sha_prefix}, «{c.title}»)")
            continue
        name = f"«{doc.title}»"
        count = doc.page_count
        if c.first_page < 1 or c.last_page < c.first_page:
            problems.append(f"cites {c.pages} of {name}, which is not a page range")
            continue
        if count == 0:
            problems.append(f"cites {name} {c.pages} but the document has no pages to cite (it is not a PDF)")
            continue
        if c.last_page > count:
            problems.append(f"cites {name} {c.pages} but the document has {count} page{'s' if count != 1 else ''}")
            continue
        if not c.quote or doc.pages is not None:
            continue  # no words to find, or the page texts were not read
        texts = doc.page_texts[c.first_page - 1 : c.last_page]
        if any(quote_on_page(c.quote, t) for t in texts):
            continue
        if len(texts) > 1 and quote_on_page(c.quote, "\n".join(texts)):
            continue  # running on from one page of the range to the next
        if c.first_page == c.last_page:
            where = f"are not on p. {c.first_page}"
        else:
            where = f"are on none of pages {c.first_page}–{c.last_page}"
        problems.append(f"the quoted words “{_cut(c.quote)}” {where} of {name}")
    return problems
