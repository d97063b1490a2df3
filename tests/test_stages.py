"""`vanban run --profile`: seconds and peak memory per stage (read, OCR, restore, extract, store, exports)."""

from __future__ import annotations

import json
import subprocess
import sys

from pipeline import stages

from .test_restore_selective import CLEAN, STRIPPED


def test_run_profile_prints_each_stage(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "clean.txt").write_text(CLEAN, encoding="utf-8")
    (folder / "stripped.txt").write_text(STRIPPED + "\n" + STRIPPED, encoding="utf-8")
    out = tmp_path / "archive"
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(folder), "--out", str(out), "--profile"],
                            capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode("utf-8").splitlines()
    rows = {line.split("|")[1].strip(): line.split("|")[2:-1] for line in lines if line.startswith("| ")}
    assert {"read", "restore", "extract", "store", "exports"} <= set(rows)
    for name in ("read", "restore", "extract", "store"):
        seconds, share, peak, files = (cell.strip() for cell in rows[name])
        assert float(seconds) >= 0 and share.endswith("%") and peak.endswith(" MB") and int(files) == 2
        assert float(peak.split()[0]) > 10  # a Python process with the model loaded is tens of MB at least
    assert int(rows["exports"][3]) == 1
    assert any(line.startswith("wall ") for line in lines)
    summary = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert summary["stages"]["restore"]["files"] == 2
    # without --profile no table
    plain = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(folder), "--out", str(out), "--force"],
                           capture_output=True, timeout=300)
    assert plain.returncode == 0 and b"| stage |" not in plain.stdout


def test_stage_totals_sum_seconds_and_keep_the_highest_peak():
    totals: dict = {}
    stages.add(totals, (("restore", 0.5, 100.0), ("extract", 0.25, 120.0)))
    stages.add(totals, (("restore", 1.0, 90.0),))
    assert totals["restore"] == {"seconds": 1.5, "peak_mb": 100.0, "files": 2}
    with stages.stage("store", totals):
        sum(range(1000))
    assert totals["store"]["files"] == 1 and totals["store"]["peak_mb"] > 0
    text = stages.table(totals, 2.0, 2)
    assert text.index("| restore") < text.index("| extract") < text.index("| store")
    assert "summed over 2 workers" in text


def test_a_files_stages_travel_with_its_record(tmp_path):
    from pipeline.process import process_path

    path = tmp_path / "a.txt"
    path.write_text(CLEAN, encoding="utf-8")
    record = process_path(path)
    assert [name for name, _, _ in record.stages] == ["read", "restore", "extract"]
    assert stages.take() == ()  # taken by the record
