"""Structured citations in rationales (issue 18 parts 3-4): the token written and read back, printed
readably, the quoted words found on the page whatever the typography, and the rationale check
counting a citation as a reference to the tender and flagging one that does not check."""

from __future__ import annotations

import hashlib
import time

import pytest

from svdesk.model.citations import (
    Citation,
    DocumentTexts,
    citation_problems,
    citation_token,
    citations,
    quote_on_page,
    readable,
    reference_line,
)
from svdesk.model.errors import ValidationError
from svdesk.model.rationale import BAD_CITATION, CODES, NO_REFERENCE, BidNames, check, cites_the_tender, question_words

SHA = hashlib.sha256(b"the method statement").hexdigest()
OTHER = hashlib.sha256(b"the pricing schedule").hexdigest()
PAGES = [
    "1. About us\nWeaver Valley Care has delivered home care in Cheshire since 2009.",
    "2. Workforce\nWe will create six posts for local people in Malpas and Tarporley, and pay travel time.",
    "3. Training\nEvery new starter com-\npletes the Care Certificate within twelve weeks; ﬁve senior carers\nmentor.",
    "4. Continuity\nNo more than four care workers per person per fortnight, with a named\ncoordinator for",
    "each run. Rotas are published two weeks ahead.",
]
DOC = DocumentTexts("Method statement", SHA, PAGES)


def lookup(prefix: str) -> DocumentTexts | None:
    return DOC if SHA.startswith(prefix) else None


# --- the token ---------------------------------------------------------------------------------------------


def test_a_token_is_written_and_read_back():
    token = citation_token("Method statement", SHA, 2, quote="six posts for local people")
    assert token == f"[Method statement, p. 2: \u201csix posts for local people\u201d #{SHA[:16]}]"
    text = f"Local recruitment is firm {token} and travel time is paid."
    (c,) = citations(text)
    assert c == Citation("Method statement", SHA[:16], 2, 2, "six posts for local people", 26, 26 + len(token))
    assert text[c.start : c.end] == token
    ranged = citation_token("Method statement", SHA.upper(), 4, 5)
    assert ranged == f"[Method statement, pp. 4\u20135 #{SHA[:16]}]"
    (r,) = citations(ranged)
    assert (r.first_page, r.last_page, r.quote, r.sha_prefix) == (4, 5, "", SHA[:16])


def test_what_parsing_accepts_typed_by_hand():
    text = f'As promised [Method statement, pp. 4-5: "no more  than four\ncare workers" #{SHA[:16].upper()}] here.'
    (c,) = citations(text)
    assert (c.first_page, c.last_page, c.quote, c.sha_prefix) == (4, 5, "no more than four care workers", SHA[:16])
    # not tokens: no hash, a short hash, no page, a hash of another length
    for text in (
        "[Method statement, p. 4]",
        f"[Method statement, p. 4 #{SHA[:12]}]",
        f"[Method statement #{SHA[:16]}]",
        "Section 2 [see #5]",
    ):
        assert citations(text) == [], text


def test_formatting_cleans_the_title_and_the_quote_and_refuses_what_cannot_be_cited():
    token = citation_token("Bid [final] #2", SHA, 3, 3, 'the "Care\n  Certificate"  within \u201ctwelve\u201d weeks')
    assert token.startswith(
        "[Bid (final) 2, p. 3: \u201cthe 'Care Certificate' within \u2018twelve\u2019 weeks\u201d #"
    )
    (c,) = citations(token)
    assert c.title == "Bid (final) 2" and c.quote == "the 'Care Certificate' within \u2018twelve\u2019 weeks"
    with pytest.raises(ValidationError, match="at most 300"):
        citation_token("Method statement", SHA, 2, quote="word " * 61)
    assert citation_token("Method statement", SHA, 2, quote="w" * 300)  # exactly the limit
    with pytest.raises(ValidationError, match="64 hex"):
        citation_token("Method statement", SHA[:16], 2)
    with pytest.raises(ValidationError, match="page range"):
        citation_token("Method statement", SHA, 5, 4)
    with pytest.raises(ValidationError, match="page range"):
        citation_token("Method statement", SHA, 0)
    with pytest.raises(ValidationError, match="no title"):
        citation_token(" [] ", SHA, 1)


