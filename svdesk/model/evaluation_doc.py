"""The portable evaluation file (`svdesk-evaluation/1` and `/2`) as a document: read, validate, parse.

Reading checks the whole document and reports every problem with its path, writing nothing; a
document with no problems is an `EvaluationDoc`, which `svdesk.model.evaluation_write` puts into
the database. `svdesk.model.evaluation_file` is the one import for callers.

Version 2 adds the members' details, their keys (public values only), the signatures in force,
the source database's chain (`record`) and the scores entered by proxy (`proxy_entries`, part of
the signed content). Each signature is checked here against the file
itself: its key is one of the file's keys of that member (whose fingerprint is the SHA-256 of its
public key), enrolled no later than the signature, and the seal verifies over
`identity.seal_message`. That the file's content is what was signed (the fingerprint) can only be
told once it is written: `evaluation_write` checks it in the same transaction.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from svdesk.model import identity as crypto
from svdesk.model.entities import QuantitativeMethod, Role, Section
from svdesk.model.errors import Problem, ValidationError
from svdesk.model.evaluation_dump import FORMAT_V1, FORMAT_V2, FORMATS
from svdesk.model.names import normal_name, quoted
from svdesk.model.scoring import Weights, score_problem, weights_problem
from svdesk.model.services.catalogue import CatalogueMeasure, measures_by_ref
from svdesk.model.services.proxy_entries import MAX_SOURCE
from svdesk.model.units import quantity_problem
from svdesk.model.validation import Checker

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_NESTING = 20  # the format is 5 levels deep; anything deeper is hostile or a mistake

TENDER_KEYS = (
    "reference",
    "title",
    "contract_value",
    "weights",
    "social_value_quantitative_share",
    "quantitative_method",
    "scale",
)
TENDER_OPTIONAL = ("hide_prices_from_quality",)
SCALE_KEYS = ("max", "step", "descriptors")
ROOT_KEYS = ("format", "tender", "measures", "questions", "bidders", "panel", "scores", "moderated", "adjustments")
ROOT_OPTIONAL = ("declarations", "pledge_reviews")
ROOT_OPTIONAL_V2 = (*ROOT_OPTIONAL, "keys", "signatures", "record", "proxy_entries")
MEMBER_DETAIL_KEYS = ("email", "withdrawn", "withdrawal_reason", "withdrawn_at")  # version 2
KEY_KEYS = ("member", "public_key", "key_fingerprint", "enrolled_at")
KEY_OPTIONAL = ("reason", "retired")
SIGNATURE_KEYS = ("member", "role", "signed_at", "fingerprint", "audit_head", "key_fingerprint", "seal")
RECORD_KEYS = ("tender_uid", "audit_head", "entries")
PROXY_KEYS = ("member", "bidder", "question", "entered_by", "source", "entered_at")
PROXY_OPTIONAL = ("confirmed_at",)  # "" (left out) until the member confirms
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX128 = re.compile(r"[0-9a-f]{128}")


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


@dataclass(frozen=True)
class MemberDetailDoc:
    email: str
    withdrawn: bool
    withdrawal_reason: str
    withdrawn_at: str


@dataclass(frozen=True)
class KeyDoc:
    """A member's key as the file gives it: its public values only."""

    member: str
    public_key: str
    key_fingerprint: str
    enrolled_at: str
    reason: str
    retired: bool


@dataclass(frozen=True)
class SignatureDoc:
    """A signature in force, its key and seal already checked against the file's keys."""

    where: str  # "signatures[2] (Gwen Roberts)": how a problem with it is named
    member: str
    role: str
    signed_at: str
    fingerprint: str
    audit_head: str  # an entry of the source database's chain
    key_fingerprint: str
    seal: str


@dataclass(frozen=True)
class ProxyEntryDoc:
    """A score entered by proxy, as the file gives it: exactly the fields the fingerprint covers."""

    member: str
    bidder: str
    question: str
    entered_by: str
    source: str
    entered_at: str
    confirmed_at: str  # "" until the member confirms


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

    @property
    def version(self) -> int:
        return 2 if self.format == FORMAT_V2 else 1


