"""The portable evaluation file (`svdesk-evaluation/1` and `/2`) as a document: validate and parse.

Reading checks the whole document and reports every problem with its path, writing nothing; a
document with no problems is an `EvaluationDoc`, which `svdesk.model.evaluation_write` puts into
the database. `svdesk.model.evaluation_file` is the one import for callers. The parts:

  evaluation_json     the JSON read safely (size, nesting, NaN, a key given twice)
  evaluation_doc      the evaluation itself: tender, measures, questions, bidders, panel, scores, ...
  evaluation_parties  the authority, the suppliers' legal details, the procurement's details (issue 15)
  evaluation_documents  the bid documents' list and hashes, and which part answers which question (issue 18)
  evaluation_signed   version 2: member details, keys, signatures, the source's chain, proxy entries
  evaluation_fields   the field checks they share
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from svdesk.model.entities import QuantitativeMethod, Role, Section
from svdesk.model.errors import ValidationError
from svdesk.model.evaluation_documents import DocumentDoc, parse_documents
from svdesk.model.evaluation_dump import FORMAT_V1, FORMAT_V2, FORMATS
from svdesk.model.evaluation_fields import SCALE_KEYS, scale
from svdesk.model.evaluation_fields import known as _known
from svdesk.model.evaluation_fields import listed_twice as _listed_twice
from svdesk.model.evaluation_fields import named_anyway as _named_anyway
from svdesk.model.evaluation_json import MAX_FILE_BYTES, MAX_NESTING, DuplicateKeys, read_json_file
from svdesk.model.evaluation_meetings import MeetingDoc, meeting_ref, parse_meetings
from svdesk.model.evaluation_parties import (
    PROCUREMENT_KEYS,
    SUPPLIER_KEYS,
    AuthorityDoc,
    ProcurementDoc,
    SupplierDoc,
    parse_authority,
    parse_procurement,
    parse_supplier,
)
from svdesk.model.evaluation_signed import (
    MEMBER_DETAIL_KEYS,
    KeyDoc,
    MemberDetailDoc,
    ProxyEntryDoc,
    SignatureDoc,
    member_detail,
    parse_keys,
    parse_proxy_entries,
    parse_record,
    parse_signatures,
)
from svdesk.model.names import normal_name, quoted
from svdesk.model.scoring import Weights, score_problem, weights_problem
from svdesk.model.services.catalogue import CatalogueMeasure, measures_by_ref
from svdesk.model.units import quantity_problem
from svdesk.model.validation import Checker

__all__ = [  # the names callers imported from here before the split, still here
    "MAX_FILE_BYTES",
    "MAX_NESTING",
    "SCALE_KEYS",
    "TENDER_KEYS",
    "TENDER_OPTIONAL",
    "AuthorityDoc",
    "BidderDoc",
    "DuplicateKeys",
    "EvaluationDoc",
    "KeyDoc",
    "MeasureDoc",
    "MemberDetailDoc",
    "ProcurementDoc",
    "ProxyEntryDoc",
    "QuestionDoc",
    "SignatureDoc",
    "SupplierDoc",
    "parse_document",
    "read_evaluation_file",
    "read_json_file",
]

TENDER_KEYS = (
    "reference",
    "title",
    "contract_value",
    "weights",
    "social_value_quantitative_share",
    "quantitative_method",
    "scale",
)
TENDER_OPTIONAL = ("hide_prices_from_quality", *PROCUREMENT_KEYS)
ROOT_KEYS = ("format", "tender", "measures", "questions", "bidders", "panel", "scores", "moderated", "adjustments")
ROOT_OPTIONAL = ("authority", "declarations", "pledge_reviews", "meetings", "documents")
ROOT_OPTIONAL_V2 = (*ROOT_OPTIONAL, "keys", "signatures", "record", "proxy_entries")
BIDDER_OPTIONAL = ("pledges", *SUPPLIER_KEYS)


@dataclass
class MeasureDoc:
    ref: str
    proxy_value: float
    unit: str
    description: str
    theme: str = ""
    catalogue_id: int | None = None
    catalogue_proxy_value: float | None = None
    proxy_override_reason: str = ""


@dataclass
class QuestionDoc:
    code: str
    section: str
    text: str
    weight: float
    minimum_score: float | None
    guidance: str = ""
    title: str = ""


@dataclass
class BidderDoc:
    name: str
    price: float
    pledges: dict[str, float]


@dataclass
class EvaluationDoc:
    reference: str
    title: str
    contract_value: float
    weights: Weights
    share: float
    method: str
    scale_max: float
    scale_step: float
    descriptors: dict[float, str]
    hide_prices_from_quality: bool
    measures: list[MeasureDoc] = field(default_factory=list)
    questions: list[QuestionDoc] = field(default_factory=list)
    bidders: list[BidderDoc] = field(default_factory=list)
    panel: list[tuple[str, str]] = field(default_factory=list)
    scores: list[tuple[str, str, str, float, str]] = field(default_factory=list)
    moderated: list[tuple[str, str, float, str]] = field(default_factory=list)
    adjustments: list[tuple[str, str, float, str]] = field(default_factory=list)
    declarations: list[tuple[str, str, bool, str]] = field(default_factory=list)
    pledge_reviews: list[tuple[str, str, str, str, float | None, str]] = field(default_factory=list)
    format: str = FORMAT_V1
    details: dict[str, MemberDetailDoc] = field(default_factory=dict)  # member name -> details (version 2)
    keys: list[KeyDoc] = field(default_factory=list)
    signatures: list[SignatureDoc] = field(default_factory=list)
    record: dict[str, Any] | None = None  # the source database's chain: tender_uid, audit_head, entries
    proxy_entries: list[ProxyEntryDoc] = field(default_factory=list)  # version 2
    authority: AuthorityDoc | None = None  # the contracting authority, when the file names it
    procurement: ProcurementDoc | None = None  # None: the file gives none of the procurement's details
    suppliers: dict[str, SupplierDoc] = field(default_factory=dict)  # bidder name -> its legal details
    meetings: list[MeetingDoc] = field(default_factory=list)  # the moderation meetings (issue 16)
    minutes: dict[tuple[str, str], str] = field(default_factory=dict)  # (bidder, question) -> its meeting's id
    documents: list[DocumentDoc] = field(default_factory=list)  # the bid documents, by SHA-256 (issue 18)

    @property
    def version(self) -> int:
        return 2 if self.format == FORMAT_V2 else 1


def parse_document(data: object, catalogue: dict[str, CatalogueMeasure], source: str | None = None) -> EvaluationDoc:
    c = Checker()
    file_format = data.get("format") if isinstance(data, dict) else None
    v2 = file_format == FORMAT_V2
    if isinstance(data, dict) and file_format not in FORMATS:  # said alone: its keys are another format's
        c.add("format", f"expected {' or '.join(repr(f) for f in FORMATS)}, found {quoted(file_format)}")
        raise ValidationError(c.problems, source)
    root = c.obj(data, "(document)", ROOT_KEYS, ROOT_OPTIONAL_V2 if v2 else ROOT_OPTIONAL)
    if root is None:
        raise ValidationError(c.problems, source)

    t = c.obj(root.get("tender"), "tender", TENDER_KEYS, TENDER_OPTIONAL) or {}
    reference = c.name(t.get("reference"), "tender.reference", max_len=100) or ""
    title = c.text(t.get("title"), "tender.title", max_len=500) or ""
    contract_value = c.number(t.get("contract_value"), "tender.contract_value", minimum=0) or 0.0
    w = c.obj(t.get("weights"), "tender.weights", ("price", "quality", "social_value")) or {}
    wv = [c.number(w.get(k), f"tender.weights.{k}", minimum=0) for k in ("price", "quality", "social_value")]
    weights = Weights(*(v or 0.0 for v in wv))
    if all(v is not None for v in wv) and (problem := weights_problem(weights)):
        c.add("tender.weights", problem)
    share = c.number(
        t.get("social_value_quantitative_share"), "tender.social_value_quantitative_share", minimum=0, maximum=100
    )
    method = (
        c.choice(t.get("quantitative_method"), "tender.quantitative_method", [m.value for m in QuantitativeMethod])
        or QuantitativeMethod.RELATIVE_VALUE.value
    )
    hide = t.get("hide_prices_from_quality", False)
    if not isinstance(hide, bool):
        c.add("tender.hide_prices_from_quality", "expected true or false")
        hide = False
    scale_max, step, descriptors = scale(c, t.get("scale"))

    doc = EvaluationDoc(
        reference,
        title,
        contract_value,
        weights,
        share if share is not None else 50.0,
        method,
        scale_max,
        step,
        descriptors,
        hide,
        format=FORMAT_V2 if v2 else FORMAT_V1,
    )

    doc.procurement = parse_procurement(c, t)
    if "authority" in root:
        doc.authority = parse_authority(c, root["authority"])

    def on_scale(value: object, path: str) -> float | None:
        number = c.number(value, path)
        if number is None:
            return None
        if problem := score_problem(number, scale_max, step):
            c.add(path, problem)
            return None
        return number

    refs: dict[str, MeasureDoc] = {}
    measure_refs: set[str] = set()  # every ref named, valid or not, so references do not cascade
    for i, raw in enumerate(c.array(root.get("measures"), "measures")):
        path = f"measures[{i}]"
        m = c.obj(
            raw,
            path,
            ("ref", "proxy_value"),
            ("unit", "description", "theme", "catalogue_proxy_value", "proxy_override_reason"),
        )
        if m is None:
            continue
        ref = c.name(m.get("ref"), f"{path}.ref", max_len=40)
        _named_anyway(measure_refs, ref, m.get("ref"))
        proxy = c.number(m.get("proxy_value"), f"{path}.proxy_value", minimum=0)
        if ref is not None and ref in measure_refs:
            c.add(f"{path}.ref", f"{ref} is listed twice")
            continue
        if ref is not None:
            measure_refs.add(ref)
        if ref is None or proxy is None:
            continue
        listed = catalogue.get(ref.upper())
        unit = c.text(m["unit"], f"{path}.unit", required=False, max_len=200) if "unit" in m else None
        desc = c.text(m["description"], f"{path}.description", required=False) if "description" in m else None
        if listed is None and (unit is None or not desc):
            c.add(path, f"{ref} is not in the catalogue, so 'unit' and 'description' are required")
            continue
        raw_theme = m.get("theme")
        theme = raw_theme if isinstance(raw_theme, str) else (listed.theme if listed else "")
        cat_proxy = m.get("catalogue_proxy_value", listed.proxy_value if listed else None)
        if cat_proxy is not None:
            cat_proxy = c.number(cat_proxy, f"{path}.catalogue_proxy_value", minimum=0)
        refs[ref] = MeasureDoc(
            ref=ref,
            proxy_value=proxy,
            unit=unit if unit is not None else (listed.unit or "" if listed else ""),
            description=desc or (listed.text or listed.question or "" if listed else ""),
            theme=theme or "",
            catalogue_id=listed.id if listed else None,
            catalogue_proxy_value=cat_proxy,
            proxy_override_reason=c.text(
                m.get("proxy_override_reason", ""), f"{path}.proxy_override_reason", required=False
            )
            or "",
        )
    doc.measures = list(refs.values())

    codes: dict[str, QuestionDoc] = {}
    question_codes: set[str] = set()
    for i, raw in enumerate(c.array(root.get("questions"), "questions")):
        path = f"questions[{i}]"
        q = c.obj(raw, path, ("id", "section", "text", "weight"), ("minimum_score", "guidance", "title"))
        if q is None:
            continue
        code = c.name(q.get("id"), f"{path}.id", max_len=40)
        _named_anyway(question_codes, code, q.get("id"))
        section = c.choice(q.get("section"), f"{path}.section", [s.value for s in Section])
        text = c.text(q.get("text"), f"{path}.text")
        weight = c.number(q.get("weight"), f"{path}.weight", minimum=0)
        minimum = on_scale(q["minimum_score"], f"{path}.minimum_score") if q.get("minimum_score") is not None else None
        guidance = c.text(q.get("guidance", ""), f"{path}.guidance", required=False) or ""
        title = c.text(q.get("title", ""), f"{path}.title", required=False, max_len=300) or ""
        if code and code in question_codes:
            c.add(f"{path}.id", f"{code} is listed twice")
        elif code:
            question_codes.add(code)
            if section and text and weight is not None:
                codes[code] = QuestionDoc(code, section, text, weight, minimum, guidance, title)
    doc.questions = list(codes.values())

    bidders: dict[str, BidderDoc] = {}
    bidder_names: set[str] = set()
    first_bidder: dict[str, str] = {}  # name -> where it is first listed
    for i, raw in enumerate(c.array(root.get("bidders"), "bidders")):
        path = f"bidders[{i}]"
        b = c.obj(raw, path, ("name", "price"), BIDDER_OPTIONAL)
        if b is None:
            continue
        name = c.name(b.get("name"), f"{path}.name", max_len=300)
        _named_anyway(bidder_names, name, b.get("name"))
        price = c.number(b.get("price"), f"{path}.price", positive=True)
        pledges: dict[str, float] = {}
        raw_pledges = b.get("pledges", {})
        if not isinstance(raw_pledges, dict):
            c.add(f"{path}.pledges", "expected an object of ref: quantity")
            raw_pledges = {}
        pledged_refs: set[str] = set()
        for key, qty in raw_pledges.items():
            ref = normal_name(key) if len(key) <= 40 else key
            ppath = f"{path}.pledges.{ref if len(ref) <= 40 else quoted(ref, 20)}"
            if ref not in measure_refs:
                c.add(ppath, f"{quoted(key)} is not one of the tender's measures")
                continue
            if ref in pledged_refs:  # the same ref written two ways (NFC and NFD, or with extra spaces)
                c.add(ppath, f"{ref} is pledged twice")
                continue
            pledged_refs.add(ref)
            number = c.number(qty, ppath, minimum=0, maximum=1e12)
            if number is not None and (problem := quantity_problem(refs[ref].unit if ref in refs else None, number)):
                c.add(ppath, problem)
            elif number is not None:
                pledges[ref] = number
        if name and name in bidder_names:
            c.add(f"{path}.name", _listed_twice(name, first_bidder))
        elif name:
            bidder_names.add(name)
            first_bidder[name] = f"{path}.name"
            if price is not None:
                bidders[name] = BidderDoc(name, price, pledges)
            if (supplier := parse_supplier(c, b, path)) is not None:
                doc.suppliers[name] = supplier
    doc.bidders = list(bidders.values())

    members: dict[str, str] = {}
    member_names: set[str] = set()
    first_member: dict[str, str] = {}
    for i, raw in enumerate(c.array(root.get("panel"), "panel")):
        path = f"panel[{i}]"
        p = c.obj(raw, path, ("name", "role"), MEMBER_DETAIL_KEYS if v2 else ())
        if p is None:
            continue
        name = c.name(p.get("name"), f"{path}.name", max_len=200)
        _named_anyway(member_names, name, p.get("name"))
        role = c.choice(p.get("role"), f"{path}.role", [r.value for r in Role])
        if name and name in member_names:
            c.add(f"{path}.name", _listed_twice(name, first_member))
        elif name:
            member_names.add(name)
            first_member[name] = f"{path}.name"
            if role:
                members[name] = role
            if any(k in p for k in MEMBER_DETAIL_KEYS) and (detail := member_detail(c, p, path)) is not None:
                doc.details[name] = detail
    doc.panel = list(members.items())

    def known(value: object, path: str, pool: Container[str], what: str) -> str | None:
        return _known(c, value, path, pool, what)

    seen_scores: set[tuple[str, str, str]] = set()
    named_scores: set[tuple[str, str, str]] = set()  # every score whose names are known, valid or not
    for i, raw in enumerate(c.array(root.get("scores"), "scores")):
        path = f"scores[{i}]"
        sc = c.obj(raw, path, ("evaluator", "bidder", "question", "score", "rationale"))
        if sc is None:
            continue
        ev = known(sc.get("evaluator"), f"{path}.evaluator", member_names, "evaluator")
        bd = known(sc.get("bidder"), f"{path}.bidder", bidder_names, "bidder")
        qn = known(sc.get("question"), f"{path}.question", question_codes, "question")
        value = on_scale(sc.get("score"), f"{path}.score")
        rationale = c.text(sc.get("rationale"), f"{path}.rationale")
        if ev and bd and qn:
            named_scores.add((ev, bd, qn))
        if ev and bd and qn and value is not None and rationale:
            if (ev, bd, qn) in seen_scores:
                c.add(path, f"{ev} already scored {qn} for {bd}")
            seen_scores.add((ev, bd, qn))
            doc.scores.append((ev, bd, qn, value, rationale))

    if "meetings" in root:
        doc.meetings = parse_meetings(c, root["meetings"], member_names)
    if "documents" in root:
        doc.documents = parse_documents(c, root["documents"], bidder_names, question_codes)
    meeting_refs = {m.ref for m in doc.meetings}
    seen_mod: set[tuple[str, str]] = set()
    for i, raw in enumerate(c.array(root.get("moderated"), "moderated")):
        path = f"moderated[{i}]"
        md = c.obj(raw, path, ("bidder", "question", "score", "rationale"), ("meeting",))
        if md is None:
            continue
        in_meeting = meeting_ref(c, md["meeting"], f"{path}.meeting", meeting_refs) if "meeting" in md else None
        bd = known(md.get("bidder"), f"{path}.bidder", bidder_names, "bidder")
        qn = known(md.get("question"), f"{path}.question", question_codes, "question")
        value = on_scale(md.get("score"), f"{path}.score")
        rationale = c.text(md.get("rationale"), f"{path}.rationale")
        if bd and qn and value is not None and rationale:
            if (bd, qn) in seen_mod:
                c.add(path, f"{qn} for {bd} is moderated twice")
            seen_mod.add((bd, qn))
            doc.moderated.append((bd, qn, value, rationale))
            if in_meeting is not None:
                doc.minutes[(bd, qn)] = in_meeting

    seen_adj: set[tuple[str, str]] = set()
    for i, raw in enumerate(c.array(root.get("adjustments"), "adjustments")):
        path = f"adjustments[{i}]"
        ad = c.obj(raw, path, ("bidder", "ref", "accepted", "reason"))
        if ad is None:
            continue
        bd = known(ad.get("bidder"), f"{path}.bidder", bidder_names, "bidder")
        ref = known(ad.get("ref"), f"{path}.ref", measure_refs, "measure ref")
        accepted = c.number(ad.get("accepted"), f"{path}.accepted", minimum=0)
        reason = c.text(ad.get("reason"), f"{path}.reason")
        if bd and ref and accepted is not None and reason and bd in bidders:
            pledged = bidders[bd].pledges.get(ref)
            if pledged is None:
                c.add(path, f"{bd} made no pledge against {ref}")
            elif accepted > pledged + 1e-9:
                c.add(f"{path}.accepted", f"{accepted:g} is more than the {pledged:g} pledged")
            elif (bd, ref) in seen_adj:
                c.add(path, f"{ref} for {bd} is adjusted twice")
            else:
                seen_adj.add((bd, ref))
                doc.adjustments.append((bd, ref, accepted, reason))

    seen_decl: dict[tuple[str, str], bool] = {}
    for i, raw in enumerate(c.array(root.get("declarations", []), "declarations")):
        path = f"declarations[{i}]"
        de = c.obj(raw, path, ("member", "bidder", "conflict"), ("details",))
        if de is None:
            continue
        mb = known(de.get("member"), f"{path}.member", member_names, "panel member")
        bd = known(de.get("bidder"), f"{path}.bidder", bidder_names, "bidder")
        conflict = de.get("conflict")
        if not isinstance(conflict, bool):
            c.add(f"{path}.conflict", "expected true or false")
            continue
        details = c.text(de.get("details", ""), f"{path}.details", required=conflict)
        if mb and bd and details is not None:
            if (mb, bd) in seen_decl:
                c.add(path, f"{mb} declares about {bd} twice")
                continue
            seen_decl[(mb, bd)] = conflict
            doc.declarations.append((mb, bd, conflict, details))
    seen_reviews: set[tuple[str, str, str]] = set()
    for i, raw in enumerate(c.array(root.get("pledge_reviews", []), "pledge_reviews")):
        path = f"pledge_reviews[{i}]"
        rv = c.obj(raw, path, ("member", "bidder", "ref", "decision"), ("accepted", "reason"))
        if rv is None:
            continue
        mb = known(rv.get("member"), f"{path}.member", member_names, "panel member")
        bd = known(rv.get("bidder"), f"{path}.bidder", bidder_names, "bidder")
        ref = known(rv.get("ref"), f"{path}.ref", measure_refs, "measure ref")
        decision = c.choice(rv.get("decision"), f"{path}.decision", ("accept", "reduce", "reject"))
        accepted = c.number(rv["accepted"], f"{path}.accepted", minimum=0) if rv.get("accepted") is not None else None
        why = c.text(rv.get("reason", ""), f"{path}.reason", required=decision in ("reduce", "reject"))
        if mb and bd and ref and decision and why is not None:
            if bd in bidders and ref not in bidders[bd].pledges:
                c.add(path, f"{bd} made no pledge against {ref}")
            elif (mb, bd, ref) in seen_reviews:
                c.add(path, f"{mb} reviews {ref} for {bd} twice")
            elif decision == "reduce" and accepted is None:
                c.add(f"{path}.accepted", "a reduced pledge needs the accepted quantity")
            else:
                seen_reviews.add((mb, bd, ref))
                accepted = 0.0 if decision == "reject" else (None if decision == "accept" else accepted)
                doc.pledge_reviews.append((mb, bd, ref, decision, accepted, why))
    for i, (ev, bd, _qn, _value, _why) in enumerate(doc.scores):
        if seen_decl.get((ev, bd)):
            c.add(f"scores[{i}]", f"{ev} declared a conflict of interest with {bd} and cannot score that bid")

    if v2:
        doc.keys = parse_keys(c, root.get("keys", []), member_names)
        doc.signatures = parse_signatures(
            c, root.get("signatures", []), doc.reference, doc.panel, doc.keys, member_names
        )
        if "record" in root:
            doc.record = parse_record(c, root.get("record"))
        doc.proxy_entries = parse_proxy_entries(
            c, root.get("proxy_entries", []), member_names, bidder_names, question_codes, named_scores
        )

    if c.problems:
        raise ValidationError(c.problems, source)
    return doc


def read_evaluation_file(session: Session, path: Path) -> EvaluationDoc:
    return parse_document(read_json_file(path), measures_by_ref(session), source=str(path))
