import re

import pytest

from nlp import doctypes
from nlp.text import fold_lower

ND30_CODES = "NQ QĐ CT QC QyĐ TC TB HD CTr KH PA ĐA DA BC BB TTr HĐ CĐ BGN BTT GUQ GM GGT GNP PG PC PB".split()
PARTY_TYPES = "NQ QĐ CT KL QC QĐi TT HD BC TTr TB CTr KH BB CV".split()
PARTY_BODIES = "TW TU HU QU ThU ĐU ĐUK BCĐ BCSĐ ĐĐ BTCTU BTGTU VPTU UBKTTU".split()


def test_all_nd30_codes_are_in_the_table():
    assert set(ND30_CODES) <= doctypes.type_codes("nd30")
    assert len(ND30_CODES) == 27


def test_party_types_and_bodies():
    assert set(PARTY_TYPES) <= doctypes.type_codes("party")
    assert set(PARTY_BODIES) <= doctypes.issuer_codes()


def test_code_means_different_types_in_different_systems():
    assert doctypes.type_for_code("TT", "normative").name == "Thông tư"
    assert doctypes.type_for_code("TT", "party").name == "Thông tri"
    assert doctypes.type_for_code("QĐi", "party").name == "Quy định"


@pytest.mark.parametrize(
    "alias,name",
    [("plan", "Kế hoạch"), ("resolution", "Nghị quyết"), ("decision", "Quyết định"), ("directive", "Chỉ thị"),
     ("decree", "Nghị định"), ("circular", "Thông tư"), ("law", "Luật"), ("letter", "Công văn"),
     ("official letter", "Công văn"), ("program", "Chương trình"), ("scheme", "Đề án"), ("project", "Đề án"),
     ("report", "Báo cáo"), ("notice", "Thông báo"), ("guideline", "Hướng dẫn")],
)
def test_english_aliases_of_the_contract(alias, name):
    assert doctypes.english_aliases()[alias] == name


@pytest.mark.parametrize(
    "segment,expected,repaired",
    [("QĐ", "QĐ", False), ("QP", "QĐ", True), ("QD", "QĐ", True), ("NP", "NĐ", True), ("DA", "DA", False),
     ("ĐA", "ĐA", False), ("XYZ", None, False)],
)
def test_canonical_type_code(segment, expected, repaired):
    assert doctypes.canonical_code(segment, doctypes.type_codes()) == (expected, repaired)


def test_d_repair_of_issuer_codes_only_towards_known_codes():
    assert doctypes.canonical_code("CDS", doctypes.issuer_codes()) == ("CĐS", True)
    assert doctypes.canonical_code("HPND", doctypes.issuer_codes()) == ("HĐND", True)
    assert doctypes.canonical_code("GDPT", doctypes.issuer_codes()) == ("GDPT", False)


@pytest.mark.parametrize("garbled", ["ke hoach", "k& hoach", "k¢ hoach", "ké hoach", "ke\nhoach", "k3 h0ach"])
def test_fuzzy_type_name_reads_through_garble(garbled):
    assert re.fullmatch(doctypes.fuzzy_pattern("Kế hoạch"), fold_lower(garbled))


def test_fuzzy_pattern_is_selective():
    assert not re.fullmatch(doctypes.fuzzy_pattern("Kế hoạch"), "ke toan")
    assert not re.fullmatch(doctypes.fuzzy_pattern("Quyết định"), "quy dinh")


def test_every_type_name_resolves_to_its_type():
    for t in doctypes.doc_types():
        assert doctypes.type_by_name(t.name).name == t.name
