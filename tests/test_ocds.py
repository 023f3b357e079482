"""The award notice as open data (`svdesk export --kind ocds`): the demo as an OCDS 1.1 release
package at each stage, checked against the vendored schemas, and the command's refusals."""

import json
from datetime import date, timedelta

import pytest
from jsonschema import Draft4Validator

from svdesk.app import award, open_data, parties, signoff
from svdesk.app.database import open_database
from svdesk.cli import main
from svdesk.export.ocds import day_time, identifier_scheme
from svdesk.export.ocds_schema import OcdsSchemaError, check, problems
from svdesk.model.demo import load_demo
from svdesk.resources import resource_path
from tests.keys import officer, signed_in

REF = "CWAC-2026-0142"  # the demo: in moderation, every cell agreed
PANEL = ("Tom Ellis", "Gwen Roberts", "Sam Okafor", "Alan Whitfield")
WINNER = "Weaver Valley Care Ltd"
IDENTIFIERS = {  # a Companies House number, a PPON, one of each form, and one svdesk cannot name
    "Weaver Valley Care Ltd": "01234567",
    "Dee Community Care CIC": "pbcp-5168-zdgp",
    "Northgate Homecare Ltd": "SC123456",
    "Sandstone Support Services": "Charity 1234567",
}


@pytest.fixture
def demo(tmp_path):
    db = open_database(tmp_path / "demo.sqlite")
    load_demo(db)
    yield db
    db.dispose()


def _core_release_validator() -> Draft4Validator:
    """The vendored core schema alone, straight from the file (not through svdesk's patching)."""
    schema = json.loads(resource_path("ocds", "release-schema.json").read_text(encoding="utf-8"))
    return Draft4Validator(schema)


def export(db, tmp_path, name="notice.json"):
    """The package through the use case that writes it, read back from the file."""
    out = open_data.write_ocds(db, REF, tmp_path / name)
    package = json.loads(out.read_text(encoding="utf-8"))
    assert problems(package) == []
    (release,) = package["releases"]
    assert list(_core_release_validator().iter_errors(release)) == []
    return package, release


def complete_details(db) -> None:
    """Everything reg 31 asks of the parties (and the award decision of the procurement)."""
    actor = officer(db, REF)
    parties.set_authority(
        db,
        actor,
        name="Cheshire West and Chester Council",
        address="The Portal, Wellington Road\nEllesmere Port\nCH65 0BA",
        email="procurement@cheshirewestandchester.gov.uk",
        identifier="PXYZ-1234-ABCD",
        contact="Priya Shah, Procurement",
    )
    bidders = [b for b in open_data.ocds_input(db, REF).bidders]
    for n, b in enumerate(bidders):
        parties.set_supplier(
            db,
            actor,
            REF,
            b.name,
            address=f"{n + 1} High Street\nChester\nCH1 1AA",
            email=f"bids{n + 1}@example.org",
            identifier=IDENTIFIERS[b.name],
            sme=n % 2 == 0,
            vcse=b.name.endswith("CIC"),
        )
    parties.set_procurement(
        db,
        actor,
        REF,
        procedure="Open procedure",
        criteria_published_at="https://example.org/itt/CWAC-2026-0142/criteria",
        decision_maker="Cabinet member for adult social care",
        delegated_authority="Scheme of delegation, part 4.2",
    )


def party(release, name):
    return next(p for p in release["parties"] if p.get("name") == name)


def test_the_demo_in_moderation_is_a_tender_release_with_its_criteria_and_weights(demo, tmp_path):
    package, release = export(demo, tmp_path)
    assert package["version"] == "1.1" and package["uri"] == (tmp_path / "notice.json").resolve().as_uri()
    assert (
        "https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/main/extension.json" in package["extensions"]
    )
    assert release["ocid"] == f"ocds-h6vhtk-{REF}" and release["tag"] == ["tender"] and "awards" not in release
    tender = release["tender"]
    assert tender["id"] == REF and tender["status"] == "active" and tender["awardCriteria"] == "ratedCriteria"
    assert tender["numberOfTenderers"] == 4 and [t["name"] for t in tender["tenderers"]][0] == WINNER
    assert "Price 40%, quality 50%, social value 10%" in tender["awardCriteriaDetails"]
    (lot,) = tender["lots"]
    criteria = lot["awardCriteria"]["criteria"]
    weights = {c["name"]: c["numbers"][0] for c in criteria}
    assert weights["Price"] == {"number": 40, "weight": "percentageExact"}
    assert weights["Quality: Q3 Continuity of care and call monitoring"]["number"] == 12.5
    assert weights["Social value: quantified commitments (proxy values)"]["number"] == 5
    assert sum(n["number"] for n in weights.values()) == pytest.approx(100)
    q1 = next(c for c in criteria if c["name"].startswith("Quality: Q1 "))
    assert {"number": 2, "threshold": "minimumScore"} in q1["numbers"]
    assert party(release, WINNER)["roles"] == ["tenderer"]


