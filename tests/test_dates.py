import datetime as dt

import pytest

from nlp.dates import find_dates, parse_date


@pytest.mark.parametrize(
    "text,iso",
    [
        ("ngày 22/12/2024", "2024-12-22"),
        ("ngày 22 tháng 12 năm 2024", "2024-12-22"),
        ("ngày 03/4/2025", "2025-04-03"),
        ("ngày 6/9/2023", "2023-09-06"),
        ("ngày 22-12-2024", "2024-12-22"),
        ("ngày 22.12.2024", "2024-12-22"),
        ("ngay 04thang 3 nam 2026", "2026-03-04"),
        ("ngay 22 thang 12 nam 2024", "2024-12-22"),
        ("Quảng Ngãi, ngày 04 tháng 3 năm 2026", "2026-03-04"),
        ("ngéy 16 thing 5 năm 2017", "2017-05-16"),
        ("ngdy 20/11/2019", "2019-11-20"),
    ],
)
def test_dates(text, iso):
    (found,) = find_dates(text)
    assert found.iso == iso


def test_impossible_dates_are_rejected():
    assert find_dates("ngày 31/02/2025") == []
    assert find_dates("ngày 12/13/2025") == []


def test_handwritten_blanks_give_a_partial_date():
    (found,) = find_dates("Quảng Ngãi, ngày      tháng 02 năm 2025")
    assert found.date is None and found.partial == "2025-02"


def test_parse_date_without_ngay():
    assert parse_date("03/02/2025 10:47:25").date == dt.date(2025, 2, 3)


def test_spans_point_at_the_date():
    text = "Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh"
    (found,) = find_dates(text)
    assert text[found.span[0] : found.span[1]] == "ngày 10/10/2025"


def test_a_day_or_month_with_the_letter_ocr_prints_for_1():
    """`ngày I8 tháng 9 năm 1986`, `ngày 1l/02/2018`: a digit beside I or l is a day; I or l alone is not."""
    assert parse_date("ngày I8 tháng 9 năm 1986").iso == "1986-09-18"
    assert parse_date("ngày 1l/02/2018").iso == "2018-02-11"
    assert parse_date("ngày 05/l2/2018").iso == "2018-12-05"
    assert parse_date("ngày l tháng 3 năm 2020").date is None
    assert parse_date("ngày Il tháng 3 năm 2020").date is None  # no digit at all: not read as a day
