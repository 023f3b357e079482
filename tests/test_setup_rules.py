"""Set-up rules through the use-case layer the Setup screen calls."""

from svdesk.app import setup
from svdesk.app.database import open_database

OFFICER = "Priya Shah"


def test_descriptors_can_be_reworded_on_the_points_the_tender_already_has(database_target):
    db = open_database(database_target)
    try:
        setup.create_tender(db, OFFICER, "K-1", "Home care", 250_000)
        setup.set_scale(db, OFFICER, "K-1", 5, 1, {0: "Unacceptable", 3: "Good: meets every need", 5: "Excellent"})
        view = setup.setup_view(db, "K-1")
        assert view.descriptors == {0: "Unacceptable", 3: "Good: meets every need", 5: "Excellent"}
        setup.set_scale(db, OFFICER, "K-1", 5, 1, {0: "None", 5: "Outstanding"})
        assert setup.setup_view(db, "K-1").descriptors == {0: "None", 5: "Outstanding"}
    finally:
        db.dispose()
