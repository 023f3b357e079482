"""Checks on written rationales: a consensus rationale must cite the bid's own evidence.

A rationale that only compares bids ("better than Northgate", "wider than the others") is weak
under challenge: each bid must be scored against the criteria, not against each other.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from svdesk.model.citations import DocumentTexts, citation_problems, citations, has_citation, quoted_words

_COMPARATIVES = re.compile(
    r"\b(better|worse|wider|narrower|stronger|weaker|clearer|higher|lower|greater|fuller|broader|"
    r"more\s+\w+|less\s+\w+)\s+than\s+(?!\d|£|one\b|a\s+year|expected|required|the\s+minimum|the\s+standard)",
    re.IGNORECASE,
)
_COMPARE_TO = re.compile(r"\bcompared\s+(to|with)\b|\bin\s+comparison\s+(to|with)\b|\bthan\s+(the\s+)?other", re.I)
_MORE_THAN_BIDDER = re.compile(r"\b(more|less|fewer)\s+than\s+(bidder|the\s+others?|others?|competitors?)\b", re.I)


_GENERIC = {"the", "care", "services", "service", "support", "group", "limited", "community", "homecare", "home"}


def _mentions(lowered_text: str, name: str) -> bool:
    """The full name, or its distinctive first word ("Northgate" for "Northgate Homecare Ltd")."""
    if name.casefold() in lowered_text:
        return True
    first = name.split()[0].casefold() if name.split() else ""
    return len(first) >= 4 and first not in _GENERIC and re.search(rf"\b{re.escape(first)}\b", lowered_text) is not None


def comparative_warning(text: str, other_bidders: Iterable[str] = ()) -> str | None:
    """A warning when the rationale compares bids instead of citing this bid's evidence."""
    found: list[str] = []
    for pattern in (_COMPARATIVES, _COMPARE_TO, _MORE_THAN_BIDDER):
        match = pattern.search(text)
        if match:
            found.append(match.group(0).strip())
    lowered = text.casefold()
    named = [name for name in other_bidders if name and _mentions(lowered, name)]
    if named:
        found.append("names " + ", ".join(named))
    if not found:
        return None
    return (
        "This rationale compares bids (" + "; ".join(dict.fromkeys(found)) + "). "
        "Cite the bid's own evidence against the question instead."
    )


# --- boilerplate: an explanation that cites nothing in the tender ---------------------------------
#
# Regulation 31(2)(e)(i)(aa) of the Procurement Regulations 2024 (SI 2024/692): an assessment summary
# gives, for each criterion, the score "and an explanation of the score by reference to relevant
# information in the tender". A consensus rationale that only restates the question and the score
# ("Panel consensus for Q1: 4/5 after discussion.") explains nothing. The test here is deliberately
# crude and cheap (it runs over 8,000 rationales before an award): strip the question's code and
# title, the scores, and the words of the scoring template, and count what remains. Issue 16's fuller
# rationale check (evidence cited, descriptors matched) is meant to grow from here.

MIN_CONTENT_WORDS = 4  # fewer than this left after stripping: boilerplate

# The words of the scoring template: the meeting, the score and its descriptor, the bid as a thing.
_TEMPLATE = """
    panel panels panel's consensus consensual agreed agree agrees agreement unanimous unanimously
    discussion discussed discussing after following moderation moderated moderating moderator
    score scores scored scoring mark marks marked rating rated points point awarded award given gives
    final overall evaluator evaluators evaluators' evaluation evaluated individual individually notes
    comments comment see above below refer reference per
    good very excellent exceptional outstanding satisfactory adequate acceptable unacceptable poor
    limited fair reasonable strong weak average standard sufficient insufficient fine ok okay solid
    response responses answer answers answered bid bids bidder bidder's tender tenders submission
    submitted proposal question questions criterion criteria requirement requirements meets meet met
    meeting exceeds exceed exceeded expected expectations fully partially partly generally broadly
    n/a na tbc tbd nil none
"""
TEMPLATE_WORDS = frozenset(_TEMPLATE.split())
# Words that carry no content of their own.
_STOP = """
    a an the and or but nor so yet for to of in on at by with from into onto as than then this that
    these those it its it's is are was were be been being has have had do does did done will would
    shall should can could may might must we our us they their them he she his her i me my you your
    all any some each every both either neither not no yes also just only quite rather too well
    which who whom whose what when where why how there here out up down over under about again
    further once more most less least much many such own same other
"""
STOP_WORDS = frozenset(_STOP.split())

