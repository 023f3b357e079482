"""Valid evaluation documents to start from; tests change one thing to make them bad."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from tests.sheets import seed003_rows


def minimal_doc() -> dict:
    return copy.deepcopy(
        {
            "format": "svdesk-evaluation/1",
            "tender": {
                "reference": "T-001",
                "title": "Highways maintenance",
                "contract_value": 750_000,
                "weights": {"price": 40, "quality": 50, "social_value": 10},
                "social_value_quantitative_share": 50,
                "quantitative_method": "relative_value",
                "scale": {"max": 5, "step": 1, "descriptors": {"0": "Unacceptable", "5": "Excellent"}},
            },
            "measures": [
                {"ref": "NT1", "proxy_value": 30782},
                {"ref": "NT18", "proxy_value": 0.963812},
                {"ref": "LOC1", "proxy_value": 12.5, "unit": "hours", "description": "Local mentoring hours"},
            ],
            "questions": [
                {"id": "Q1", "section": "quality", "text": "Method", "weight": 60, "minimum_score": 2},
                {"id": "Q2", "section": "quality", "text": "Safety", "weight": 40},
                {"id": "SV1", "section": "social_value", "text": "Delivery of SV", "weight": 100},
            ],
            "bidders": [
                {"name": "Acme Roads", "price": 700_000, "pledges": {"NT1": 3, "NT18": 100_000}},
                {"name": "Zoë Łukasz Ó Súilleabháin Ltd", "price": 650_000, "pledges": {"NT1": 5, "LOC1": 40}},
            ],
            "panel": [
                {"name": "Tom", "role": "evaluator"},
                {"name": "Gwen", "role": "evaluator"},
                {"name": "Alan", "role": "chair"},
            ],
            "scores": [
                {"evaluator": "Tom", "bidder": "Acme Roads", "question": "Q1", "score": 3, "rationale": "Sec 2 plan."},
                {"evaluator": "Gwen", "bidder": "Acme Roads", "question": "Q1", "score": 4, "rationale": "Named lead."},
            ],
            "moderated": [
                {"bidder": "Acme Roads", "question": "Q1", "score": 4, "rationale": "Agreed: named lead, plan."},
            ],
            "adjustments": [
                {"bidder": "Acme Roads", "ref": "NT1", "accepted": 2, "reason": "Only 2 posts evidenced."},
            ],
        }
    )


def seed003_tender_doc() -> dict:
    """A tender using every National TOMs ref of the seed-003 sheet, with the seed's proxies."""
    _header, rows = seed003_rows()
    measures = [{"ref": r[1], "proxy_value": float(r[4])} for r in rows if r[1].startswith("NT")]
    doc = minimal_doc()
    doc["tender"]["reference"] = "SEED-003"
    doc["measures"] = measures
    doc["bidders"] = [{"name": "Sandstone Support Services", "price": 1_985_000, "pledges": {}}]
    doc["scores"], doc["moderated"], doc["adjustments"] = [], [], []
    return doc


def write_doc(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def complete_award_details(db, reference, actor="Priya") -> None:
    """Give, through the use cases as an officer would, every detail regulation 31 and the award
    decision ask for that is still empty: the authority's name and identifier, each supplier's
    address, email and identifier, the procurement's details, and a title on each untitled question
    (a question can be retitled only before sign-off). What is already given is kept. `actor`: who
    records them (signed in, once anyone on the tender has enrolled)."""
    from svdesk.app import parties, questions

    profile = parties.authority(db)
    wanted = {"name": "Borough of Testford Council", "identifier": "GB-LAE-TFD"}
    wanted.update(address="Town Hall\nHigh Street\nTestford\nTF1 1AA", email="procurement@testford.example")
    if given := {k: v for k, v in wanted.items() if not getattr(profile, k)}:
        parties.set_authority(db, actor, **given)
    for n, supplier in enumerate(parties.suppliers(db, reference), start=1):
        slug = "".join(c for c in supplier.name.lower() if c.isascii() and c.isalnum())[:20] or f"bidder{n}"
        wanted = {"address": f"{n} Market Street\nTestford\nTF{n} 2BB", "email": f"tenders@{slug}.example"}
        wanted["identifier"] = f"GB-COH-{n:08d}"
        if given := {k: v for k, v in wanted.items() if not getattr(supplier, k)}:
            parties.set_supplier(db, actor, reference, supplier.name, **given)
    details = parties.procurement(db, reference)
    wanted = {
        "procedure": "Open procedure",
        "criteria_published_at": "https://www.find-tender.service.gov.uk/Notice/000123-2026 (volume 2)",
        "decision_maker": "Director of Adult Social Care",
        "delegated_authority": "Scheme of delegation, para 4.3",
    }
    if given := {k: v for k, v in wanted.items() if not getattr(details, k)}:
        parties.set_procurement(db, actor, reference, **given)
    for q in questions.questions_view(db, reference).questions:
        if not q.title.strip():
            title = q.text.strip().rstrip("?")[:60] or q.code
            questions.save_question(
                db, actor, reference, q.code, section=q.section, text=q.text, weight=q.weight, title=title,
                guidance=q.guidance, minimum_score=q.minimum_score,
            )  # fmt: skip
