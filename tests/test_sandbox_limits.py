"""The limited child process (svdesk.model.sandbox): its memory budget is on top of what the parent
already maps, so a fork of a large process (the desktop app, a long test run) can still load a
reader, and a file that asks for more than the budget is still stopped."""

import mmap

import pytest

from svdesk.model.errors import ValidationError
from svdesk.model.pdf_facts import inspect_pdf_limited
from svdesk.model.sandbox import run_limited
from tests.hostile_pdfs import realistic_method_statement


def _allocate(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)  # touched: resident, not only mapped
    return len(block)


def test_a_fork_of_a_process_with_a_large_address_space_still_reads_a_pdf(tmp_path):
    pdf = tmp_path / "Method statement.pdf"
    phrases = realistic_method_statement(pdf)
    reserved = mmap.mmap(-1, 1536 * 1024 * 1024)  # 1.5 GB mapped in the parent, as a big app maps
    try:
        facts = inspect_pdf_limited(pdf)
    finally:
        reserved.close()
    assert facts.pages == len(phrases) and phrases[2] in facts.texts[2]


def test_more_than_the_budget_is_stopped_with_a_clear_message():
    assert run_limited(_allocate, 50, source="small.xlsx", memory_mb=256) == 50 * 1024 * 1024
    with pytest.raises(ValidationError, match=r"big\.xlsx: .*more than 256 MB of memory"):
        run_limited(_allocate, 1024, source="big.xlsx", memory_mb=256)
