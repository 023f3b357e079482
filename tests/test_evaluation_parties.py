"""The parties in the evaluation file (issue 15): the authority, the suppliers' legal details and the
procurement's details load, dump back and load again the same; a bad value is named by its file
and JSON path and nothing is written; a file without them loads as before; the demo has them all."""

import json

import pytest
from sqlalchemy import func, select

from svdesk.model.entities import AuditEntry, AuthorityProfile, ProcurementDetail, SupplierDetail, Tender
from svdesk.model.errors import ValidationError
from svdesk.model.evaluation_file import dump_evaluation, read_evaluation_file, write_evaluation
from svdesk.model.evaluation_parties import SOURCED_AUTHORITY
from svdesk.model.services import open_svdesk_database, parties
from svdesk.model.services.tenders import get_tender
from svdesk.model.services.verify import verify_tender
from tests.factory import minimal_doc, write_doc

ACME, ZOE = "Acme Roads", "Zoë Łukasz Ó Súilleabháin Ltd"
AUTHORITY = {
    "name": "Cheshire West and Chester Council",
    "address": "The Portal\nWellington Road\nEllesmere Port\nCH65 0BA",
    "email": "procurement@council.example",
    "identifier": "E06000050 (ONS GSS code)",
    "contact": "Highways commissioning team",
}
PROCUREMENT = {
    "procedure": "Competitive flexible procedure",
    "criteria_published_at": "https://portal.example/T-001, volume 2",
    "decision_maker": "Director of Highways",
    "delegated_authority": "Scheme of delegation, para 4.3",
}
ACME_DETAILS = {
    "address": "1 Quarry Lane\nChester\nCH1 4CK",
    "email": "bids@acme.example",
    "identifier": "SC123456",
    "sme": True,
    "vcse": False,
}


@pytest.fixture
def sdb(database_target):
    database = open_svdesk_database(database_target)
    yield database
    database.dispose()


def load(db, path, replace=False, keep_authority=False):
    with db.transaction() as s:
        doc = read_evaluation_file(s, path)
        return write_evaluation(s, doc, "tester", replace=replace, keep_authority=keep_authority).reference


def full_doc() -> dict:
    doc = minimal_doc()
    doc = {"format": doc.pop("format"), "authority": dict(AUTHORITY), **doc}
    doc["tender"].update(PROCUREMENT)
    doc["bidders"][0].update(ACME_DETAILS)
    doc["bidders"][1].update(email="hello@zoe.example", vcse=None)  # said in part: the rest stays unsaid
    return doc


def dump(db, ref="T-001") -> dict:
    with db.reader() as s:
        return dump_evaluation(s, get_tender(s, ref))


def count(db, entity) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(entity))


def test_every_new_key_loads_dumps_and_loads_again_the_same(sdb, tmp_path):
    load(sdb, write_doc(tmp_path / "full.json", full_doc()))
    with sdb.reader() as s:
        tender = get_tender(s, "T-001")
        assert parties.authority(s).name == AUTHORITY["name"]
        assert parties.authority(s).address == AUTHORITY["address"]
        assert parties.procurement(s, tender) == parties.Procurement(**PROCUREMENT)
        assert parties.suppliers(s, tender) == [
            parties.Supplier(ACME, **ACME_DETAILS),
            parties.Supplier(ZOE, email="hello@zoe.example"),
        ]
        assert verify_tender(s, tender).ok  # the rows are in the load's snapshot, so the log replays to them
    first = dump(sdb)
    assert first["authority"] == AUTHORITY
    assert {k: first["tender"][k] for k in PROCUREMENT} == PROCUREMENT
    assert {k: first["bidders"][0][k] for k in ACME_DETAILS} == ACME_DETAILS
    assert first["bidders"][1] == {
        "name": ZOE,
        "price": 650_000,
        "pledges": {"NT1": 5, "LOC1": 40},
        "email": "hello@zoe.example",
    }

    other = open_svdesk_database(tmp_path / "other.sqlite")
    try:
        load(other, write_doc(tmp_path / "dump.json", first))
        second = dump(other)
    finally:
        other.dispose()
    assert second.pop("record")["tender_uid"] != first.pop("record")["tender_uid"]
    assert second == first