# --- reading ---------------------------------------------------------------------------------------


def _nesting_depth_exceeds(text: str, limit: int) -> bool:
    """Cheap pre-scan so a hostile [[[[...]]]] never reaches the recursive parser."""
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


class DuplicateKeys:
    """`json.loads`' object_pairs_hook that notes each object giving a key twice (json itself keeps
    the last value, silently); `check` then names each such object by its path and refuses the file."""

    def __init__(self) -> None:
        self.found: list[tuple[dict[str, Any], list[str]]] = []  # the objects are kept: their ids stay unique

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            twice: dict[str, None] = {}
            for key, _ in pairs:
                if key in seen:
                    twice[key] = None
                seen.add(key)
            self.found.append((obj, list(twice)))
        return obj

    def check(self, data: Any, source: str | None) -> None:
        if not self.found:
            return
        paths = dict(_object_paths(data))
        problems = [
            Problem(
                paths.get(id(obj), "(an object itself overwritten by a duplicate key)"),
                f"the key {quoted(key)} is given twice: JSON would keep only the last; give it once",
            )
            for obj, keys in self.found
            for key in keys
        ]
        raise ValidationError(problems, source)


def _object_paths(data: Any) -> Iterator[tuple[int, str]]:
    """(id, path) of every object in the document, paths as `Checker` writes them."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            yield id(node), path or "(document)"
            stack.extend((v, f"{path}.{k}" if path else str(k)) for k, v in node.items() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(node) if isinstance(v, dict | list))


def read_json_file(path: Path) -> Any:
    from svdesk.model.input_files import InputKind, check_input_file

    where = str(path)
    # a regular file of at most MAX_FILE_BYTES, or refused before a byte is read (a FIFO, /dev/zero)
    check_input_file(path, InputKind("an evaluation file", MAX_FILE_BYTES))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"not UTF-8 text (byte {exc.start})", source=where) from exc
    if _nesting_depth_exceeds(text, MAX_NESTING):
        raise ValidationError(f"nested more than {MAX_NESTING} levels deep; not an evaluation file", source=where)

    def no_constants(name: str) -> None:
        raise ValueError(f"{name} is not allowed in an evaluation file")

    duplicates = DuplicateKeys()
    try:
        data = json.loads(text, parse_constant=no_constants, object_pairs_hook=duplicates)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"line {exc.lineno}, column {exc.colno}: malformed JSON ({exc.msg})", source=where
        ) from exc
    except ValueError as exc:
        raise ValidationError(str(exc), source=where) from exc
    duplicates.check(data, where)
    return data


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
    s = c.obj(t.get("scale"), "tender.scale", SCALE_KEYS) or {}
    scale_max = c.number(s.get("max"), "tender.scale.max", positive=True, maximum=1000) or 5.0
    step = c.number(s.get("step"), "tender.scale.step", positive=True) or 1.0
    if abs(scale_max / step - round(scale_max / step)) > 1e-9:
        c.add("tender.scale", f"max {scale_max:g} is not a whole number of steps of {step:g}")
    elif scale_max / step > 1000:
        c.add("tender.scale", "more than 1,000 points on the scale")
    descriptors: dict[float, str] = {}
    raw_desc = s.get("descriptors", {})
    if not isinstance(raw_desc, dict):
        c.add("tender.scale.descriptors", "expected an object of score: label")
        raw_desc = {}
    given: dict[float, str] = {}  # score -> the key that named it: "3" and "3.0" are one score
    for key, label in raw_desc.items():
        path = f"tender.scale.descriptors.{key if len(key) <= 40 else quoted(key, 20)}"
        try:
            point = float(key) if len(key) <= 40 else math.nan  # a 400-digit key is no score
        except ValueError:
            point = math.nan
        if not math.isfinite(point):
            c.add(path, f"{quoted(key)} is not a score")
            continue
        if problem := score_problem(point, scale_max, step):
            c.add(path, problem)
            continue
        if point in given:
            c.add(path, f"{quoted(key)} and {quoted(given[point])} are the same score {point:g}: describe it once")
            continue
        given[point] = key
        if (text := c.text(label, path, max_len=2000)) is not None:
            descriptors[point] = text

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
        b = c.obj(raw, path, ("name", "price"), ("pledges",))
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
            if any(k in p for k in MEMBER_DETAIL_KEYS) and (detail := _member_detail(c, p, path)) is not None:
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

    seen_mod: set[tuple[str, str]] = set()
    for i, raw in enumerate(c.array(root.get("moderated"), "moderated")):
        path = f"moderated[{i}]"
        md = c.obj(raw, path, ("bidder", "question", "score", "rationale"))
        if md is None:
            continue
        bd = known(md.get("bidder"), f"{path}.bidder", bidder_names, "bidder")
        qn = known(md.get("question"), f"{path}.question", question_codes, "question")
        value = on_scale(md.get("score"), f"{path}.score")
        rationale = c.text(md.get("rationale"), f"{path}.rationale")
        if bd and qn and value is not None and rationale:
            if (bd, qn) in seen_mod:
                c.add(path, f"{qn} for {bd} is moderated twice")
            seen_mod.add((bd, qn))
            doc.moderated.append((bd, qn, value, rationale))

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
        doc.keys = _keys(c, root.get("keys", []), member_names)
        doc.signatures = _signatures(c, root.get("signatures", []), doc, member_names)
        if "record" in root:
            doc.record = _record(c, root.get("record"))
        doc.proxy_entries = _proxy_entries(
            c, root.get("proxy_entries", []), member_names, bidder_names, question_codes, named_scores
        )

    if c.problems:
        raise ValidationError(c.problems, source)
    return doc


# --- version 2: details, keys, signatures, the source's chain -----------------------------------------


def _listed_twice(name: str, first_listed: dict[str, str]) -> str:
    first = first_listed.get(name)
    where = f" (as {first}: names are compared as they read, in any Unicode form or spacing)" if first else ""
    return f"{quoted(name)} is listed twice{where}"


def _named_anyway(pool: set[str], name: str | None, raw: object) -> None:
    """A name refused (said once, where it is listed) is still named: what refers to it is not refused again."""
    if name is None and isinstance(raw, str) and 0 < len(raw) <= 1000:
        pool.add(normal_name(raw))


def _known(c: Checker, value: object, path: str, pool: Container[str], what: str) -> str | None:
    """A name that refers to one the file lists, as the list has it (compared in its normal form)."""
    if not isinstance(value, str):
        c.add(path, f"expected text, found {type(value).__name__}")
        return None
    if value in pool:  # as listed, the usual case: normalising 240,000 references costs a quarter second
        return value
    name = normal_name(value) if len(value) <= 1000 else value  # no listed name is that long
    if name not in pool:
        c.add(path, f"unknown {what} {quoted(value)}")
        return None
    return name


def _when(c: Checker, value: object, path: str, required: bool = True) -> str | None:
    """An ISO 8601 time as svdesk writes them (compared as text, as `verify` compares them)."""
    text = c.text(value, path, required=required, max_len=40)
    if not text:
        return text
    try:
        datetime.fromisoformat(text)
    except ValueError:
        c.add(path, f"{quoted(text)} is not a date and time (ISO 8601)")
        return None
    return text


def _hex(c: Checker, value: object, path: str, pattern: re.Pattern[str], what: str) -> str | None:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        c.add(path, f"expected {what} (lower-case hex), found {quoted(value)}")
        return None
    return value


def _member_detail(c: Checker, p: dict[str, object], path: str) -> MemberDetailDoc | None:
    email = c.text(p.get("email", ""), f"{path}.email", required=False, max_len=320)
    if email and (any(ch.isspace() for ch in email) or "@" not in email.strip("@")):
        c.add(f"{path}.email", f"{quoted(email)} is not an email address")
        email = None
    withdrawn = p.get("withdrawn", False)
    if not isinstance(withdrawn, bool):
        c.add(f"{path}.withdrawn", "expected true or false")
        return None
    reason = c.text(p.get("withdrawal_reason", ""), f"{path}.withdrawal_reason", required=withdrawn, max_len=2000)
    at = _when(c, p.get("withdrawn_at", ""), f"{path}.withdrawn_at", required=withdrawn)
    if email is None or reason is None or at is None:
        return None
    return MemberDetailDoc(email, withdrawn, reason, at)


def _keys(c: Checker, raw_keys: object, member_names: Container[str]) -> list[KeyDoc]:
    out: list[KeyDoc] = []
    fingerprints: set[str] = set()
    current: set[str] = set()  # members with a key in force (not retired)
    for i, raw in enumerate(c.array(raw_keys, "keys")):
        path = f"keys[{i}]"
        k = c.obj(raw, path, KEY_KEYS, KEY_OPTIONAL)  # a sealed private half, salt or KDF is an unknown key
        if k is None:
            continue
        member = _known(c, k.get("member"), f"{path}.member", member_names, "panel member")
        if member is None:
            continue
        public = _hex(c, k.get("public_key"), f"{path}.public_key", _HEX64, "a 32-byte Ed25519 public key")
        printed = _hex(c, k.get("key_fingerprint"), f"{path}.key_fingerprint", _HEX64, "a SHA-256 fingerprint")
        enrolled_at = _when(c, k.get("enrolled_at"), f"{path}.enrolled_at")
        reason = c.text(k.get("reason", ""), f"{path}.reason", required=False, max_len=2000)
        retired = k.get("retired", False)
        if not isinstance(retired, bool):
            c.add(f"{path}.retired", "expected true or false")
            continue
        if public is None or printed is None or enrolled_at is None or reason is None:
            continue
        if crypto.key_fingerprint(bytes.fromhex(public)) != printed:
            c.add(
                f"{path}.key_fingerprint",
                f"{member}'s key {crypto.shown_fingerprint(printed)} is not the SHA-256 of its public key",
            )
            continue
        if printed in fingerprints:
            c.add(path, f"the key {crypto.shown_fingerprint(printed)} is listed twice")
            continue
        if not retired and member in current:
            c.add(path, f"a second key in force for {member}: a member's earlier keys are retired")
            continue
        fingerprints.add(printed)
        if not retired:
            current.add(member)
        out.append(KeyDoc(member, public, printed, enrolled_at, reason, retired))
    return out


def _signatures(
    c: Checker, raw_signatures: object, doc: EvaluationDoc, member_names: Container[str]
) -> list[SignatureDoc]:
    """Each signature in force, checked against the file's own keys (the fingerprint is checked
    once the content is written: `evaluation_write`)."""
    roles = dict(doc.panel)
    out: list[SignatureDoc] = []
    signed: set[str] = set()
    for i, raw in enumerate(c.array(raw_signatures, "signatures")):
        s = c.obj(raw, f"signatures[{i}]", SIGNATURE_KEYS)
        if s is None:
            continue
        member = _known(c, s.get("member"), f"signatures[{i}].member", member_names, "panel member")
        if member is None:
            continue
        where = f"signatures[{i}] ({member})"
        role = s.get("role")
        signed_at = _when(c, s.get("signed_at"), f"{where}.signed_at")
        fingerprint = _hex(c, s.get("fingerprint"), f"{where}.fingerprint", _HEX64, "a content fingerprint")
        head = _hex(c, s.get("audit_head"), f"{where}.audit_head", _HEX64, "an audit head")
        seal, key_print = s.get("seal"), s.get("key_fingerprint")
        if signed_at is None or fingerprint is None or head is None:
            continue
        if member in signed:
            c.add(where, f"{member} signs twice")
            continue
        signed.add(member)
        if member in roles and role != roles[member]:
            c.add(f"{where}.role", f"{member} is on the panel as {roles[member]}, not {quoted(role)}")
            continue
        if roles.get(member) == Role.OFFICER.value:
            c.add(where, f"{member} is the procurement officer, who does not sign")
            continue
        if seal == "" and key_print == "":
            c.add(
                where,
                f"{member}'s signature is not sealed (made before svdesk sealed signatures): svdesk cannot check "
                "it outside the database it was made in; reopen the tender there and sign again before dumping it",
            )
            continue
        seal = _hex(c, seal, f"{where}.seal", _HEX128, "a 64-byte Ed25519 signature")
        key_print = _hex(c, key_print, f"{where}.key_fingerprint", _HEX64, "a key fingerprint")
        if seal is None or key_print is None:
            continue
        shown = crypto.shown_fingerprint(key_print)
        key = next((k for k in doc.keys if k.member == member and k.key_fingerprint == key_print), None)
        if key is None:
            c.add(where, f"its key {shown} is not one of {member}'s keys in the file's 'keys'")
            continue
        if key.enrolled_at > signed_at:
            c.add(
                where,
                f"sealed with the key {shown}, enrolled later ({key.enrolled_at}) than it was signed ({signed_at})",
            )
            continue
        message = crypto.seal_message(doc.reference, member, fingerprint, head, signed_at)
        if not crypto.seal_verifies(key.public_key, seal, message):
            c.add(
                where,
                f"its seal does not verify with the key {shown}: "
                "the signature, what it signed, or the seal was altered",
            )
            continue
        out.append(SignatureDoc(where, member, roles.get(member, ""), signed_at, fingerprint, head, key_print, seal))
    return out


def _record(c: Checker, raw: object) -> dict[str, Any] | None:
    r = c.obj(raw, "record", RECORD_KEYS)
    if r is None:
        return None
    uid = c.text(r.get("tender_uid"), "record.tender_uid", max_len=64)
    head = _hex(c, r.get("audit_head"), "record.audit_head", _HEX64, "an audit head")
    entries = c.number(r.get("entries"), "record.entries", minimum=0)
    if entries is not None and entries != int(entries):
        c.add("record.entries", f"{entries:g} is not a whole number")
        return None
    if uid is None or head is None or entries is None:
        return None
    return {"tender_uid": uid, "audit_head": head, "entries": int(entries)}


def _proxy_entries(
    c: Checker,
    raw_entries: object,
    member_names: Container[str],
    bidder_names: Container[str],
    question_codes: Container[str],
    scores: Container[tuple[str, str, str]],
) -> list[ProxyEntryDoc]:
    """The scores entered by proxy: each about a score the file has (its member's, for that bid and
    question), once. Taken as written: the fields are part of the signed content, so a load must
    write exactly what the source held (`record_shape.PROXY`)."""
    out: list[ProxyEntryDoc] = []
    seen: set[tuple[str, str, str]] = set()
    for i, raw in enumerate(c.array(raw_entries, "proxy_entries")):
        path = f"proxy_entries[{i}]"
        p = c.obj(raw, path, PROXY_KEYS, PROXY_OPTIONAL)
        if p is None:
            continue
        names = []
        for key, pool, what in (
            ("member", member_names, "panel member"),
            ("bidder", bidder_names, "bidder"),
            ("question", question_codes, "question"),
        ):
            if (value := _known(c, p.get(key), f"{path}.{key}", pool, what)) is not None:
                names.append(value)
        entered_by = c.text(p.get("entered_by"), f"{path}.entered_by", max_len=200)
        source = c.text(p.get("source"), f"{path}.source", max_len=MAX_SOURCE)
        entered_at = _when(c, p.get("entered_at"), f"{path}.entered_at")
        confirmed_at = _when(c, p.get("confirmed_at", ""), f"{path}.confirmed_at", required=False)
        if len(names) != 3 or not entered_by or not source or not entered_at or confirmed_at is None:
            continue
        member, bidder, question = names
        if (member, bidder, question) not in scores:
            c.add(path, f"the file has no score of {question} for {bidder} by {member} for it to be entered by proxy")
        elif (member, bidder, question) in seen:
            c.add(path, f"{member}'s score of {question} for {bidder} is entered by proxy twice")
        elif entered_by == member:
            c.add(f"{path}.entered_by", f"{member}'s own scores are theirs, not entered by proxy")
        else:
            seen.add((member, bidder, question))
            out.append(ProxyEntryDoc(member, bidder, question, entered_by, source, entered_at, confirmed_at))
    return out


def read_evaluation_file(session: Session, path: Path) -> EvaluationDoc:
    return parse_document(read_json_file(path), measures_by_ref(session), source=str(path))