_TOKEN = re.compile(r"\d+(?:\.\d+)?\s*/\s*\d+(?:\.\d+)?|[^\W_][\w'’./%£&-]*", re.UNICODE)
_SCORE_OUT_OF = re.compile(r"\b\d+(?:\.\d+)?\s+out\s+of\s+\d+(?:\.\d+)?\b", re.IGNORECASE)
_SCORE_NUMBER = re.compile(r"^\d(?:\.[05]0*)?$")  # a score on the scale (4, 3.5); "1.2", "14", "27%" stay


def _words(text: str) -> set[str]:
    return {w.casefold().strip(".,;:()'’") for w in re.findall(r"[\w'’-]+", text)}


def content_words(
    text: str, *, code: str = "", title: str = "", names: Iterable[str] = (), limit: int = 0
) -> list[str]:
    """The words of `text` that say something about the tender: without the question's `code` and
    the words of its `title`, the bidder's `names`, scores (4/5, 4 out of 5, 4), the scoring
    template's words and stop words. `limit`: stop once that many are found (0: all). A citation
    token counts by its quoted words only (its title, pages and hash say nothing of the bid)."""
    if has_citation(text):
        text = quoted_words(text)
    ignored = _words(title) | {w for name in names for w in _words(name)}
    if code:
        ignored.add(code.casefold())
    found: list[str] = []
    for match in _TOKEN.finditer(_SCORE_OUT_OF.sub(" ", text)):
        token = match.group(0)
        if "/" in token and token[0].isdigit():
            continue  # a score: 4/5
        word = token.casefold().rstrip(".,;:'’-")
        if not word or word in ignored or word in TEMPLATE_WORDS or word in STOP_WORDS or _SCORE_NUMBER.match(word):
            continue
        if word.endswith(("'s", "’s")) and word[:-2] in ignored | TEMPLATE_WORDS:
            continue
        found.append(word)
        if limit and len(found) >= limit:
            break
    return found


def is_boilerplate(text: str, *, code: str = "", title: str = "", names: Iterable[str] = ()) -> bool:
    """True when an explanation cites nothing in the tender (reg 31(2)(e)(i)(aa)): fewer than
    `MIN_CONTENT_WORDS` content words once the question, the score and the template are removed.
    An empty explanation is boilerplate too (the caller may want to say "missing" instead)."""
    return len(content_words(text, code=code, title=title, names=names, limit=MIN_CONTENT_WORDS)) < MIN_CONTENT_WORDS


def same_text_key(text: str, names: Iterable[str] = ()) -> str:
    """The explanation as compared for reuse across bids: case, spacing, end punctuation and the
    bidder's own `names` aside (one text with each bidder's name put in is still one text)."""
    key = " ".join(text.casefold().split())
    for name in names:
        if name.strip():
            key = key.replace(" ".join(name.casefold().split()), "")
    return " ".join(key.split()).rstrip(" .")


