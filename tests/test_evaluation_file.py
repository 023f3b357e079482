"""The evaluation file: round trip, and every kind of bad input named by its path, writing nothing."""

import json

import pytest
from sqlalchemy import func, select

from svdesk.model.entities import Tender
from svdesk.model.errors import ValidationError
from svdesk.model.evaluation_file import dump_evaluation, read_evaluation_file, write_evaluation
from svdesk.model.services import open_svdesk_database
from svdesk.model.services.results import results_document
from svdesk.model.services.tenders import get_tender
from svdesk.resources import resource_path
from tests.factory import minimal_doc, write_doc


@pytest.fixture
def sdb(database_target):
    database = open_svdesk_database(database_target)
    yield database
    database.dispose()


def load(db, path, replace=False):
    with db.transaction() as s:
        doc = read_evaluation_file(s, path)
        return write_evaluation(s, doc, "tester", replace=replace).reference


def tender_count(db):
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(Tender))


def test_demo_round_trip_gives_same_results_and_same_file(sdb, tmp_path):
    ref = load(sdb, resource_path("demo", "demo_evaluation.json"))
    with sdb.reader() as s:
        first = dump_evaluation(s, get_tender(s, ref))
        results_before = results_document(s, get_tender(s, ref))
    dumped = write_doc(tmp_path / "dump.json", first)

    other = open_svdesk_database(tmp_path / "other.sqlite")
    try:
        load(other, dumped)
        with other.reader() as s:
            second = dump_evaluation(s, get_tender(s, ref))
            results_after = results_document(s, get_tender(s, ref))
    finally:
        other.dispose()
    assert results_after == results_before
    # the same file, but for `record`: the chain of the database it was dumped from
    assert second.pop("record")["tender_uid"] != first.pop("record")["tender_uid"]
    assert second == first
    assert results_before["final"] is True
    assert [b["name"] for b in results_before["bidders"]] == [
        "Weaver Valley Care Ltd",
        "Dee Community Care CIC",
        "Northgate Homecare Ltd",
        "Sandstone Support Services",
    ]


def test_dump_keeps_every_field_of_the_source(sdb, tmp_path):
    source = json.loads(resource_path("demo", "demo_evaluation.json").read_text(encoding="utf-8"))
    ref = load(sdb, resource_path("demo", "demo_evaluation.json"))
    with sdb.reader() as s:
        dumped = dump_evaluation(s, get_tender(s, ref))
    for key in ("scores", "moderated", "adjustments", "panel"):
        assert dumped[key] == source[key], key
    assert [q["id"] for q in dumped["questions"]] == [q["id"] for q in source["questions"]]
    assert dumped["questions"][0]["title"] == source["questions"][0]["title"]
    assert {m["ref"]: m["proxy_value"] for m in dumped["measures"]} == {
        m["ref"]: m["proxy_value"] for m in source["measures"]
    }


def test_catalogue_refs_may_omit_unit_and_description(sdb, tmp_path):
    load(sdb, write_doc(tmp_path / "t.json", minimal_doc()))
    with sdb.reader() as s:
        measures = {m.ref: m for m in get_tender(s, "T-001").measures}
    assert measures["NT1"].unit == "no. people FTE"
    assert measures["NT1"].description.startswith("No. of local direct employees")
    assert measures["NT1"].catalogue_proxy_value == 30782
    assert measures["LOC1"].unit == "hours" and measures["LOC1"].catalogue_measure_id is None


def test_unicode_names_survive(sdb, tmp_path):
    load(sdb, write_doc(tmp_path / "t.json", minimal_doc()))
    with sdb.reader() as s:
        names = [b.name for b in get_tender(s, "T-001").bidders]
    assert "Zoë Łukasz Ó Súilleabháin Ltd" in names


def test_existing_reference_needs_replace(sdb, tmp_path):
    path = write_doc(tmp_path / "t.json", minimal_doc())
    load(sdb, path)
    with pytest.raises(ValidationError, match="already exists; loading this file replaces it"):
        load(sdb, path)
    doc = minimal_doc()
    doc["tender"]["title"] = "Highways maintenance (re-issued)"
    load(sdb, write_doc(tmp_path / "t2.json", doc), replace=True)
    assert tender_count(sdb) == 1
    with sdb.reader() as s:
        assert get_tender(s, "T-001").title == "Highways maintenance (re-issued)"


def _mutate(fn):
    doc = minimal_doc()
    fn(doc)
    return doc


