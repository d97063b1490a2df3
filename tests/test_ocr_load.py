import pytest
from PIL import Image

from ocr import LoadError, NoTextError, read
from ocr.load import good_text_layer, iter_pages


def test_text_layer_quality():
    vietnamese = "Thực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025 của Ủy ban nhân dân tỉnh Quảng Ngãi về chuyển đổi số"
    assert good_text_layer(vietnamese)
    tcvn3 = "Thùc hiÖn KÕ ho¹ch sè 58/KH-UBND ngµy 10/10/2025 cña ñy ban nh©n d©n tØnh Qu¶ng Ng·i vÒ chuyÓn ®æi sè"
    assert not good_text_layer(tcvn3)
    assert not good_text_layer("")
    assert not good_text_layer("   12  ")


def test_pdf_text_layer_is_used(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("Tinos", "", "/usr/share/fonts/truetype/croscore/Tinos-Regular.ttf")
    pdf.set_font("Tinos", size=13)
    pdf.multi_cell(0, 8, "Thực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025 của Ủy ban nhân dân tỉnh Quảng Ngãi "
                         "về triển khai chuyển đổi số trên địa bàn tỉnh.")
    path = tmp_path / "layer.pdf"
    pdf.output(str(path))
    document = read(path)
    assert [p.source for p in document.pages] == ["text-layer"]
    assert "58/KH-UBND" in document.text and "Quảng Ngãi" in document.text


def test_multipage_tiff(tmp_path):
    frames = [Image.new("L", (400, 300), 255), Image.new("L", (400, 300), 255)]
    path = tmp_path / "two.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    assert [p.page for p in iter_pages(path)] == [1, 2]


@pytest.mark.parametrize(
    ("mode", "colour", "shape"),
    [("RGB", (200, 30, 20), (50, 60, 3)), ("RGBA", (200, 30, 20, 255), (50, 60, 3)), ("L", 90, (50, 60)),
     ("1", 0, (50, 60)), ("P", 3, (50, 60, 3)), ("I;16", 40000, (50, 60))],
)
def test_png_modes_load_as_bgr_or_gray(tmp_path, mode, colour, shape):
    path = tmp_path / f"page-{mode.replace(';', '')}.png"
    Image.new(mode, (60, 50), colour).save(path, dpi=(150, 150))
    (page,) = list(iter_pages(path))
    assert page.image.shape == shape and page.image.dtype.name == "uint8" and page.dpi == 150
    if mode == "RGB":
        assert tuple(page.image[0, 0]) == (20, 30, 200)  # blue, green, red


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("corrupt.pdf", b"%PDF-1.4\n1 0 obj garbage", "not a readable PDF"),
        ("empty.pdf", b"", "not a readable PDF"),
        ("random.png", bytes(range(256)) * 8, "not a readable image"),
    ],
)
def test_bad_files_are_one_clear_error(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(LoadError, match=message):
        read(path)


def test_truncated_png_is_one_clear_error_and_nothing_else(tmp_path, capfd):
    import io

    import numpy as np

    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (400, 500, 3), dtype=np.uint8)).save(buffer, "PNG")
    path = tmp_path / "truncated.png"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(LoadError, match="truncated"):
        read(path)
    assert capfd.readouterr().err == ""  # no decoder chatter beside the error


def test_encrypted_pdf(tmp_path):
    import pikepdf

    plain = tmp_path / "plain.pdf"
    Image.new("RGB", (200, 200), "white").save(plain, "PDF")
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="u"))
    with pytest.raises(LoadError, match="encrypted"):
        read(locked)


def test_blank_page_has_no_text(tmp_path):
    path = tmp_path / "blank.png"
    Image.new("RGB", (1240, 1754), "white").save(path)
    with pytest.raises(NoTextError, match="no text found"):
        read(path)


def test_huge_page_is_scaled_down_not_refused(tmp_path):
    path = tmp_path / "huge.png"
    Image.new("L", (11000, 11000), 255).save(path)
    (page,) = list(iter_pages(path))
    assert page.image.shape[0] * page.image.shape[1] <= 60_000_000



def test_pdfium_is_called_from_one_thread_at_a_time(monkeypatch, tmp_path):
    """PDFium is not thread-safe, even across documents (a real scan's pages rendered by eight threads at once
    crashed the web server: `malloc(): unaligned tcache chunk detected`). The server renders pages on its thread
    pool while a file may be read beside it: no two PDFium calls may overlap. A PDFium stand-in counts the calls
    in progress; pages are rendered and read by eight threads at once."""
    import threading
    import time

    import pypdfium2
    from PIL import Image

    from ocr.load import _pdf_pages
    from pipeline.web.images import _page_image

    calls = {"now": 0, "most": 0}
    count = threading.Lock()

    def call(result=None):
        with count:
            calls["now"] += 1
            calls["most"] = max(calls["most"], calls["now"])
        time.sleep(0.002)
        with count:
            calls["now"] -= 1
        return result

    class Bitmap:
        def to_pil(self):
            return call(Image.new("RGB", (40, 56), "white"))

        def close(self):
            call()

    class TextPage:
        def count_chars(self):
            return call(0)

        def close(self):
            call()

    class Page:
        raw = None

        def get_size(self):
            return call((200.0, 280.0))

        def render(self, **options):
            return call(Bitmap())

        def get_textpage(self):
            return call(TextPage())

        def close(self):
            call()

    class Document:
        def __init__(self, path):
            call()

        def __len__(self):
            return call(3)

        def __getitem__(self, index):
            return call(Page())

        def init_forms(self):
            call()

        def close(self):
            call()

    monkeypatch.setattr(pypdfium2, "PdfDocument", Document)
    monkeypatch.setattr("ocr.load._widgets", lambda page, scale: iter(()))
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4")

    def render(k):
        for _ in range(4):
            _page_image(path, 1 + k % 3)

    def read(k):
        for _ in range(2):
            assert len(list(_pdf_pages(path, force_ocr=True))) == 3

    threads = [threading.Thread(target=render if k % 2 else read, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls["most"] == 1
