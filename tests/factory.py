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