BAD = [
    ("score above scale", lambda d: d["scores"][1].update(score=7), "scores[1].score: 7 is above the scale maximum 5"),
    (
        "score between steps",
        lambda d: d["scores"][0].update(score=2.5),
        "scores[0].score: 2.5 is not on the scale (0 to 5 in steps of 1)",
    ),
    (
        "weights not 100",
        lambda d: d["tender"]["weights"].update(price=45),
        "tender.weights: weights must sum to 100; they sum to 105",
    ),
    (
        "unknown bidder",
        lambda d: d["scores"][0].update(bidder="Nobody Ltd"),
        "scores[0].bidder: unknown bidder 'Nobody Ltd'",
    ),
    (
        "unknown evaluator",
        lambda d: d["scores"][0].update(evaluator="Mallory"),
        "scores[0].evaluator: unknown evaluator 'Mallory'",
    ),
    (
        "unknown ref in pledges",
        lambda d: d["bidders"][0]["pledges"].update(NT999=1),
        "bidders[0].pledges.NT999: 'NT999' is not one of the tender's measures",
    ),
    (
        "unknown ref not in catalogue",
        lambda d: d["measures"].append({"ref": "XX9", "proxy_value": 1}),
        "measures[3]: XX9 is not in the catalogue, so 'unit' and 'description' are required",
    ),
    ("negative price", lambda d: d["bidders"][1].update(price=-5), "bidders[1].price: -5 must be more than 0"),
    ("unknown key", lambda d: d["tender"].update(colour="red"), "tender: unknown key 'colour'"),
    ("missing key", lambda d: d["questions"][0].pop("weight"), "questions[0]: missing required key 'weight'"),
    (
        "wrong type",
        lambda d: d["bidders"][0].update(price="cheap"),
        "bidders[0].price: expected a number, found text 'cheap'",
    ),
    (
        "bool is not a number",
        lambda d: d["scores"][0].update(score=True),
        "scores[0].score: expected a number, found true/false",
    ),
    (
        "empty rationale",
        lambda d: d["moderated"][0].update(rationale="   "),
        "moderated[0].rationale: must not be empty",
    ),
    (
        "adjustment above pledge",
        lambda d: d["adjustments"][0].update(accepted=9),
        "adjustments[0].accepted: 9 is more than the 3 pledged",
    ),
    (
        "adjustment without pledge",
        lambda d: d["adjustments"][0].update(ref="LOC1"),
        "adjustments[0]: Acme Roads made no pledge against LOC1",
    ),
    (
        "duplicate score",
        lambda d: d["scores"].append(dict(d["scores"][0])),
        "scores[2]: Tom already scored Q1 for Acme Roads",
    ),
    (
        "bad section",
        lambda d: d["questions"][0].update(section="price"),
        "questions[0].section: 'price' is not one of 'quality', 'social_value'",
    ),
    (
        "bad method",
        lambda d: d["tender"].update(quantitative_method="magic"),
        "tender.quantitative_method: 'magic' is not one of 'relative_value', 'relative_ratio'",
    ),
    (
        "share above 100",
        lambda d: d["tender"].update(social_value_quantitative_share=120),
        "tender.social_value_quantitative_share: 120 is above the maximum 100",
    ),
    (
        "minimum off scale",
        lambda d: d["questions"][0].update(minimum_score=9),
        "questions[0].minimum_score: 9 is above the scale maximum 5",
    ),
    (
        "wrong format",
        lambda d: d.update(format="something/2"),
        "format: expected 'svdesk-evaluation/1' or 'svdesk-evaluation/2', found 'something/2'",
    ),
    (
        "descriptor off scale",
        lambda d: d["tender"]["scale"]["descriptors"].update({"6": "Super"}),
        "tender.scale.descriptors.6: 6 is above the scale maximum 5",
    ),
]


@pytest.mark.parametrize("name,mutate,message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_names_the_place_and_writes_nothing(sdb, tmp_path, name, mutate, message):
    path = write_doc(tmp_path / "bad.json", _mutate(mutate))
    with pytest.raises(ValidationError) as info:
        load(sdb, path)
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert tender_count(sdb) == 0


def test_every_problem_is_reported_not_just_the_first(sdb, tmp_path):
    def two(d):
        d["scores"][0]["score"] = 9
        d["bidders"][0]["price"] = -1

    with pytest.raises(ValidationError) as info:
        load(sdb, write_doc(tmp_path / "bad.json", _mutate(two)))
    assert len(info.value.problems) == 2


@pytest.mark.parametrize(
    "content,message",
    [
        ('{"format": "svdesk-evaluation/1", ', "malformed JSON"),
        ("[" * 100_000 + "]" * 100_000, "nested more than"),
        ('{"format": NaN}', "NaN is not allowed"),
        ("", "malformed JSON"),
        ('"just a string"', "expected an object"),
    ],
)
def test_malformed_files_are_refused(sdb, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        load(sdb, path)
    assert tender_count(sdb) == 0


def test_non_utf8_file_is_refused(sdb, tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"title": "Zoë"}'.encode("latin-1"))
    with pytest.raises(ValidationError, match="not UTF-8"):
        load(sdb, path)
