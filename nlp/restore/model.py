"""The trained restorer model: language model, OCR channels and the syllable indexes, loaded once."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .channel import Channel, SyllableIndex, with_tone_confusions
from .lm import SPECIALS, UNK_ID, NgramLM
from .tokens import Knowledge
from .vietnamese import fold, is_valid_syllable

MODEL_DIR = Path(__file__).with_name("model")
# The cost (nats) of Tesseract `vie` reading a vowel with another tone or none (channel.with_tone_confusions):
# measured on real italic pages (bench/real.py) and the synthetic set (bench/restore.py, bench/ocr.py).
VIE_TONE_COST = 4.0


@dataclass
class Model:
    lm: NgramLM
    channels: dict[str, Channel]
    syllables: list[str]  # the syllables the restorer may write (model spelling, lower case)
    by_fold: dict[str, list[str]]  # folded spelling → syllables, most frequent first
    index: SyllableIndex
    knows: Knowledge
    params: dict = field(default_factory=dict)
    search_cache: dict = field(default_factory=dict)  # channel → OCR token → [(syllable, cost)], precomputed

    def word_id(self, word: str) -> int:
        return self.lm.ids.get(word, UNK_ID)


def load(folder: Path = MODEL_DIR) -> Model:
    folder = Path(folder)
    lm = NgramLM(folder)
    data = json.loads((folder / "channel.json").read_text(encoding="utf-8"))
    params = data.get("params", {})
    params_file = folder / "params.json"
    if params_file.is_file():
        params = {**params, **json.loads(params_file.read_text(encoding="utf-8"))}
    tables = dict(data["channels"])
    tone_cost = float(params.get("vie_tone_cost", VIE_TONE_COST))
    if "vie" in tables and tone_cost > 0:
        tables["vie"] = with_tone_confusions(tables["vie"], tone_cost)
    channels = {name: Channel.from_dict(table) for name, table in tables.items()}
    syllables = [w for w in lm.words[len(SPECIALS):] if is_valid_syllable(w)]
    by_fold: dict[str, list[str]] = {}
    for w in syllables:  # vocabulary is sorted by count, so each list is most frequent first
        by_fold.setdefault(fold(w), []).append(w)
    # words of the model that are no syllable and no syllable without its marks (ubnd, internet, video)
    others = frozenset(w for w in lm.words[len(SPECIALS):] if not is_valid_syllable(w) and fold(w) not in by_fold)
    search_cache: dict = {}
    cache_file = folder / "search_cache.json"
    if cache_file.is_file():
        search_cache = json.loads(cache_file.read_text(encoding="utf-8"))
    return Model(lm=lm, channels=channels, syllables=syllables, by_fold=by_fold, index=SyllableIndex(syllables),
                 knows=Knowledge(frozenset(by_fold), others), params=params, search_cache=search_cache)


@lru_cache(maxsize=4)
def cached(folder: str = str(MODEL_DIR)) -> Model:
    return load(Path(folder))


def model_files(folder: Path = MODEL_DIR) -> list[Path]:
    return sorted(p for p in Path(folder).iterdir() if p.is_file())


def unigram_logp(model: Model, word: str) -> float:
    return float(model.lm.uni_p[model.word_id(word)]) if word in model.lm.ids else float(np.log(1e-9))
