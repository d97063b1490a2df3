"""The restorer is selective: written text that is good Vietnamese passes undecoded, only what needs it is decoded."""

from __future__ import annotations

import random

import nlp.restore as restore_module
from nlp.restore import load_model, restore
from nlp.restore.decode import decode_all
from nlp.restore.fixed import fixed_line_edits
from nlp.restore.vietnamese import fold
from pipeline.process import Loaded, analyse

CLEAN = (
    "Điều 3. Trách nhiệm của cơ quan, tổ chức, cá nhân\n"
    "1. Các sở, ban, ngành, Ủy ban nhân dân các huyện, thị xã, thành phố có trách nhiệm tổ chức thực hiện Kế "
    "hoạch này; định kỳ hằng quý báo cáo kết quả về Sở Khoa học và Công nghệ để tổng hợp.\n"
    "2. Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị phản ánh kịp thời về Sở Khoa "
    "học và Công nghệ để được hướng dẫn giải quyết theo quy định của pháp luật hiện hành."
)
STRIPPED = "Quyet dinh nay co hieu luc thi hanh ke tu ngay ky."


class _Counter:
    def __init__(self, monkeypatch):
        self.decoded = 0
        self.candidates = 0
        real_decode, real_candidates = restore_module.decode_all, restore_module.candidates

        def decode(model, lattices):
            self.decoded += len(lattices)
            return real_decode(model, lattices)

        def candidates(model, text, mode):
            self.candidates += 1
            return real_candidates(model, text, mode)

        monkeypatch.setattr(restore_module, "decode_all", decode)
        monkeypatch.setattr(restore_module, "candidates", candidates)


def test_a_clean_paragraph_passes_through_undecoded(monkeypatch):
    calls = _Counter(monkeypatch)
    out = restore(CLEAN, typed=True)
    assert out.text == CLEAN and out.changes == ()
    assert set(out.modes) == {"good"}
    assert calls.decoded == 0 and calls.candidates == 0


def test_a_line_typed_without_marks_is_still_restored_beside_clean_ones(monkeypatch):
    calls = _Counter(monkeypatch)
    text = CLEAN + "\n" + STRIPPED
    out = restore(text, typed=True)
    lines = out.text.split("\n")
    assert lines[:-1] == CLEAN.split("\n")  # the good lines are the author's
    assert lines[-1] == "Quyết định này có hiệu lực thi hành kể từ ngày ký."
    assert calls.decoded >= 1
    assert all(c.start >= len(CLEAN) for c in out.changes)


def test_a_garbled_line_of_a_written_text_is_restored():
    text = CLEAN + "\nChuyén dbi s6 qubc gia, Chuyén dbi s6 qubc gia"
    out = restore(text, typed=True)
    assert out.text.split("\n")[-1].startswith("Chuyển đổi số quốc gia")
    assert out.text.startswith(CLEAN)


def test_ocr_text_keeps_its_word_by_word_repair():
    """Without `typed`, a known word that fits its context badly (a `vie` misreading) is still decoded."""
    text = "Căn cứ Luật Xử lý vi phạm hành chính được sửa đổi, bổ sưng bởi Luật số 67/2020/QH14;"
    assert "bổ sung" in restore(text).text
    assert restore(text, typed=True).text == text


def _sentences(seed: int, count: int) -> list[list[tuple]]:
    """Lattices like the decoder's: mostly single known words, some positions with rivals (OCR suspects)."""
    model = load_model()
    rng = random.Random(seed)
    words = [w for w in model.syllables[:3000]]
    out = []
    for _ in range(count):
        sentence = []
        for _ in range(rng.randint(1, 30)):
            own = rng.choice(words)
            if rng.random() < 0.25:
                rivals = [restore_module.Cand(model.word_id(w), w, rng.uniform(0.5, 6.0))
                          for w in rng.sample(words, rng.randint(1, 12))]
                sentence.append((None, (restore_module.Cand(model.word_id(own), None, 0.0), *rivals)))
            else:
                sentence.append((None, (restore_module.Cand(model.word_id(own), None, 0.0),)))
        out.append(sentence)
    return out


def test_decoding_windows_chooses_what_decoding_whole_sentences_chooses():
    """Two fixed words in a row cut a sentence under a trigram model: the windows' choices and confidences are the
    whole sentence's."""
    model = load_model()
    sentences = _sentences(7, 150)
    marked = []
    for si, sentence in enumerate(sentences):  # give each position a token standing for its place
        marked.append([((si, p), cands) for p, (_tok, cands) in enumerate(sentence)])
    windowed = {tok: (cand, share) for tok, cand, share in restore_module._decode_open(model, marked)}
    pruned, paths, shares = decode_all(model, [[c for _, c in s] for s in marked])
    expected = {}
    for si, (lattice, path, share) in enumerate(zip(pruned, paths, shares)):
        for p, (cands, k, confidence) in enumerate(zip(lattice, path, share)):
            if cands[k].word is not None:
                expected[(si, p)] = (cands[k], confidence)
    assert expected, "the random lattices should change some words"
    assert windowed.keys() == expected.keys()
    for key, (cand, share) in expected.items():
        assert windowed[key][0] == cand and abs(windowed[key][1] - share) < 1e-9


def test_fixed_lines_are_snapped_only_on_the_lines_asked():
    text = "Ghi chú\nCONG HOA XA HOI CHU NGHIA VIET NAM\nĐọc lạp - lự do - Hạnh phúc"
    every = fixed_line_edits(text)
    assert {text.count("\n", 0, a) for a, _, _ in every} == {1, 2}
    assert {text.count("\n", 0, a) for a, _, _ in fixed_line_edits(text, {2})} == {2}
    assert fixed_line_edits(text, set()) == []


def test_a_clean_text_file_is_its_own_restored_text(monkeypatch):
    calls = _Counter(monkeypatch)
    analysis = analyse(Loaded(text=CLEAN, kind="text"))
    assert analysis.restored is None and analysis.restored_map == ()
    assert calls.decoded == 0
    stripped = analyse(Loaded(text=fold(CLEAN), kind="text"))
    assert stripped.restored is not None and "trách nhiệm" in stripped.restored


def test_codes_in_capitals_do_not_send_a_written_line_to_the_decoder(monkeypatch):
    """`- VPUB: + CVP, các PCVP (đ/b);` and `Số: 153/2026/NĐ-CP` are codes and acronyms, not garble: the line
    passes as written (its full reading made `các` `cục` and `đ/b` `dự/bị`); a heading typed without its marks,
    in capitals too, is still restored."""
    counter = _Counter(monkeypatch)
    codes = CLEAN + "\n- VPUB: + CVP, các PCVP (đ/b);\n- Lưu: VT, KGVX (2b).\nSố: 153/2026/NĐ-CP\n"
    assert restore(codes, typed=True).text == codes
    assert counter.decoded == 0
    heading = CLEAN + "\nCONG HOA XA HOI CHU NGHIA VIET NAM\n"
    assert restore(heading, typed=True).text.endswith("\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n")

