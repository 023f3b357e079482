"""Build tests/data/pre_shape_record.sqlite and its sidecar pre_shape_record.json.

Run once, with the code as it was BEFORE the record's shape was described declaratively
(svdesk/model/record_shape.py): the database and the values in the sidecar (fingerprints, audit
heads, the canonical state's digest) were written by the earlier `state.py` / `state_encoding.py`,
so tests/test_record_shape.py can show that a record written before the change still verifies
and prints the same fingerprint. Re-running it with later code proves nothing; keep the files.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.data.make_pre_shape_record

Three tenders, every audited kind of row and change among them:
- the demo (loaded from the evaluation file), edited, signed by all, reopened, signed again;
- PRE-APP, built in the app one audited edit at a time (details, weights, scale, measures and a
  proxy override, questions, bidders, pledges, panel, declarations, scores, pledge reviews,
  consensus scores, adjustments, removals, sign-off, reopen) with hostile strings in its text;
- PRE-FILE, loaded from an evaluation document whose names are hostile strings, one consensus score added.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
from pathlib import Path

from svdesk.model import audit, state, state_encoding
from svdesk.model.demo import load_demo
from svdesk.model.evaluation_file import parse_document, write_evaluation
from svdesk.model.scoring import Weights
from svdesk.model.services import open_svdesk_database
from svdesk.model.services import setup as su
from svdesk.model.services import workflow as wf
from svdesk.model.services.catalogue import measures_by_ref
from svdesk.model.services.pledge_reviews import review_pledge
from svdesk.model.services.tenders import adjust_pledge, get_tender, set_moderated, set_score
from svdesk.model.services.verify import verify_tender
from tests.factory import minimal_doc
from tests.hostile import HOSTILE_STRINGS

HERE = Path(__file__).parent
DB = HERE / "pre_shape_record.sqlite"
SIDECAR = HERE / "pre_shape_record.json"
DEMO = "CWAC-2026-0142"
H = HOSTILE_STRINGS


def build_demo(db) -> None:
    load_demo(db)
    with db.transaction() as s:
        t = get_tender(s, DEMO)
        set_moderated(s, t, "Alan Whitfield", "Dee Community Care CIC", "Q4", 3, "Section 6 names a TUPE lead only.")
        adjust_pledge(s, t, "Gwen Roberts", "Dee Community Care CIC", "NT1", 3, "Only 3 posts are evidenced.")
    members = ("Tom Ellis", "Gwen Roberts", "Sam Okafor", "Alan Whitfield")
    for member in members:
        with db.transaction() as s:
            wf.sign(s, get_tender(s, DEMO), member)
    with db.transaction() as s:
        wf.reopen(s, get_tender(s, DEMO), "Alan Whitfield", "A typo in a consensus rationale")
    with db.transaction() as s:
        t = get_tender(s, DEMO)
        set_moderated(s, t, "Alan Whitfield", "Dee Community Care CIC", "Q4", 3, "Section 6 names a TUPE lead only!")
    for member in members:
        with db.transaction() as s:
            wf.sign(s, get_tender(s, DEMO), member)


def build_in_app(db) -> None:
    ref = "PRE-APP"
    with db.transaction() as s:
        t = su.create_tender(s, "Priya", ref, "Home care " + H["combining marks"], 1_250_000)
        su.update_details(s, t, "Priya", title="Home care \u2028" + H["html entities"], hide_prices_from_quality=True)
        su.set_weights(s, t, "Priya", Weights(30, 55, 15), share=60, method="relative_ratio")
        # (points other than the preset's 0-5: replacing a descriptor at the same point fails today)
        su.set_scale(s, t, "Priya", 10, 2.5, {2.5: H["backslashes"], 7.5: "Good", 10: "Best 😀"})
        su.add_measure(s, t, "Priya", "NT1")
        su.add_measure(s, t, "Priya", "NT18", 0.75, "The council's own figure for 2026")
        su.add_measure(s, t, "Priya", "NT2", 12.0, "No catalogue proxy")
        su.override_proxy(s, t, "Priya", "NT1", 31000.5, "Uprated " + H["newlines"])
        su.remove_measure(s, t, "Priya", "NT2")
        su.save_question(s, t, "Priya", "Q1", section="quality", text="Method?", weight=60, title="Method")
        su.save_question(s, t, "Priya", "Q2", section="quality", text="Safety?", weight=40, minimum_score=5)
        su.save_question(s, t, "Priya", "Q1", section="quality", text=H["sql"], weight=60, guidance="Look for names")
        su.save_question(s, t, "Priya", "SV1", section="social_value", text="SV delivery", weight=100)
        su.save_question(s, t, "Priya", "Q9", section="quality", text="Dropped", weight=1)
        su.remove_question(s, t, "Priya", "Q9")
        su.add_bidder(s, t, "Priya", H["emoji"], 1_100_000)
        su.add_bidder(s, t, "Priya", 'Quote "Co" Ltd', 990_000.25)
        su.add_bidder(s, t, "Priya", "Gone Ltd", 5)
        su.update_bidder(s, t, "Priya", 'Quote "Co" Ltd', price=995_000)
        su.set_pledge(s, t, "Priya", H["emoji"], "NT1", 4)
        su.set_pledge(s, t, "Priya", H["emoji"], "NT18", 120_000)
        su.set_pledge(s, t, "Priya", 'Quote "Co" Ltd', "NT1", 2.5)
        su.set_pledge(s, t, "Priya", 'Quote "Co" Ltd', "NT18", 10)
        su.set_pledge(s, t, "Priya", 'Quote "Co" Ltd', "NT18", None)
        su.add_member(s, t, "Priya", "Tom", "evaluator")
        su.add_member(s, t, "Priya", H["right-to-left"], "evaluator")
        su.add_member(s, t, "Priya", "Leaver", "evaluator")
        su.add_member(s, t, "Priya", "Alan", "chair")
        wf.declare(s, t, "Leaver", H["emoji"], False)
        su.remove_member(s, t, "Priya", "Leaver")
    with db.transaction() as s:
        t = get_tender(s, ref)
        for member in ("Tom", H["right-to-left"], "Alan"):
            for bidder in (H["emoji"], 'Quote "Co" Ltd', "Gone Ltd"):
                conflict = member == H["right-to-left"] and bidder == "Gone Ltd"
                wf.declare(s, t, member, bidder, conflict, "Former employer" if conflict else "")
        wf.declare(s, t, "Tom", "Gone Ltd", False, "Checked twice")
        wf.open_scoring(s, t, "Priya")
    with db.transaction() as s:
        t = get_tender(s, ref)
        for i, (member, bidder, question) in enumerate(
            (m, b, q)
            for m in ("Tom", H["right-to-left"])
            for b in (H["emoji"], 'Quote "Co" Ltd', "Gone Ltd")
            for q in ("Q1", "Q2", "SV1")
            if not (m == H["right-to-left"] and b == "Gone Ltd")
        ):
            set_score(s, t, member, bidder, question, (i % 5) * 2.5, f"{H['zero width']} evidence {i}")
        set_score(s, t, "Tom", H["emoji"], "Q1", 7.5, H["long rationale"][:3000])
        review_pledge(s, t, "Tom", H["emoji"], "NT1", "reduce", 3, "Only 3 evidenced")
        review_pledge(s, t, "Tom", H["emoji"], "NT18", "accept")
        review_pledge(s, t, H["right-to-left"], H["emoji"], "NT1", "reject", reason="Not additional")
        review_pledge(s, t, "Tom", 'Quote "Co" Ltd', "NT1", "accept")
    with db.transaction() as s:
        t = get_tender(s, ref)
        wf.open_moderation(s, t, "Alan")
    with db.transaction() as s:
        t = get_tender(s, ref)
        for bidder in (H["emoji"], 'Quote "Co" Ltd', "Gone Ltd"):
            for j, question in enumerate(("Q1", "Q2", "SV1")):
                set_moderated(s, t, "Alan", bidder, question, 5 + 2.5 * (j % 2), f"Agreed: {bidder} {question}")
        adjust_pledge(s, t, "Alan", H["emoji"], "NT1", 3, "Panel agreed 3")
        adjust_pledge(s, t, "Alan", 'Quote "Co" Ltd', "NT1", 0, H["formula ="])
    for member in ("Tom", H["right-to-left"], "Alan"):
        with db.transaction() as s:
            wf.sign(s, get_tender(s, ref), member)
    with db.transaction() as s:
        wf.reopen(s, get_tender(s, ref), "Alan", "Award challenged; moderation to be reviewed")
    with db.transaction() as s:
        t = get_tender(s, ref)
        set_moderated(s, t, "Alan", "Gone Ltd", "Q2", 10, "Agreed on review: full marks")
        wf.sign(s, t, "Tom")


def build_from_file(db) -> None:
    doc = minimal_doc()
    doc["tender"]["reference"] = "PRE-FILE"
    doc["tender"]["title"] = H["reportlab CVE-2023-33733"]
    doc["bidders"][0]["name"] = H["formula +"]
    for row in doc["scores"] + doc["moderated"] + doc["adjustments"]:
        row["bidder"] = H["formula +"]
    doc["scores"][0]["rationale"] = H["formula CR"] + " " + H["formula tab"]
    doc["panel"][1]["name"] = H["reportlab img markup"]
    doc["scores"][1]["evaluator"] = H["reportlab img markup"]
    with db.transaction() as s:
        write_evaluation(s, parse_document(doc, measures_by_ref(s), source="a file"), "Importer")
    with db.transaction() as s:
        t = get_tender(s, "PRE-FILE")
        set_moderated(s, t, "Alan", "Zoë Łukasz Ó Súilleabháin Ltd", "Q2", 1, "Thin on safety")


def expectations(db) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    with db.reader() as s:
        for ref in (DEMO, "PRE-APP", "PRE-FILE"):
            t = get_tender(s, ref)
            report = verify_tender(s, t)
            assert report.ok, (ref, report.problems)
            record = state.read_record(s, t)
            snapshot = state.state_of(t, record)
            encoded = state_encoding.encode_state(t, record)
            text = audit.canonical_json(snapshot)
            assert text == "{" + ",".join(encoded.members) + "}"
            assert encoded.fingerprint == state.content_fingerprint(snapshot) == report.fingerprint
            out[ref] = {
                "fingerprint": report.fingerprint,
                "audit_head": report.audit_head,
                "audit_entries": report.entries,
                "status": t.status.value,
                "signed_fingerprints": sorted({sig["fingerprint"] for sig in report.signatures}),
                "state_keys": len(snapshot),
                "state_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            }
    return out


def main() -> None:
    for path in (DB, SIDECAR):
        path.unlink(missing_ok=True)
    db = open_svdesk_database(DB)
    try:
        build_demo(db)
        build_in_app(db)
        build_from_file(db)
        found = expectations(db)
    finally:
        db.dispose()
    conn = sqlite3.connect(DB)  # the catalogue is not the record: keep the file small
    conn.execute("VACUUM")
    conn.close()
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=HERE).stdout.strip()
    sidecar = {"made_with_commit": commit, "tenders": found}
    SIDECAR.write_text(json.dumps(sidecar, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(sidecar, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
