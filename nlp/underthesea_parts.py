"""underthesea's parts that vanban uses — its token normaliser, its sentence splitter and its Viet74K word list —
without the package's `__init__`, which imports every pipeline it has (chunking, NER, POS tagging, classification,
language detection, `requests`): 0.25 s of the 1.3 s that a batch of 100 text files takes, for code never run.

The package is registered as a module whose `__init__` runs only when a name it defines is first asked for
(`from underthesea import word_tokenize` anywhere then gets the whole package as usual); its submodules import as
they always do (`underthesea.pipeline.sent_tokenize`), since they need only the package's `__path__`. The
normaliser's tables are read by the standard library's unpickler, not joblib (`_normalizer_tables`).
"""

from __future__ import annotations

import importlib
import importlib.util
import pickle
import sys
import threading
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any, Callable

_PACKAGE = "underthesea"
_LOCK = threading.Lock()


def _install() -> ModuleType | None:
    """The package's module in `sys.modules`, its `__init__` not yet run unless something already imported it."""
    with _LOCK:
        if _PACKAGE in sys.modules:
            return sys.modules[_PACKAGE]
        spec = importlib.util.find_spec(_PACKAGE)
        if spec is None or spec.loader is None or spec.submodule_search_locations is None:
            return None
        package = importlib.util.module_from_spec(spec)
        state = {"done": False}

        def load_rest(name: str) -> Any:
            # PEP 562: called only for a name the module does not have yet, so `__path__` and `__spec__` (set by
            # module_from_spec) never trigger it; the first other name runs the real `__init__` in this module.
            with _LOCK:
                if not state["done"]:
                    state["done"] = True
                    del package.__dict__["__getattr__"]
                    spec.loader.exec_module(package)
            try:
                return package.__dict__[name]
            except KeyError:
                raise AttributeError(f"module {_PACKAGE!r} has no attribute {name!r}") from None

        package.__getattr__ = load_rest  # type: ignore[attr-defined]
        sys.modules[_PACKAGE] = package
        return package


def submodule(name: str) -> ModuleType | None:
    """`underthesea.<name>`, imported without the package's `__init__`; None when underthesea is not installed."""
    if _install() is None:
        return None
    return importlib.import_module(f"{_PACKAGE}.{name}")


_NORMALIZER = "pipeline.text_normalize.text_normalizer"


def _normalizer_tables() -> None:
    """underthesea's normaliser tables read by the standard library's unpickler before its modules ask for them.

    Its `text_normalizer` module reads them with `joblib.load`, twice, at import: joblib's own import (loky,
    asyncio, its numpy pickler) and its pure-Python unpickler cost 0.09 s of a worker's start against 1 ms for
    `pickle.load` of the same file — a plain pickle of two dicts, as joblib writes one without arrays. The module
    put in its place holds what its siblings import (`character_map`, `token_map`); where the file is not a single
    `tn_rules_*.bin` of two such dicts (another underthesea), nothing is put and its own module reads it."""
    name = f"{_PACKAGE}.{_NORMALIZER}"
    if name in sys.modules:
        return
    files = sorted(_package_folder_glob(*_NORMALIZER.split(".")[:-1], pattern="tn_rules_*.bin"))
    if len(files) != 1:
        return
    try:
        with open(files[0], "rb") as handle:
            data = pickle.load(handle)  # the package's own file, as trusted as its code
    except Exception:  # noqa: BLE001 - anything unexpected: the package reads its file its own way
        return
    if not (isinstance(data, dict) and isinstance(data.get("character"), dict) and isinstance(data.get("token"), dict)):
        return
    module = ModuleType(name)
    module.__file__ = str(files[0].parent / "text_normalizer.py")
    module.character_map, module.token_map = data["character"], data["token"]
    module.text_normalizer = SimpleNamespace(character_map=data["character"], token_map=data["token"])
    sys.modules[name] = module


def token_normalize() -> Callable[[str], str] | None:
    """underthesea's normaliser of one word (`hoà` → `hòa`, `thuý` → `thúy`)."""
    if _install() is None:
        return None
    _normalizer_tables()
    module = submodule("pipeline.text_normalize.token_normalize")
    return None if module is None else module.token_normalize


def sent_tokenize() -> Callable[[str], list[str]] | None:
    """underthesea's sentence splitter."""
    module = submodule("pipeline.sent_tokenize")
    return None if module is None else module.sent_tokenize


def _package_folders() -> list[Path]:
    spec = importlib.util.find_spec(_PACKAGE)
    return [Path(folder) for folder in (spec.submodule_search_locations or [])] if spec else []


def _package_folder_glob(*parts: str, pattern: str) -> list[Path]:
    """The files matching `pattern` in the package's folder `parts` (`pipeline/text_normalize`)."""
    return [path for folder in _package_folders() for path in folder.joinpath(*parts).glob(pattern)]


def data_file(*parts: str) -> Path | None:
    """A file shipped inside underthesea (`corpus/data/Viet74K.txt`), found without importing anything."""
    for folder in _package_folders():
        path = folder.joinpath(*parts)
        if path.is_file():
            return path
    return None