def test_a_file_without_the_parties_loads_and_dumps_as_before(sdb, tmp_path):
    load(sdb, write_doc(tmp_path / "old.json", minimal_doc()))
    assert (count(sdb, SupplierDetail), count(sdb, ProcurementDetail), count(sdb, AuthorityProfile)) == (0, 0, 0)
    dumped = dump(sdb)
    assert "authority" not in dumped
    assert set(dumped["tender"]) == {*minimal_doc()["tender"], "hide_prices_from_quality"}
    assert [set(b) for b in dumped["bidders"]] == [{"name", "price", "pledges"}] * 2


def test_identifiers_are_stored_as_the_service_stores_them(sdb, tmp_path):
    doc = full_doc()
    doc["bidders"][0]["identifier"] = " sc123456 "
    doc["bidders"][0]["address"] = "  1 Quarry Lane\r\n\r\n  Chester  \r\nCH1 4CK "
    load(sdb, write_doc(tmp_path / "t.json", doc))
    bidder = dump(sdb)["bidders"][0]
    assert (bidder["identifier"], bidder["address"]) == ("SC123456", ACME_DETAILS["address"])


def _bad(fn):
    doc = full_doc()
    fn(doc)
    return doc


BAD = [
    (
        "bad email",
        lambda d: d["bidders"][1].update(email="hello at zoe"),
        "bidders[1].email: 'hello at zoe' is not an email address",
    ),
    ("sme as yes", lambda d: d["bidders"][0].update(sme="yes"), "bidders[0].sme: expected true, false or null"),
    ("vcse as 1", lambda d: d["bidders"][0].update(vcse=1), "bidders[0].vcse: expected true, false or null"),
    (
        "unknown procedure",
        lambda d: d["tender"].update(procedure="Negotiated procedure"),
        "tender.procedure: 'Negotiated procedure' is not one of 'Open procedure', 'Competitive flexible procedure'",
    ),
    (
        "over-long address",
        lambda d: d["bidders"][0].update(address="x" * 1001),
        "bidders[0].address: is 1,001 characters long (limit 1,000)",
    ),
    (
        "authority email",
        lambda d: d["authority"].update(email="procurement@"),
        "authority.email: 'procurement@' is not an email address",
    ),
    ("authority unknown key", lambda d: d["authority"].update(phone="0300"), "authority: unknown key 'phone'"),
    ("authority not an object", lambda d: d.update(authority="CWAC"), "authority: expected an object"),
    (
        "decision maker on two lines",
        lambda d: d["tender"].update(decision_maker="Director\nof Highways"),
        "tender.decision_maker: one line only",
    ),
    (
        "identifier not text",
        lambda d: d["bidders"][0].update(identifier=12345678),
        "bidders[0].identifier: expected text, found the number 12345678",
    ),
    (
        "authority name too long",
        lambda d: d["authority"].update(name="C" * 301),
        "authority.name: is 301 characters long (limit 300)",
    ),
]


@pytest.mark.parametrize("name,mutate,message", BAD, ids=[b[0] for b in BAD])
def test_a_bad_value_names_the_file_and_path_and_writes_nothing(sdb, tmp_path, name, mutate, message):
    path = write_doc(tmp_path / "bad.json", _bad(mutate))
    with pytest.raises(ValidationError) as info:
        load(sdb, path)
    assert message in str(info.value)
    assert f"{path}: " in str(info.value)
    for entity in (Tender, SupplierDetail, ProcurementDetail, AuthorityProfile):
        assert count(sdb, entity) == 0, entity


def test_every_bad_party_value_is_reported_at_once(sdb, tmp_path):
    def three(d):
        d["bidders"][0]["sme"] = "yes"
        d["bidders"][1]["email"] = "nobody"
        d["tender"]["procedure"] = "Restricted procedure"

    with pytest.raises(ValidationError) as info:
        load(sdb, write_doc(tmp_path / "bad.json", _bad(three)))
    assert {p.location for p in info.value.problems} == {"bidders[0].sme", "bidders[1].email", "tender.procedure"}


# --- the database's own authority ---------------------------------------------------------------------


def set_profile(db, **fields):
    with db.transaction() as s:
        parties.set_authority(s, "Priya", **fields)


def profile(db) -> parties.Authority:
    with db.reader() as s:
        return parties.authority(s)


