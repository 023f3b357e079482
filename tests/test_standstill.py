"""The standstill period of s.51 of the Procurement Act 2023, each expected date worked out by hand.

Rules (see svdesk/model/standstill.py): eight working days beginning with the day the contract
award notice is published; "working day" (s.123(1)) excludes Saturdays, Sundays, Christmas Day,
Good Friday and a bank holiday in ANY part of the UK; the contract may be entered into from the
calendar day after the eighth working day.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from holidays.countries.united_kingdom import UnitedKingdom

from svdesk.model.standstill import (
    easter_sunday,
    is_working_day,
    non_working_reasons,
    standstill,
    standstill_end,
)


def _skipped(published: date) -> list[date]:
    return [s.day for s in standstill(published).skipped]


def test_across_a_weekend() -> None:
    # Published Wed 1 Oct 2025 (no bank holiday anywhere in October):
    # Wed 1 (1), Thu 2 (2), Fri 3 (3), [Sat 4, Sun 5], Mon 6 (4), Tue 7 (5), Wed 8 (6), Thu 9 (7), Fri 10 (8).
    period = standstill(date(2025, 10, 1))
    assert period.first_day == date(2025, 10, 1)  # "beginning with" the day of publication
    assert period.last_day == date(2025, 10, 10)
    assert period.earliest_entry == date(2025, 10, 11)  # a Saturday: s.51 does not bar it
    assert _skipped(date(2025, 10, 1)) == [date(2025, 10, 4), date(2025, 10, 5)]
    assert [s.reasons for s in period.skipped] == [("Saturday",), ("Sunday",)]
    assert len(period.working_days) == 8


def test_christmas_and_boxing_day_on_weekdays() -> None:
    # Published Thu 18 Dec 2025: Thu 18 (1), Fri 19 (2), [Sat 20, Sun 21], Mon 22 (3), Tue 23 (4),
    # Wed 24 (5) (Christmas Eve is a working day: s.123 excludes Christmas Day only),
    # [Thu 25 Christmas Day, Fri 26 Boxing Day, Sat 27, Sun 28], Mon 29 (6), Tue 30 (7), Wed 31 (8).
    period = standstill(date(2025, 12, 18))
    assert period.last_day == date(2025, 12, 31)
    # Thu 1 Jan 2026 is a bank holiday, but the period is over: the contract may be entered into.
    assert period.earliest_entry == date(2026, 1, 1)
    assert is_working_day(date(2025, 12, 24))
    reasons = {s.day: s.why for s in period.skipped}
    assert reasons[date(2025, 12, 25)] == "Christmas Day"
    assert "Boxing Day" in reasons[date(2025, 12, 26)]


def test_christmas_substitute_days_when_25_and_26_fall_on_a_weekend() -> None:
    # 2021: Sat 25 and Sun 26 Dec; substitute days Mon 27 (Christmas) and Tue 28 (Boxing Day), all UK.
    # 2022: Sat 1 Jan, Sun 2 Jan; substitutes Mon 3 Jan (New Year's Day, all UK) and Tue 4 Jan
    # (2 January, Scotland only - a non-working day everywhere).
    # Published Wed 22 Dec 2021: Wed 22 (1), Thu 23 (2), Fri 24 (3), [Sat 25, Sun 26, Mon 27, Tue 28],
    # Wed 29 (4), Thu 30 (5), Fri 31 (6), [Sat 1, Sun 2, Mon 3, Tue 4 Jan], Wed 5 (7), Thu 6 Jan 2022 (8).
    period = standstill(date(2021, 12, 22))
    assert period.last_day == date(2022, 1, 6)
    assert period.earliest_entry == date(2022, 1, 7)
    reasons = {s.day: s.why for s in period.skipped}
    assert reasons[date(2021, 12, 25)] == "Saturday; Christmas Day"
    assert "Christmas Day (observed) (bank holiday in every part of the UK)" in reasons[date(2021, 12, 27)]
    assert "Boxing Day (observed)" in reasons[date(2021, 12, 28)]
    assert "bank holiday in Scotland" in reasons[date(2022, 1, 4)]
    # The one for 2026: Fri 25 Dec, Sat 26 Dec, substitute Mon 28 Dec. Published Mon 21 Dec 2026:
    # Mon 21 (1), Tue 22 (2), Wed 23 (3), Thu 24 (4), [Fri 25, Sat 26, Sun 27, Mon 28], Tue 29 (5),
    # Wed 30 (6), Thu 31 (7), [Fri 1 Jan 2027, Sat 2, Sun 3, Mon 4 (2 January, Scotland, substitute)],
    # Tue 5 Jan 2027 (8).
    assert not is_working_day(date(2026, 12, 28))
    assert standstill_end(date(2026, 12, 21)) == date(2027, 1, 5)


def test_across_easter() -> None:
    # Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr (England, Wales, NI; not Scotland -
    # still a non-working day everywhere). Published Wed 1 Apr 2026: Wed 1 (1), Thu 2 (2),
    # [Fri 3, Sat 4, Sun 5, Mon 6], Tue 7 (3), Wed 8 (4), Thu 9 (5), Fri 10 (6), [Sat 11, Sun 12],
    # Mon 13 (7), Tue 14 (8).
    period = standstill(date(2026, 4, 1))
    assert period.last_day == date(2026, 4, 14)
    assert period.earliest_entry == date(2026, 4, 15)
    reasons = {s.day: s.why for s in period.skipped}
    assert reasons[date(2026, 4, 3)] == "Good Friday"
    assert reasons[date(2026, 4, 6)] == "Easter Monday (bank holiday in England and Wales and Northern Ireland)"


def test_scottish_2_january_counts_for_every_authority() -> None:
    # Fri 2 Jan 2026 is a bank holiday in Scotland only; s.123 makes it a non-working day everywhere.
    # Published Wed 24 Dec 2025: Wed 24 (1), [Thu 25, Fri 26, Sat 27, Sun 28], Mon 29 (2), Tue 30 (3),
    # Wed 31 (4), [Thu 1 Jan, Fri 2 Jan, Sat 3, Sun 4], Mon 5 (5), Tue 6 (6), Wed 7 (7), Thu 8 (8).
    # (Counting English bank holidays only would give Wed 7 Jan: one day short of s.51.)
    assert standstill_end(date(2025, 12, 24)) == date(2026, 1, 8)
    assert non_working_reasons(date(2026, 1, 2)) == ("New Year Holiday (bank holiday in Scotland)",)


def test_st_andrews_day_substitute() -> None:
    # Sun 30 Nov 2025 -> Mon 1 Dec 2025 is the St Andrew's Day bank holiday in Scotland (1971 Act
    # Sch.1, as amended by the St Andrew's Day Bank Holiday (Scotland) Act 2007).
    # Published Wed 26 Nov 2025: Wed 26 (1), Thu 27 (2), Fri 28 (3), [Sat 29, Sun 30, Mon 1 Dec],
    # Tue 2 (4), Wed 3 (5), Thu 4 (6), Fri 5 (7), [Sat 6, Sun 7], Mon 8 Dec (8).
    assert standstill_end(date(2025, 11, 26)) == date(2025, 12, 8)
    assert "bank holiday in Scotland" in non_working_reasons(date(2025, 12, 1))[0]


def test_scottish_first_monday_in_august() -> None:
    # Mon 3 Aug 2026: summer bank holiday in Scotland only (1971 Act Sch.1: first Monday in August).
    # Published Wed 29 Jul 2026: Wed 29 (1), Thu 30 (2), Fri 31 (3), [Sat 1, Sun 2, Mon 3 Aug],
    # Tue 4 (4), Wed 5 (5), Thu 6 (6), Fri 7 (7), [Sat 8, Sun 9], Mon 10 Aug (8).
    assert standstill_end(date(2026, 7, 29)) == date(2026, 8, 10)


def test_northern_irish_17_march() -> None:
    # Tue 17 Mar 2026: St Patrick's Day, bank holiday in Northern Ireland only.
    # Published Thu 12 Mar 2026: Thu 12 (1), Fri 13 (2), [Sat 14, Sun 15], Mon 16 (3), [Tue 17],
    # Wed 18 (4), Thu 19 (5), Fri 20 (6), [Sat 21, Sun 22], Mon 23 (7), Tue 24 (8).
    assert standstill_end(date(2026, 3, 12)) == date(2026, 3, 24)
    assert non_working_reasons(date(2026, 3, 17)) == ("Saint Patrick's Day (bank holiday in Northern Ireland)",)


def test_northern_irish_12_july_substitute() -> None:
    # Sat 12 Jul 2025 -> Mon 14 Jul 2025 is the Battle of the Boyne holiday in Northern Ireland.
    # Published Wed 9 Jul 2025: Wed 9 (1), Thu 10 (2), Fri 11 (3), [Sat 12, Sun 13, Mon 14],
    # Tue 15 (4), Wed 16 (5), Thu 17 (6), Fri 18 (7), [Sat 19, Sun 20], Mon 21 (8).
    assert standstill_end(date(2025, 7, 9)) == date(2025, 7, 21)
    assert _skipped(date(2025, 7, 9)) == [date(2025, 7, d) for d in (12, 13, 14, 19, 20)]


def test_notice_published_on_a_non_working_day() -> None:
    # Published Sat 4 Oct 2025: day 1 is Mon 6. Mon 6 (1) .. Fri 10 (5), [Sat 11, Sun 12],
    # Mon 13 (6), Tue 14 (7), Wed 15 (8) - the same end as a notice published on Mon 6 Oct.
    period = standstill(date(2025, 10, 4))
    assert period.first_day == date(2025, 10, 6)
    assert period.last_day == date(2025, 10, 15) == standstill_end(date(2025, 10, 6))
    assert period.skipped[0].day == date(2025, 10, 4)
    # Published on Mon 25 Aug 2025, a bank holiday (England, Wales, NI): day 1 is Tue 26.
    # Tue 26 (1), Wed 27 (2), Thu 28 (3), Fri 29 (4), [Sat 30, Sun 31], Mon 1 Sep (5), Tue 2 (6),
    # Wed 3 (7), Thu 4 Sep (8).
    assert standstill_end(date(2025, 8, 25)) == date(2025, 9, 4)
    # Published on Fri 2 Jan 2026, a Scottish-only bank holiday: day 1 is Mon 5 Jan.
    # Mon 5 (1) .. Fri 9 (5), [Sat 10, Sun 11], Mon 12 (6), Tue 13 (7), Wed 14 Jan (8).
    assert standstill(date(2026, 1, 2)).first_day == date(2026, 1, 5)
    assert standstill_end(date(2026, 1, 2)) == date(2026, 1, 14)


def test_a_longer_period_is_allowed_a_shorter_one_is_not() -> None:
    # 10 working days from Wed 1 Oct 2025: ... Fri 10 (8), [Sat 11, Sun 12], Mon 13 (9), Tue 14 (10).
    assert standstill(date(2025, 10, 1), working_days=10).last_day == date(2025, 10, 14)
    with pytest.raises(ValueError, match="s.51"):
        standstill(date(2025, 10, 1), working_days=7)


def test_a_timestamp_is_refused() -> None:
    with pytest.raises(TypeError):
        standstill(datetime(2025, 10, 1, 9, 30))


def test_our_good_friday_matches_the_calendar() -> None:
    # Good Friday is named by s.123 itself, so we compute it; the package must agree every year.
    for year in range(1980, 2101):
        calendar = UnitedKingdom(subdiv="ENG", years=year)
        (good_friday,) = [day for day, name in calendar.items() if "Good Friday" in name]
        assert (easter_sunday(year) - good_friday).days == 2, year
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2025) == date(2025, 4, 20)
