"""The portable evaluation file (`svdesk-evaluation/2`, and `/1` read): validate, load, dump.

Loading checks the whole document first and reports every problem with its path; only a
document with no problems is written, in one transaction. A dump loads back to the same results.
Version 2 carries the members' details and public keys, the signatures in force with their seals,
the source database's chain and the scores entered by proxy; its signatures are verified as it
loads, or nothing is written.
A version-1 file loads as unsigned, and the record says so (`services/carried_signatures`).

The one import for callers; the work is done in these modules:

  evaluation_json     read the JSON safely
  evaluation_doc      the document: validate every field, parse (with the two below)
  evaluation_signed   version 2's member details, keys, signatures, chain and proxy entries
  evaluation_parties  the authority, the suppliers' legal details, the procurement's details
  evaluation_documents  the bid documents' list, hashes and parts (their bytes travel in the
                      documents archive beside the file: `app.documents.pack` / `unpack`)
  evaluation_write    write a parsed document into the database as a tender
  evaluation_dump     write a tender out as a document
"""

from __future__ import annotations

from svdesk.model.evaluation_doc import (
    MAX_FILE_BYTES,
    MAX_NESTING,
    SCALE_KEYS,
    TENDER_KEYS,
    TENDER_OPTIONAL,
    AuthorityDoc,
    BidderDoc,
    EvaluationDoc,
    KeyDoc,
    MeasureDoc,
    MemberDetailDoc,
    ProcurementDoc,
    ProxyEntryDoc,
    QuestionDoc,
    SignatureDoc,
    SupplierDoc,
    parse_document,
    read_evaluation_file,
    read_json_file,
)
from svdesk.model.evaluation_dump import FORMAT, FORMAT_V1, FORMAT_V2, FORMATS, dump_evaluation
from svdesk.model.evaluation_write import write_evaluation

__all__ = [
    "FORMAT",
    "FORMATS",
    "FORMAT_V1",
    "FORMAT_V2",
    "MAX_FILE_BYTES",
    "MAX_NESTING",
    "SCALE_KEYS",
    "TENDER_KEYS",
    "TENDER_OPTIONAL",
    "AuthorityDoc",
    "BidderDoc",
    "EvaluationDoc",
    "KeyDoc",
    "MeasureDoc",
    "MemberDetailDoc",
    "ProcurementDoc",
    "ProxyEntryDoc",
    "QuestionDoc",
    "SignatureDoc",
    "SupplierDoc",
    "dump_evaluation",
    "parse_document",
    "read_evaluation_file",
    "read_json_file",
    "write_evaluation",
]