def test_another_authority_refuses_the_load_naming_both_and_writes_nothing(sdb, tmp_path):
    set_profile(sdb, name="Wirral Council", email="procurement@wirral.example")
    path = write_doc(tmp_path / "t.json", full_doc())
    with pytest.raises(ValidationError) as info:
        load(sdb, path)
    said = str(info.value)
    assert "authority.name: this database's authority has 'Wirral Council', the file 'Cheshire West" in said
    assert "authority.email: this database's authority has 'procurement@wirral.example'" in said
    assert "--replace" in said
    assert count(sdb, Tender) == 0
    assert (profile(sdb).name, profile(sdb).address) == ("Wirral Council", "")


def test_replacing_takes_the_files_authority_and_the_load_entry_says_what_changed(sdb, tmp_path):
    set_profile(sdb, name="Wirral Council", internal_marking="OFFICIAL")
    load(sdb, write_doc(tmp_path / "t.json", full_doc()), replace=True)
    held = profile(sdb)
    assert (held.name, held.address, held.internal_marking) == (AUTHORITY["name"], AUTHORITY["address"], "OFFICIAL")
    with sdb.reader() as s:
        after = json.loads(s.scalar(select(AuditEntry.after).where(AuditEntry.seq == 1)))
    assert after[SOURCED_AUTHORITY] == AUTHORITY
    assert list(after)[0] == "source" and list(after)[-1] == "state"


def test_the_same_authority_fills_the_empty_fields_and_keeps_its_own(sdb, tmp_path):
    set_profile(sdb, name=AUTHORITY["name"], email=AUTHORITY["email"].upper(), contact="")
    load(sdb, write_doc(tmp_path / "t.json", full_doc()))
    held = profile(sdb)
    assert (held.email, held.address, held.contact) == (
        AUTHORITY["email"].upper(),
        AUTHORITY["address"],
        "Highways commissioning team",
    )
    with sdb.reader() as s:
        after = json.loads(s.scalar(select(AuditEntry.after).where(AuditEntry.seq == 1)))
    assert set(after[SOURCED_AUTHORITY]) == {"address", "identifier", "contact"}


def test_a_load_that_changes_nothing_in_the_profile_says_nothing_of_it(sdb, tmp_path):
    set_profile(sdb, **AUTHORITY)
    load(sdb, write_doc(tmp_path / "t.json", full_doc()))
    with sdb.reader() as s:
        after = json.loads(s.scalar(select(AuditEntry.after).where(AuditEntry.seq == 1)))
    assert SOURCED_AUTHORITY not in after


def test_keep_authority_leaves_a_profile_that_is_set(sdb, tmp_path):
    set_profile(sdb, name="Wirral Council")
    load(sdb, write_doc(tmp_path / "t.json", full_doc()), keep_authority=True)
    assert (profile(sdb).name, profile(sdb).address) == ("Wirral Council", "")
    assert dump(sdb)["authority"] == {"name": "Wirral Council"}


# --- the demo -----------------------------------------------------------------------------------------


def test_the_demo_loads_with_every_party_detail(sdb):
    from svdesk.model.demo import load_demo

    ref = load_demo(sdb)
    with sdb.reader() as s:
        tender = get_tender(s, ref)
        held = parties.authority(s)
        assert held.name == "Cheshire West and Chester Council"
        assert held.address and held.email and held.identifier
        detail = parties.procurement(s, tender)
        assert detail.procedure in parties.PROCEDURES
        assert detail.criteria_published_at and detail.decision_maker and detail.delegated_authority
        suppliers = parties.suppliers(s, tender)
        assert len(suppliers) == 4
        for supplier in suppliers:
            assert supplier.address and supplier.email and supplier.identifier, supplier.name
            assert supplier.sme is not None and supplier.vcse is not None, supplier.name
        assert {s.name for s in suppliers if s.vcse} == {"Dee Community Care CIC"}  # a CIC is a VCSE
        assert all(q.title for q in tender.questions)
        assert verify_tender(s, tender).ok


def test_the_demo_never_changes_an_authority_that_is_set(sdb):
    from svdesk.model.demo import load_demo

    set_profile(sdb, name="Wirral Council")
    load_demo(sdb)
    assert (profile(sdb).name, profile(sdb).address) == ("Wirral Council", "")
