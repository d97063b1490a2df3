"""What every worker of `vanban run` needs before its first file, done once in the fork server that the workers are
forked from: the pipeline's modules, underthesea's tone normaliser and sentence splitter, the restorer's
vocabulary and the tables, loaded by analysing a short letter. (The restorer's decoding model — its language
model's arrays, the OCR channels — is left to the first text that needs decoding: a batch of good written text
never loads it; a scan's first page, which takes seconds, loads it in 0.15 s.) Each forked worker then starts
with them in memory (shared with its siblings, copy-on-write) instead of loading them on its first file — and
the fork server does this while the run is still scanning its folders.

Nothing here may start a thread: a worker forked from a process with threads can inherit a lock held for ever.
OpenBLAS (numpy's) starts one at import unless told to use one thread, which workers do anyway (one core each);
OpenCV and the line reader (ONNX Runtime) are left to the first scan that needs them (a batch of text never
imports them; a scan's page costs far more than their import).
"""

from __future__ import annotations

import atexit
import gc
import os
import sys

# A letter as the pipeline sees one: header, a subject, the references each kind of rule reads.
_SAMPLE = """ỦY BAN NHÂN DÂN                CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH QUẢNG NGÃI                       Độc lập - Tự do - Hạnh phúc
Số: 12/KH-UBND                    Quảng Ngãi, ngày 10 tháng 10 năm 2025

KẾ HOẠCH
Triển khai chuyển đổi số năm 2025

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Căn cứ Nghị định số 47/2020/NĐ-CP ngày 09/4/2020 của Chính phủ;
Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị và Công văn số 819/SKHCN-BCVT&CĐS,
Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau.
"""


def warm() -> None:
    """Load what the first file would (see the module's docstring); a failure here is the first file's to report."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        from ..process import Loaded, analyse, decode_text, prepare
        from . import job  # noqa: F401 - what a worker unpickles: its task then imports nothing

        analyse(Loaded(text=prepare(decode_text(_SAMPLE.encode("utf-8"))), kind="text"))
        # What is loaded stays for the workers' lives: out of the collector's sight, a worker's collections do
        # not walk it (nor write to its pages, which the workers share copy-on-write) — gc.freeze's own use.
        gc.freeze()
    except Exception:  # noqa: BLE001 - the workers load it themselves then, and say what fails on a file
        pass


def _in_fork_server() -> bool:
    """Imported by the fork server's own `main` (its preload), not by another program that imports this module."""
    frame = sys._getframe()
    while frame is not None:
        code = frame.f_code
        if code.co_name == "main" and code.co_filename.replace("\\", "/").endswith("multiprocessing/forkserver.py"):
            return True
        frame = frame.f_back
    return False


if os.environ.get("VANBAN_WARM_WORKERS", "1") != "0":
    warm()
if _in_fork_server():
    # When the run ends, the fork server ends without tearing down the modules loaded here (0.2 s, during which a
    # caller reading the run's output through a pipe would still wait: the server holds its stdout). It writes
    # nothing and holds no file of the archive; its workers are gone or going (they die with the run).
    atexit.register(os._exit, 0)