def test_nothing_is_made_up_where_the_record_holds_nothing(demo, tmp_path):
    actor = officer(demo, REF)
    parties.set_authority(demo, actor, name="", identifier="", address="", email="", contact="")
    parties.set_supplier(demo, actor, REF, WINNER, address="", email="", identifier="", sme=None, vcse=None)
    _package, release = export(demo, tmp_path)
    assert release["buyer"] == {"id": "buyer"} and release["parties"][0] == {"id": "buyer", "roles": ["buyer"]}
    assert party(release, WINNER) == {"id": "tenderer-1", "name": WINNER, "roles": ["tenderer"]}


def test_the_parties_carry_their_identifiers_scale_and_vcse(demo, tmp_path):
    complete_details(demo)
    _package, release = export(demo, tmp_path)
    buyer = party(release, "Cheshire West and Chester Council")
    assert buyer["id"] == "GB-PPON-PXYZ-1234-ABCD" and buyer["roles"] == ["buyer"]
    assert buyer["identifier"] == {"scheme": "GB-PPON", "id": "PXYZ-1234-ABCD"}
    assert buyer["address"] == {"streetAddress": "The Portal, Wellington Road, Ellesmere Port, CH65 0BA"}
    assert buyer["contactPoint"] == {
        "name": "Priya Shah, Procurement",
        "email": "procurement@cheshirewestandchester.gov.uk",
    }
    assert release["buyer"] == {"id": buyer["id"], "name": buyer["name"]}
    weaver = party(release, WINNER)
    assert weaver["identifier"] == {"scheme": "GB-COH", "id": "01234567"} and weaver["id"] == "GB-COH-01234567"
    assert weaver["details"] == {"scale": "sme", "vcse": False}
    dee = party(release, "Dee Community Care CIC")
    assert dee["identifier"] == {"scheme": "GB-PPON", "id": "PBCP-5168-ZDGP"} and dee["details"]["vcse"] is True
    assert party(release, "Northgate Homecare Ltd")["identifier"]["scheme"] == "GB-COH"
    other = party(release, "Sandstone Support Services")  # no scheme: the officer names it (stored upper case)
    assert other["identifier"] == {"id": "CHARITY 1234567"} and other["id"] == "tenderer-4"
    assert {"large", "sme"} == {p["details"]["scale"] for p in release["parties"] if "details" in p}
    (document,) = release["tender"]["documents"]
    assert document["documentType"] == "evaluationCriteria" and document["url"].endswith("/criteria")
    assert release["tender"]["procurementMethod"] == "open"


def test_the_award_stage_from_recommendation_to_contract(demo, tmp_path):
    complete_details(demo)
    for member in PANEL:
        signoff.advance(demo, member, REF, "sign", signer=signed_in(demo, REF, member))
    _p, release = export(demo, tmp_path, "signed.json")
    (pending,) = release["awards"]
    assert release["tag"] == ["award"] and pending["status"] == "pending" and "date" not in pending
    assert pending["suppliers"] == [{"id": "GB-COH-01234567", "name": WINNER}]
    assert party(release, WINNER)["roles"] == ["tenderer"]  # recommended, not yet awarded

    today = date.today()
    decided, sent, notice = today - timedelta(days=40), today - timedelta(days=30), today - timedelta(days=29)
    signoff.award(demo, officer(demo, REF), REF, decided_on=decided)
    _p, release = export(demo, tmp_path, "decided.json")
    (decision,) = release["awards"]
    assert decision["status"] == "pending" and decision["date"] == day_time(decided.isoformat())
    assert decision["value"] == {"amount": 2310000, "currency": "GBP"}  # the winning price
    assert party(release, WINNER)["roles"] == ["tenderer", "supplier"]
    assert party(release, "Dee Community Care CIC")["roles"] == ["tenderer"]
    assert release["tender"]["status"] == "complete" and "standstillPeriod" not in decision

    award.summaries_sent(demo, officer(demo, REF), REF, sent)
    award.notice_published(demo, officer(demo, REF), REF, notice)
    view = award.award_view(demo, REF)
    _p, release = export(demo, tmp_path, "standstill.json")
    (standing,) = release["awards"]
    assert standing["assessmentSummariesDateSent"] == day_time(sent.isoformat())
    assert standing["standstillPeriod"] == {
        "startDate": day_time(notice.isoformat(), end=False),
        "endDate": day_time(view.standstill_ends_on),
    }
    assert standing["status"] == "pending"  # the standstill is a cooling-off period: not yet in force

    award.contract_entered(demo, officer(demo, REF), REF, today - timedelta(days=2))
    _p, release = export(demo, tmp_path, "entered.json")
    assert release["awards"][0]["status"] == "active" and release["tag"] == ["award", "contract"]
    (contract,) = release["contracts"]
    assert contract["awardID"] == release["awards"][0]["id"] and contract["status"] == "active"