# --- the rationale check (issue 16 item 2): explanations that hold up ------------------------------
#
# Five flags, each with a code and a plain reason, for a member's individual rationale or the panel's
# consensus rationale. The law behind them: reg 31(2)(e)(i)(aa) of SI 2024/692 (an explanation "by
# reference to relevant information in the tender": the assessment summaries quote the consensus
# rationales), and s.98(1) of the Procurement Act 2023 (records "sufficient to explain" the award
# decision: the members' notes are part of them). Case law read as guidance, not as a rule of its
# own: Woods Building Services v Milton Keynes Council [2015] EWHC 2011 (TCC) (notes too brief to
# explain the scores) and Lancashire Care v Lancashire CC [2018] EWHC 1589 (TCC) (the moderation
# note must explain how the consensus was reached). The rules are heuristics on the words: each
# flag can be overridden with a recorded reason (services.rationale_check).
#
# - boilerplate: the same text as another bid's or question's (by the same writer), or template
#   wording: fewer than MIN_CONTENT_WORDS content words once the score, the question's code and
#   title, the names and the scoring template are set aside (`is_boilerplate`, the reg 31 check's).
# - repeats_question: almost every word is the question's, its guidance's or the descriptors':
#   fewer than REPEAT_MIN_NEW words of its own, or under REPEAT_MIN_SHARE of its words.
# - comparative: every sentence that says something compares with other bids ("better than",
#   "compared with", another bidder named): what is left says too little (MIN_CONTENT_WORDS).
# - no_reference: no section, page, appendix, annex, table or paragraph number ("2.3", "(B1)",
#   "in D1"), no named part of the tender (the pricing schedule, the pledge sheet, a case study,
#   a letter of support) and no quoted commitment ("…" or '…' of two words or more).
# - too_short: fewer content words than a score this far from the scale's middle needs. On a scale
#   from 0 to max, the middle is max/2 and the distance d = |score - max/2| / (max/2), from 0 (the
#   middle) to 1 (0 or max); the words needed are ceil(SHORT_AT_MIDDLE + SHORT_EXTRA_AT_ENDS * d).
#   On 0-5: 7 words for a 2 or a 3, 10 for a 1 or a 4, 12 for a 0 or a 5. A score at either end
#   claims most and is challenged most, so it needs the fullest explanation.
# - bad_citation (issue 18): a structured citation (`svdesk.model.citations`) that does not check:
#   a document the tender does not hold, a page beyond its last, or quoted words not on the page
#   cited. A citation is the reference reg 31(2)(e)(i)(aa) asks for made exact; a wrong one misleads.
#   Checked only when the caller gives the tender's documents (`lookup`).

BOILERPLATE = "boilerplate"
REPEATS_QUESTION = "repeats_question"
COMPARATIVE = "comparative"
NO_REFERENCE = "no_reference"
TOO_SHORT = "too_short"
BAD_CITATION = "bad_citation"
CODES: tuple[str, ...] = (BOILERPLATE, REPEATS_QUESTION, COMPARATIVE, NO_REFERENCE, TOO_SHORT, BAD_CITATION)
CODE_LABELS: dict[str, str] = {
    BOILERPLATE: "boilerplate",
    REPEATS_QUESTION: "repeats the question",
    COMPARATIVE: "only compares bids",
    NO_REFERENCE: "cites nothing in the tender",
    TOO_SHORT: "too short for the score",
    BAD_CITATION: "a citation does not check",
}

REPEAT_MIN_NEW = 2
REPEAT_MIN_SHARE = 0.2
SHORT_AT_MIDDLE = 5.0
SHORT_EXTRA_AT_ENDS = 7.0


@dataclass(frozen=True)
class Flag:
    code: str  # one of CODES
    reason: str  # plain words, one sentence

    @property
    def label(self) -> str:
        return CODE_LABELS.get(self.code, self.code)


_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ness", "ies", "ied", "ed", "es", "s", "ly")


_STEMS: dict[str, str] = {}  # word -> stem (a cache: a tender's rationales share a small vocabulary)


def stem(word: str) -> str:
    """A cheap stem, enough to see that "recruiting" repeats "recruitment"."""
    found = _STEMS.get(word)
    if found is None:
        if len(_STEMS) > 200_000:
            _STEMS.clear()
        found = _STEMS[word] = next(
            (word[: -len(s)] for s in _SUFFIXES if word.endswith(s) and len(word) - len(s) >= 3), word
        )
    return found


@dataclass(frozen=True)
class QuestionWords:
    """What one question brings to the check, worked out once per question (not per rationale)."""

    code: str = ""
    ignored: frozenset[str] = frozenset()  # the code and the title's words: not content
    stems: frozenset[str] = frozenset()  # the stems of the question's, guidance's and descriptors' words
    codes: frozenset[str] = frozenset()  # every question code of the tender, casefolded: no reference
    scale_max: float = 5.0
    descriptors: tuple[tuple[float, str], ...] = ()


def question_words(
    code: str = "",
    title: str = "",
    text: str = "",
    guidance: str = "",
    *,
    descriptors: Iterable[tuple[float, str]] = (),
    scale_max: float = 5.0,
    codes: Iterable[str] = (),
) -> QuestionWords:
    shown = tuple(sorted((float(s), label) for s, label in descriptors))
    ignored = _words(title) | ({code.casefold()} if code else set())
    said = " ".join([title, text, guidance, *(label for _, label in shown)])
    stems = frozenset(stem(w) for w in _words(said) if w)
    return QuestionWords(
        code, frozenset(ignored), stems, frozenset(c.casefold() for c in (*codes, code) if c), scale_max, shown
    )


