"""What a PDF's annotations draw over a page (ocr.widgets): the e-office system's typed number and day put back into
the text layer where they sit, the Công báo stamp and the signature box read as overlays, never as body text."""

import json
import subprocess
import sys

import pytest

from ocr import read
from ocr.widgets import insertion_point, kind_of, merge_fields

from .scans import born_digital_pdf

LINES = [(70, "ỦY BAN NHÂN DÂN            CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), (70, "TỈNH QUẢNG NGÃI"),
         (70, "Số:         /TB-UBND               Quảng Ngãi, ngày        tháng 01 năm 2025"), (200, "THÔNG BÁO"),
         (70, "Thực hiện Kế hoạch số 186/KH-UBND ngày 17/9/2024 của UBND tỉnh về việc triển khai các nhiệm vụ.")]
NUMBER = ((100, 720, 140, 740), "11", 12)
DAY = ((330, 720, 360, 740), "08", 12)
STAMP = ((380, 780, 580, 835), "TRUNG TAM CONG BAO\nVA TIN HOC\nttcbth@quangngai.gov.vn\n09.01.2025 10:21:11 +07:00", 9)
SIGNATURE = ((380, 740, 580, 778), "Ky boi: UBND tinh Quang Ngai\nThoi gian ky: 08/01/2025 17:30:49", 8)


@pytest.fixture(scope="module")
def signed_pdf(tmp_path_factory):
    return born_digital_pdf(tmp_path_factory.mktemp("widgets") / "11-TB-UBND.pdf", LINES,
                            [NUMBER, DAY, STAMP, SIGNATURE], raw_text=b"Theo Cong van so 6138/UBND\x02KGVX ngay 13/11/2024.")


def test_typed_fields_go_into_the_text_layer_and_stamps_become_overlays(signed_pdf):
    page = read(signed_pdf).pages[0]
    assert page.source == "text-layer"
    assert "Số: 11 /TB-UBND" in " ".join(page.text.split())
    assert "ngày 08 tháng 01" in " ".join(page.text.split())
    kinds = {o.kind: o.text for o in page.overlays}
    assert "publication" in kinds and "09.01.2025" in kinds["publication"]
    assert "signature" in kinds and "08/01/2025" in kinds["signature"]
    assert "CONG BAO" not in page.text and "ttcbth" not in page.text and "Thoi gian" not in page.text


def test_the_letter_from_its_widgets(signed_pdf):
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", str(signed_pdf), "--json"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    document = data["document"]
    assert document["symbol"] == "11/TB-UBND" and document["date"] == "2025-01-08"
    assert document["published_at"] == "2025-01-09T10:21:11+07:00"
    assert document["signed_at"] == "2025-01-08T17:30:49"
    # the text layer's \x02 is the hyphen its font draws: the reference survives
    assert {r["symbol"] for r in data["references"]} == {"186/KH-UBND", "6138/UBND-KGVX"}


def test_kinds_and_insertion():
    assert kind_of(["Ký bởi: Sở Nội vụ", "Thời gian ký: 03/02/2025 10:47:25"], 0.02) == "signature"
    assert kind_of(["TRUNG TÂM CÔNG BÁO VÀ TIN HỌC", "07.01.2025 10:44:25 +07:00"], 0.05) == "publication"
    assert kind_of(["565"], 0.01) == "field" and kind_of([], 0.3) == "seal" and kind_of(["Đã ký"], 0.01) == "stamp"
    text = "Số: /TB-UBND"
    chars = [(ch, (10.0 * i, 100.0, 10.0 * i + 9, 120.0)) for i, ch in enumerate(text)]
    assert insertion_point(chars, (31.0, 98.0, 39.0, 121.0)) == 4  # before the slash, after "Số: "
    assert insertion_point(chars, (31.0, 300.0, 39.0, 320.0)) is None  # on no line of the layer
    assert merge_fields(text, chars, [("542", (31.0, 98.0, 39.0, 121.0))]) == "Số: 542 /TB-UBND"