def test_the_same_state_exports_the_same_release_and_a_change_another(demo, tmp_path):
    first = open_data.write_ocds(demo, REF, tmp_path / "a.json").read_bytes()
    again = open_data.write_ocds(demo, REF, tmp_path / "a.json").read_bytes()
    assert first == again
    parties.set_supplier(demo, officer(demo, REF), REF, WINNER, sme=True)
    changed = json.loads(open_data.write_ocds(demo, REF, tmp_path / "a.json").read_bytes())["releases"][0]
    before = json.loads(first)["releases"][0]
    assert changed["id"] != before["id"] and changed["date"] > before["date"]


def test_a_package_that_breaks_its_schema_is_refused_as_a_bug(demo, tmp_path):
    package, _release = export(demo, tmp_path)
    package["releases"][0]["date"] = "2026-07-01"  # no time: not an RFC 3339 date-time
    package["releases"][0]["parties"][1]["details"] = {"scale": "tiny"}  # not in the scale codelist
    found = problems(package)
    assert "releases/0/date: '2026-07-01' is not a 'date-time'" in found
    assert any(p.startswith("releases/0/parties/1/details/scale:") for p in found)
    with pytest.raises(OcdsSchemaError, match="a bug in svdesk; nothing was written"):
        check(package)


def test_uk_days_and_identifier_schemes():
    assert day_time("2026-03-28") == "2026-03-28T23:59:59+00:00"  # GMT
    assert day_time("2026-03-29") == "2026-03-29T23:59:59+01:00"  # BST began at 01:00 GMT that day
    assert day_time("2026-03-29", end=False) == "2026-03-29T00:00:00+00:00"
    assert day_time("2026-10-25", end=False) == "2026-10-25T00:00:00+01:00"
    assert day_time("2026-10-25") == "2026-10-25T23:59:59+00:00"  # BST ended at 01:00 GMT that day
    assert identifier_scheme("01234567") == "GB-COH" and identifier_scheme("oc301234") == "GB-COH"
    assert identifier_scheme("PBCP-5168-ZDGP") == "GB-PPON"
    assert identifier_scheme("1234567") == "" and identifier_scheme("GB123456789") == ""


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_writes_the_file_and_refuses_bad_input(demo, tmp_path, capsys):
    out = tmp_path / "notice.json"
    code, said, err = run(
        capsys, "--db", str(demo.path), "export", "--kind", "ocds", "--tender", REF, "--out", str(out)
    )
    assert code == 0 and f"wrote {out}" in said, err
    assert problems(json.loads(out.read_text(encoding="utf-8"))) == []
    ocid = ["--ocid", "ocds-h6vhtk-04abcd"]
    code, _said, err = run(capsys, "--db", str(demo.path), "export", "--kind", "ocds", *ocid, "--out", str(out))
    assert code == 0 and json.loads(out.read_bytes())["releases"][0]["ocid"] == "ocds-h6vhtk-04abcd"

    def refused(*argv):
        code, _said, err = run(capsys, "--db", str(demo.path), "export", "--kind", "ocds", *argv)
        assert code == 2, err
        return err

    assert "no tender with reference 'NOPE'" in refused("--tender", "NOPE", "--out", str(tmp_path / "x.json"))
    assert "does not exist" in refused("--tender", REF, "--out", str(tmp_path / "missing" / "x.json"))
    assert "a folder; give the file to write" in refused("--tender", REF, "--out", str(tmp_path))
    assert "cannot write" in refused("--tender", REF, "--out", "/proc/notice.json")  # even root cannot
    assert "is not an Open Contracting ID" in refused("--ocid", "h6vhtk-1", "--out", str(tmp_path / "x.json"))
    assert not (tmp_path / "x.json").exists() and not list(tmp_path.glob(".*.part"))
