"""The CLI's labels in the reader's language (issue 26): Vietnamese by default, English with `--lang en` or an
English LANG, through the catalogues of pipeline/web/locale; `--lang` wins over LANG."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import ROOT

LETTER = "Thực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh.\nCăn cứ Luật số 77/2015/QH13.\n"
ENGLISH_LABELS = ["Cited by", "document", "relation", "sentence", "files:", "processed", "cited documents",
                  "symbol", "issuer", "based on", "implements", "Number and symbol"]


def vanban(*args: str, lang: str | None = None, stdin: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    if lang:
        env["LANG"] = lang
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, env=env,
                          input=stdin, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("letters")
    (folder / "letter.txt").write_text("Số: 12/UBND-VP\nNghệ An, ngày 05 tháng 11 năm 2025\n" + LETTER, "utf-8")
    out = tmp_path_factory.mktemp("archive")
    summary = vanban("run", str(folder), "--out", str(out))
    return out, summary


def test_run_s_summary(archive):
    out, vietnamese = archive
    assert "1 tệp: 1 đã xử lý" in vietnamese and "0 không đổi, 0 lỗi" in vietnamese
    assert f"kho {out}: 1 văn bản" in vietnamese and "trích dẫn" in vietnamese
    english = vanban("run", str(out.parent / "letters0"), "--out", str(out), lang="en_US.UTF-8")
    assert "1 files: 0 processed (0 pages), 1 unchanged, 0 failed" in english and f"archive {out}: 1 documents" in english


def test_query_s_labels(archive):
    out, _ = archive
    vietnamese = vanban("query", "58/KH-UBND được trích dẫn bởi những văn bản nào", "--db", str(out))
    assert "Được trích dẫn bởi (1)" in vietnamese and "thực hiện" in vietnamese and "câu trích dẫn" in vietnamese
    assert "05/11/2025" in vietnamese and "2025-11-05" not in vietnamese
    assert not [word for word in ENGLISH_LABELS if word in vietnamese]
    english = vanban("query", "58/KH-UBND được trích dẫn bởi những văn bản nào", "--db", str(out), "--lang", "en")
    assert "Cited by (1)" in english and "implements" in english and "sentence" in english
    assert vanban("query", "what cites 58/KH-UBND", "--db", str(out), "--lang", "vi", lang="en_US.UTF-8") \
        == vanban("query", "what cites 58/KH-UBND", "--db", str(out))


def test_extract_s_labels():
    vietnamese = vanban("extract", "-", stdin=LETTER)
    assert "2 văn bản được trích dẫn" in vietnamese and "căn cứ" in vietnamese and "số, ký hiệu" in vietnamese
    assert not [word for word in ENGLISH_LABELS if word in vietnamese]
    english = vanban("extract", "-", stdin=LETTER, lang="en_GB.UTF-8")
    assert "2 cited documents" in english and "based on" in english and "Number and symbol" in english


def test_lang_is_read_in_any_case_and_an_unknown_one_is_said(archive):
    out, _ = archive
    question = ("query", "what cites 58/KH-UBND", "--db", str(out))
    english = vanban(*question, "--lang", "en")
    assert vanban(*question, "--lang", "EN") == english == vanban(*question, "--lang", "en_GB.UTF-8")
    assert vanban(*question, "--lang", "Vi") == vanban(*question)
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", *question, "--lang", "fr"], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 2 and done.stderr.strip() == "error: unknown --lang 'fr' (vi or en)" and not done.stdout