def test_printing_a_rationale_and_its_references():
    long_quote = (
        "Every new starter completes the Care Certificate within twelve weeks and five senior carers mentor them"
    )
    text = (
        f"Recruitment is local {citation_token('Method statement', SHA, 2, quote='six posts for local people')}; "
        f"training is fast {citation_token('Method statement', SHA, 3, quote=long_quote)} and rotas are early "
        f"{citation_token('Method statement', SHA, 4, 5)}."
    )
    assert readable(text) == (
        "Recruitment is local (Method statement, p. 2); training is fast (Method statement, p. 3) and rotas are "
        "early (Method statement, pp. 4\u20135)."
    )
    lines = [reference_line(c) for c in citations(text)]
    assert lines[0] == "Method statement, p. 2: \u2018six posts for local people\u2019"
    assert lines[1].startswith("Method statement, p. 3: \u2018Every new starter") and lines[1].endswith("\u2026\u2019")
    assert len(lines[1]) < len("Method statement, p. 3: ''") + 81
    assert lines[2] == "Method statement, pp. 4\u20135"
    assert readable("No citation [here] #1.") == "No citation [here] #1."


# --- the quoted words on the page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "quote",
    [
        "six posts for local people",
        "SIX POSTS  for local\npeople",
        "Every new starter completes the Care Certificate",  # hyphenated across the line end
        "five senior carers",  # a ligature on the page
        "create six posts \u2026 pay travel time",  # an ellipsis for words left out
    ],
)
def test_the_quoted_words_are_found_whatever_the_typography(quote):
    assert any(quote_on_page(quote, page) for page in PAGES), quote


def test_typographic_quotes_dashes_and_soft_hyphens_on_the_page():
    page = (
        "We pledge \u201cthe real\u00a0living wage\u201d \u2014 from day one \u2013 for all staff; "
        "recruit\u00adment is local"
    )
    assert quote_on_page('"the real living wage" - from day one - for all', page)
    assert quote_on_page("recruitment is local", page)
    assert quote_on_page("long-term contracts", "offers long-\nterm contracts")  # a hyphenated word kept
    assert quote_on_page("long-term", "long\u0002\nterm")  # PDFium's line-end hyphen mark
    assert not quote_on_page("six posts for local staff", PAGES[1])
    assert not quote_on_page("pay travel time \u2026 create six posts", PAGES[1])  # the ellipsis keeps the order


def test_what_does_not_check():
    good = (
        f"{citation_token('Method statement', SHA, 2, quote='six posts for local people')} and "
        f"{citation_token('Method statement', SHA, 4, 5, quote='a named coordinator for each run')}"
    )
    assert citation_problems(good, lookup) == []  # the second runs on from p. 4 to p. 5
    wrong_page = citation_token("Method statement", SHA, 3, quote="six posts for local people")
    assert citation_problems(wrong_page, lookup) == [
        "the quoted words \u201csix posts for local people\u201d are not on p. 3 of \u00abMethod statement\u00bb"
    ]
    wrong_range = citation_token("Method statement", SHA, 4, 5, quote="six posts for local people")
    assert citation_problems(wrong_range, lookup) == [
        "the quoted words \u201csix posts for local people\u201d are on none of pages 4\u20135 "
        "of \u00abMethod statement\u00bb"
    ]
    assert citation_problems(citation_token("Method statement", SHA, 9), lookup) == [
        "cites \u00abMethod statement\u00bb p. 9 but the document has 5 pages"
    ]
    assert citation_problems(citation_token("Pricing", OTHER, 1), lookup) == [
        f"cites a document not among this tender's documents (#{OTHER[:16]}, \u00abPricing\u00bb)"
    ]
    other = DocumentTexts("Site photos", OTHER, (), pages=0)  # not a PDF
    assert citation_problems(citation_token("Site photos", OTHER, 1), lambda p: other) == [
        "cites \u00abSite photos\u00bb p. 1 but the document has no pages to cite (it is not a PDF)"
    ]
    unread = DocumentTexts("Method statement", SHA, (), pages=5)  # page texts not read: pages only
    assert citation_problems(wrong_page, lambda p: unread) == []
    assert citation_problems(citation_token("Method statement", SHA, 6), lambda p: unread) != []


