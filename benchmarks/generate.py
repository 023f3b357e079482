"""A large, realistic tender for benchmarks: a framework with hundreds of bidders.

Default size: 200 bidders x 60 measures x 40 questions x 10 evaluators
(80,000 individual scores, 8,000 consensus scores, 12,000 pledges), all from the catalogue's
vocabulary, deterministic for a given seed.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import openpyxl

from svdesk.resources import resource_path

PHRASES = (
    "Section {s}.{t} names a responsible lead and a monthly reporting cycle",
    "the method statement gives a week-by-week mobilisation plan with named staff",
    "appendix {a} evidences {n} local FTE posts with job descriptions",
    "the safeguarding policy (section {s}) sets out referral routes and annual refresher training",
    "case study {n} shows {p}% on-time visits over the last twelve months",
    "the supply chain plan names {n} local VCSE partners with letters of support",
    "the carbon plan commits to {p}% electric fleet by year two with interim milestones",
)


def _catalogue_measures() -> list[dict]:
    data = json.loads(resource_path("catalogue", "national_toms.json").read_text(encoding="utf-8"))
    return [m for t in data["themes"] for o in t["outcomes"] for m in o["measures"] if m.get("measure")]


def _rationale(rng: random.Random) -> str:
    parts = [
        rng.choice(PHRASES).format(
            s=rng.randint(1, 9),
            t=rng.randint(1, 9),
            a="ABCDEFG"[rng.randint(0, 6)],
            n=rng.randint(2, 40),
            p=rng.randint(60, 99),
        )
        for _ in range(2)
    ]
    return parts[0][0].upper() + parts[0][1:] + "; " + parts[1] + "."


def large_tender(
    bidders: int = 200, measures: int = 60, questions: int = 40, evaluators: int = 10, seed: int = 6
) -> dict:
    rng = random.Random(seed)
    catalogue = _catalogue_measures()[:measures]
    measure_docs = [
        {"ref": m["ref"], "proxy_value": m.get("proxy_value") or round(rng.uniform(1, 30_000), 2)} for m in catalogue
    ]
    n_quality = questions * 3 // 4
    question_docs = [
        {
            "id": f"Q{i + 1}" if i < n_quality else f"SV{i + 1 - n_quality}",
            "section": "quality" if i < n_quality else "social_value",
            "title": f"{'Quality' if i < n_quality else 'Social value'} criterion {i + 1}",
            "text": f"Describe how you will meet requirement {i + 1} of the specification, with evidence.",
            "guidance": "A strong answer names people, dates and evidence.",
            "weight": rng.choice((5, 10, 15, 20)),
            **({"minimum_score": 1} if i % 10 == 0 else {}),
        }
        for i in range(questions)
    ]
    names = [
        f"Bidder {i + 1:03d} {rng.choice(('Care', 'Services', 'Group', 'Partners', 'CIC'))} Ltd" for i in range(bidders)
    ]
    bidder_docs = [
        {
            "name": name,
            "price": round(rng.uniform(1.8e6, 2.6e6), 2),
            "pledges": {m["ref"]: float(rng.randint(1, 50)) for m in measure_docs},
        }
        for name in names
    ]
    # ten evaluators score; the chair moderates and signs, as on a council panel
    evaluator_docs = [{"name": f"Evaluator {i + 1:02d}", "role": "evaluator"} for i in range(evaluators)]
    panel = [*evaluator_docs, {"name": "Chair", "role": "chair"}]
    scores, moderated = [], []
    for b in names:
        for q in question_docs:
            marks = []
            for member in evaluator_docs:
                mark = rng.randint(1, 5)
                marks.append(mark)
                scores.append(
                    {
                        "evaluator": member["name"],
                        "bidder": b,
                        "question": q["id"],
                        "score": mark,
                        "rationale": _rationale(rng),
                    }
                )
            moderated.append(
                {
                    "bidder": b,
                    "question": q["id"],
                    "score": round(sum(marks) / len(marks)),
                    "rationale": "The panel agreed: " + _rationale(rng),
                }
            )
    adjustments = [
        {
            "bidder": b["name"],
            "ref": measure_docs[0]["ref"],
            "accepted": 1.0,
            "reason": "Only one post is evidenced in the recruitment plan.",
        }
        for b in bidder_docs[::10]
    ]
    declarations = [{"member": m["name"], "bidder": b, "conflict": False} for m in panel for b in names]
    return {
        "format": "svdesk-evaluation/1",
        "tender": {
            "reference": "BENCH-1",
            "title": "Care and support dynamic purchasing system",
            "contract_value": 48_000_000,
            "weights": {"price": 40, "quality": 50, "social_value": 10},
            "social_value_quantitative_share": 50,
            "quantitative_method": "relative_value",
            "scale": {
                "max": 5,
                "step": 1,
                "descriptors": {
                    "0": "Unacceptable",
                    "1": "Poor",
                    "2": "Limited",
                    "3": "Satisfactory",
                    "4": "Good",
                    "5": "Excellent",
                },
            },
        },
        "measures": measure_docs,
        "questions": question_docs,
        "bidders": bidder_docs,
        "panel": panel,
        "scores": scores,
        "moderated": moderated,
        "adjustments": adjustments,
        "declarations": declarations,
    }


def pledge_sheet(path: Path, rows: int = 10_000, seed: int = 7) -> Path:
    """A Social Value Portal style sheet with `rows` pledge lines (a large consortium bid)."""
    rng = random.Random(seed)
    catalogue = [m for m in _catalogue_measures() if m.get("proxy_value")]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("SV Pledge")
    ws.append(["Social Value Portal - pledge"])
    ws.append([])
    ws.append(["Theme", "Reference", "Question", "Units", "Proxy Value", "Answer", "Pledged Social Value"])
    for i in range(rows):
        m = catalogue[i % len(catalogue)]
        ref = m["ref"] if i < len(catalogue) else f"{m['ref']}-L{i}"
        answer = rng.randint(1, 40)
        ws.append(
            ["Jobs", ref, m["measure"], m["unit"], m["proxy_value"], answer, f"£ {answer * m['proxy_value']:,.2f}"]
        )
    ws.append(["Total SV Pledge", None, None, None, None, None, None])
    wb.save(path)
    return path
