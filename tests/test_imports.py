"""What a batch of text loads: only what it runs (each check in a fresh interpreter)."""

import subprocess
import sys
import textwrap

from tests.conftest import ROOT


def _python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_reading_text_runs_underthesea_parts_without_its_package_init():
    out = _python("""
        import sys
        from nlp.text import normalize
        from nlp.sentences import sentence_index
        assert normalize("hoà thuý") == "hòa thúy"
        text = "Căn cứ Luật này. Thực hiện Kế hoạch số 58/KH-UBND."
        assert sentence_index(text).bounds(text.index("Kế")) == (text.index("Thực"), len(text))
        print(sorted(m for m in sys.modules if m.startswith("underthesea.pipeline.")
                     and m.split(".")[2] in {"chunking", "ner", "pos_tag", "classification", "lang_detect"}))
        from underthesea import word_tokenize  # the package as a whole, when someone asks for it
        print(word_tokenize("Ủy ban nhân dân tỉnh")[0], "underthesea.pipeline.ner" in sys.modules)
    """)
    assert out.splitlines() == ["[]", "Ủy True"]


def test_underthesea_normaliser_tables_read_without_joblib_as_its_module_reads_them():
    out = _python("""
        import sys, joblib
        from nlp.underthesea_parts import data_file, token_normalize
        normalise = token_normalize()
        table = sys.modules["underthesea.pipeline.text_normalize.text_normalizer"]
        own = joblib.load(data_file("pipeline", "text_normalize", "tn_rules_2023_07_14.bin"))
        print(table.token_map == own["token"], table.character_map == own["character"], normalise("thuý"))
    """)
    assert out.split() == ["True", "True", "thúy"]
    out = _python("""
        import sys
        from nlp.text import normalize
        print(normalize("hoà"), "joblib" in sys.modules)
    """)
    assert out.split() == ["hòa", "False"]


def test_a_worker_reading_text_imports_neither_the_run_nor_opencv(tmp_path):
    letter = tmp_path / "a.txt"
    letter.write_text("Thực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh.", encoding="utf-8")
    out = _python(f"""
        import sys
        from pipeline.workers.job import work, worker_init
        worker_init()
        record = work(({str(letter)!r}, "a.txt", False))
        print(record.status, [m for m in ("cv2", "PIL", "pipeline.batch", "sqlite3", "networkx") if m in sys.modules])
    """)
    assert out.split() == ["ok", "[]"]


def test_good_written_text_never_loads_the_decoding_model():
    """Judging lines needs the restorer's vocabulary alone: its language model's arrays and the OCR channels are
    read when a text first needs decoding. A name outside the syllable grammar the model knows (`Đắk Lắk`) and
    codes in capitals are good written text."""
    out = _python("""
        from nlp.restore import load_model, restore
        model = load_model()
        text = ("Các sở, ban, ngành có trách nhiệm tổ chức thực hiện Kế hoạch này.\\n18. Tỉnh Đắk Lắk\\n"
                "19. Tỉnh Đắk Nông\\n- Lưu: VT, KGVX.\\nSố: 153/2026/NĐ-CP\\n")
        print(restore(text, typed=True).text == text, "tri_keys" in vars(model.lm), "channels" in vars(model))
        print(restore("Quyet dinh nay co hieu luc thi hanh ke tu ngay ky.", typed=True).text[:26],
              "tri_keys" in vars(model.lm))
    """)
    assert out.splitlines() == ["True False False", "Quyết định này có hiệu lực True"]