# --- the rationale check -----------------------------------------------------------------------------------

Q1 = question_words(
    "Q1",
    "Workforce",
    "Describe how you will recruit, retain and develop a suitably skilled workforce.",
    "A strong answer names local posts, training and travel time.",
    scale_max=5,
    codes=["Q1", "Q2"],
)
BIDS = BidNames(["Weaver Valley Care Ltd", "Northgate Homecare Ltd"])


def codes(text: str, score: float = 3, with_lookup: bool = True) -> list[str]:
    found = check(text, score, Q1, bidder="Weaver Valley Care Ltd", bids=BIDS, lookup=lookup if with_lookup else None)
    return [f.code for f in found]


def test_a_citation_is_a_reference_to_the_tender():
    plain = "Local recruitment is firm with paid travel time and a mentoring scheme for starters."
    assert NO_REFERENCE in codes(plain) and not cites_the_tender(plain)
    cited = (
        f"Local recruitment is firm {citation_token('Method statement', SHA, 2)} with paid travel time, "
        "mentoring for starters and rural runs planned."
    )
    assert cites_the_tender(cited)
    assert codes(cited) == []
    assert BAD_CITATION in CODES


def test_a_citation_that_does_not_check_is_flagged():
    text = (
        "Local recruitment is firm, with paid travel time and mentoring "
        + citation_token("Method statement", SHA, 3, quote="six posts for local people")
        + "."
    )
    found = check(text, 3, Q1, bidder="Weaver Valley Care Ltd", bids=BIDS, lookup=lookup)
    assert [f.code for f in found] == [BAD_CITATION]
    assert found[0].label == "a citation does not check"
    assert "are not on p. 3 of \u00abMethod statement\u00bb" in found[0].reason
    assert codes(text, with_lookup=False) == []  # no documents given: not checked
    missing = "Firm local recruitment, mentoring and paid travel time " + citation_token("Pricing", OTHER, 2) + "."
    assert codes(missing) == [BAD_CITATION]


def test_a_token_s_title_and_hash_are_not_words_about_the_bid():
    # the title, pages and hash would be four "content words": the text is still template wording
    token = citation_token("Recruitment retention plan", SHA, 2)
    assert "boilerplate" in codes(f"Good response {token}.")
    # the quoted words are the bid's own, as if typed
    quoted = citation_token("Method statement", SHA, 2, quote="six posts for local people")
    assert codes(f"Agreed: {quoted}, with paid travel time.") == []


def test_checking_thousands_of_rationales_stays_fast():
    """What citations add to the check of a framework's 8,000 consensus rationales (1 in 100 citing):
    a small part of the second the whole check may take; a text with no "#" and "[" pays nothing."""
    token = citation_token("Method statement", SHA, 2, quote="six posts for local people")
    texts = [f"Section 1.{i % 9} gives turnover of {i % 30}% and paid travel time for rural runs." for i in range(8000)]
    texts[::100] = [f"Local recruitment is firm {token} with paid travel time."] * len(texts[::100])
    started = time.perf_counter()
    problems = [citation_problems(t, lookup) for t in texts]
    cited = [cites_the_tender(t) for t in texts]
    elapsed = time.perf_counter() - started
    assert elapsed < 0.25, elapsed
    assert not any(problems) and all(cited)
    flagged = [t for t in texts[:200] if check(t, 3, Q1, bidder="Weaver Valley Care Ltd", bids=BIDS, lookup=lookup)]
    assert flagged == []