class BidNames:
    """Finds other bids named in a text: one pattern for the whole tender (a framework has 200 bids;
    trying each name on each of 88,000 rationales would take minutes)."""

    def __init__(self, names: Iterable[str]) -> None:
        self.of: dict[str, set[str]] = {}  # what is matched (casefolded) -> the bids it names
        for name in names:
            full = " ".join(name.casefold().split())
            if not full:
                continue
            self.of.setdefault(full, set()).add(name)
            first = full.split()[0]
            if len(first) >= 4 and first not in _GENERIC:
                self.of.setdefault(first, set()).add(name)
        words = sorted(self.of, key=len, reverse=True)
        self.pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b") if words else None

    def named(self, lowered_text: str, own: str = "") -> list[str]:
        """The other bids `lowered_text` names (not `own`), in the order first named."""
        if self.pattern is None:
            return []
        found: dict[str, None] = {}
        for match in self.pattern.finditer(lowered_text):
            bids = self.of[match.group(1)]
            if own in bids:
                continue  # the bid's own name (or a word it shares with the bid named)
            for bid in sorted(bids):
                found[bid] = None
        return list(found)


# A comparison with the question's own yardstick is not a comparison with another bid.
_YARDSTICK = (
    r"(?!\d|£|one\b|a\s+year|expected|required|requested|asked|needed|planned|promised|stated|claimed|before|now|"
    r"the\s+(minimum|standard|guidance|specification|requirement|question|council|contract|target|national|"
    r"real\s+living|current|previous|existing|statutory|regulations?|law|cqc|sector|industry|average)\b|"
    r"last\s+year|this\s+year|at\s+present|currently|in\s+the\s+(guidance|specification|question))"
)
_COMPARING = (
    re.compile(
        r"\b(better|worse|wider|narrower|stronger|weaker|clearer|higher|lower|greater|fuller|broader|"
        r"more\s+\w+|less\s+\w+)\s+than\s+" + _YARDSTICK,
        re.IGNORECASE,
    ),
    _COMPARE_TO,
    _MORE_THAN_BIDDER,
    re.compile(r"\b(best|strongest|weakest|clearest|fullest|worst)\s+(of\s+the\s+)?(bids?|bidders?|tenders?)\b", re.I),
    re.compile(r"\b(than|as)\s+(the\s+)?(other|rival|competing)\s+(bids?|bidders?|tenders?|submissions?)\b", re.I),
)
_SENTENCE = re.compile(r"(?<=[.;!?])\s+|:\s+")

_PLACE = r"(?:[A-Z]{1,2}\d{0,3}|\d{1,3}[a-z]?)(?:\.\d{1,3})*"  # C, A3, 5, 1.2, 2.1.3 (case-sensitive)
# a part of the tender named and numbered: "section 1.2", "appendix C", "page 4", "table 2" (the name
# is found in the lowered text, its number or letter in the text as written: "part of" is no "part O")
_PART = re.compile(
    r"\b(?:sections?|sec|paras?|paragraphs?|pages?|pp?|appendix|appendices|annexe?s?|schedules?|tables?|"
    r"figures?|fig|chapters?|clauses?|parts?|attachments?|exhibits?|enclosures?|lots?|"
    r"case\s+stud(?:y|ies)|questions?\s+response|response\s+to\s+question)\.?\s*"
)
_PLACE_AT = re.compile(_PLACE + r"\b")
# a numbered passage in brackets: "(B1)", "(2.1)", "(1.2-1.3)"
_BRACKETED = re.compile(r"\((?:[A-Z]{1,2}\d{1,3}|\d{1,3}(?:\.\d{1,3})+)(?:\s*[-–,/]\s*" + _PLACE + r")*\)")
# a part of the tender by its name (in the lowered text)
_NAMED_PART = re.compile(
    r"\b(?:pric(?:ing|e)\s+schedule|schedule\s+of\s+rates|pledge\s+sheet|pledge\s+schedule|"
    r"method\s+statements?|case\s+stud(?:y|ies)|organisation(?:al)?\s+chart|org\s+chart|"
    r"letters?\s+of\s+(?:support|intent)|(?:provider|supplier|partner)\s+letters?|"
    r"clarification\s+(?:response|letter|answer)|delivery\s+table|evidence\s+schedule)\b"
)
_CV = re.compile(r"\bCVs?\b")
# a paragraph number alone ("in 5.3", "in D1"): not money, a percentage, a quantity or the score
_BARE_NUMBER = re.compile(
    r"(?<![£$€\d.,/])\b\d{1,2}(?:\.\d{1,2}){1,3}\b(?![\d.,/]*\s*(?:%|per\s*cent|m\b|k\b|bn\b|million|billion|"
    r"hours?|hrs?|years?|yrs?|fte|miles?|weeks?|days?|months?|out\s+of|points?))",
    re.IGNORECASE,
)
_BARE_CODE = re.compile(r"\b[A-Z]{1,2}\d{1,2}[a-z]?\b")
_SCORE_BEFORE = re.compile(r"(agreed|scored?|score\s+of|awarded|consensus|marked?|rated?|gives?|give|of)\s*$", re.I)
_QUOTED = re.compile(r"[\"“”]([^\"“”]{6,})[\"“”]|(?<!\w)['‘]([^'‘’\n]{6,}?)['’](?!\w)")


