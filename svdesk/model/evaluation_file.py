"""The portable evaluation file (`svdesk-evaluation/1`): validate, load into the database, dump.

Loading checks the whole document first and reports every problem with its path; only a
document with no problems is written, in one transaction. A dump loads back to the same results.

The one import for callers; the work is done in three modules:

  evaluation_doc     the document: read the JSON safely, validate every field, parse
  evaluation_write   write a parsed document into the database as a tender
  evaluation_dump    write a tender out as a document
"""

from __future__ import annotations

from svdesk.model.evaluation_doc import (
    MAX_FILE_BYTES,
    MAX_NESTING,
    SCALE_KEYS,
    TENDER_KEYS,
    TENDER_OPTIONAL,
    BidderDoc,
    EvaluationDoc,
    MeasureDoc,
    QuestionDoc,
    parse_document,
    read_evaluation_file,
    read_json_file,
)
from svdesk.model.evaluation_dump import FORMAT, dump_evaluation
from svdesk.model.evaluation_write import write_evaluation

__all__ = [
    "FORMAT",
    "MAX_FILE_BYTES",
    "MAX_NESTING",
    "SCALE_KEYS",
    "TENDER_KEYS",
    "TENDER_OPTIONAL",
    "BidderDoc",
    "EvaluationDoc",
    "MeasureDoc",
    "QuestionDoc",
    "dump_evaluation",
    "parse_document",
    "read_evaluation_file",
    "read_json_file",
    "write_evaluation",
]