def cites_the_tender(text: str, codes: frozenset[str] = frozenset()) -> bool:
    """True when `text` points at something in the tender (see NO_REFERENCE); the tender's own
    question codes ("Q1", "(SV1)") are not references to the bid. The cheap tests first: it runs
    on every rationale of a framework. A citation token (`svdesk.model.citations`) is a reference."""
    if has_citation(text) and citations(text):
        return True
    if any(m.group(0).strip("()").casefold() not in codes for m in _BRACKETED.finditer(text)):
        return True
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer: find the parts' names as written
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    if any(_PLACE_AT.match(text, m.end()) for m in _PART.finditer(lowered)):
        return True
    if _NAMED_PART.search(lowered) or _CV.search(text):
        return True
    for match in _BARE_NUMBER.finditer(text):
        if not _SCORE_BEFORE.search(text, max(0, match.start() - 14), match.start()):
            return True
    if any(m.group(0).casefold() not in codes for m in _BARE_CODE.finditer(text)):
        return True
    return any(len((m.group(1) or m.group(2) or "").split()) >= 2 for m in _QUOTED.finditer(text))


_NOT_CONTENT = TEMPLATE_WORDS | STOP_WORDS


@functools.lru_cache(maxsize=4096)
def _name_words(name: str) -> frozenset[str]:
    return frozenset(_words(name)) if name else frozenset()


_NORMAL: dict[str, str] = {}  # token as written -> its content word, or "" for none (a cache)


def _normal(token: str) -> str:
    """The content word a token is, whatever the question: "" for a score, a template or stop word."""
    if token[0].isdigit():
        word = token.rstrip(".,;:'’-")
        return "" if "/" in token or _SCORE_NUMBER.match(word) else word
    word = token.casefold().rstrip(".,;:'’-")
    if word.endswith(("'s", "’s")) and word[:-2] in _NOT_CONTENT:
        return ""
    return "" if word in _NOT_CONTENT else word


def _content(text: str, ignored: frozenset[str] | set[str]) -> list[str]:
    """`content_words`, with the ignored words worked out by the caller once per question; a word
    is looked at once per run, not once per rationale (88,000 rationales share their words)."""
    if len(_NORMAL) > 200_000:
        _NORMAL.clear()
    found: list[str] = []
    for token in _TOKEN.findall(_SCORE_OUT_OF.sub(" ", text) if " out of " in text else text):
        word = _NORMAL.get(token)
        if word is None:
            word = _NORMAL[token] = _normal(token)
        if word and word not in ignored and not (word.endswith(("'s", "’s")) and word[:-2] in ignored):
            found.append(word)
    return found


def words_needed(score: float, scale_max: float) -> int:
    """Content words a rationale for `score` needs (see TOO_SHORT); 0 for no scale."""
    if scale_max <= 0:
        return 0
    middle = scale_max / 2
    distance = min(1.0, abs(score - middle) / middle)
    return math.ceil(SHORT_AT_MIDDLE + SHORT_EXTRA_AT_ENDS * distance - 1e-9)


_COMPARING_WORDS = ("than", "compar", "best", "strongest", "weakest", "clearest", "fullest", "worst")
_ANY_COMPARING = re.compile("|".join(f"(?:{p.pattern})" for p in _COMPARING), re.IGNORECASE)


def _comparing(sentence: str, lowered: str, bids: BidNames | None, own: str) -> list[str]:
    found = [m.group(0).strip() for p in _COMPARING if (m := p.search(sentence))]
    if bids is not None:
        named = bids.named(lowered, own)
        if named:
            found.append("names " + ", ".join(named))
    return found


def check(
    text: str,
    score: float | None,
    question: QuestionWords,
    *,
    bidder: str = "",
    writer: str = "",
    bids: BidNames | None = None,
    same_as: Sequence[str] = (),
    lookup: Callable[[str], DocumentTexts | None] | None = None,
) -> list[Flag]:
    """The flags on one rationale: a pure function of the text and what the caller read once.

    `score`: the score it explains (None: not chosen yet, so no length rule); `bidder`, `writer`:
    the bid's and the member's names (no content); `bids`: every bid's names, to find others named;
    `same_as`: where the same text stands already (e.g. "Northgate Homecare Ltd, Q2"), as found by
    the caller over the tender's rationales (`same_text_key`); `lookup`: the tender's documents by
    SHA-256 prefix, to check citations (None: not checked). An empty text has no flags here: the
    caller refuses it, or names it as missing."""
    text = text.strip()
    if not text:
        return []
    cited = has_citation(text)
    said_text = quoted_words(text) if cited else text  # a token's title, pages and hash are no words
    ignored = question.ignored | _name_words(bidder) | _name_words(writer)
    words = _content(said_text, ignored)
    flags: list[Flag] = []
    if same_as:
        where = " and ".join(same_as[:2]) + (f" and {len(same_as) - 2} more" if len(same_as) > 2 else "")
        flags.append(Flag(BOILERPLATE, f"the same text as for {where}: write what this bid offers"))
    if cited and lookup is not None:
        problems = citation_problems(text, lookup)
        if problems:
            flags.append(Flag(BAD_CITATION, "; ".join(problems)))
    found: list[str] = []
    rest: list[str] = []
    lowered = said_text.casefold()
    if (any(w in lowered for w in _COMPARING_WORDS) and _ANY_COMPARING.search(said_text)) or (
        bids is not None and bids.named(lowered, bidder)
    ):
        for sentence in _SENTENCE.split(said_text):  # only then, sentence by sentence: what is left?
            compared = _comparing(sentence, sentence.casefold(), bids, bidder)
            found += compared
            if not compared:
                rest.append(sentence)
    if found and len(_content(" ".join(rest), ignored)) < MIN_CONTENT_WORDS:
        flags.append(
            Flag(
                COMPARATIVE,
                "only compares with other bids (" + "; ".join(dict.fromkeys(found)) + "); "
                "score each bid on its own evidence against the question",
            )
        )
    if len(words) < MIN_CONTENT_WORDS:
        # template wording: nothing else is worth saying of it, it has to be written anew
        said = ", ".join(words) if words else "nothing"
        why = f"template wording: set aside the score, the question and the usual words, it says {said}"
        return [*flags, Flag(BOILERPLATE, why)]
    stems = question.stems
    own = [w for w in words if (_STEMS.get(w) or stem(w)) not in stems]
    if len(own) < REPEAT_MIN_NEW or len(own) < REPEAT_MIN_SHARE * len(words):
        said = ", ".join(dict.fromkeys(own)) or "none"
        flags.append(
            Flag(
                REPEATS_QUESTION,
                f"repeats the question, its guidance or the descriptors: {len(own)} of its {len(words)} words "
                f"are its own ({said}); say what this bid offers",
            )
        )
    if not cites_the_tender(text, question.codes):
        flags.append(
            Flag(
                NO_REFERENCE,
                "cites nothing in the tender: no section, page, appendix, paragraph number (such as 2.3 or (B1)) "
                "or quoted commitment",
            )
        )
    if score is not None:
        needed = words_needed(score, question.scale_max)
        if len(words) < needed:
            flags.append(
                Flag(
                    TOO_SHORT,
                    f"too short for a score of {score:g} out of {question.scale_max:g}: {len(words)} words about "
                    f"the bid where a score this far from the middle needs {needed}",
                )
            )
    return flags
