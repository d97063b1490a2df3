"""The trained restorer model: language model, OCR channels and the syllable indexes, loaded once."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
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
    """The model. What judging a word needs (the vocabulary, the syllables by their folded spelling) is read at
    load; what decoding needs (the language model's arrays, the OCR channels, the syllable index, the search cache)
    when a text first needs decoding — most written text never does (`restore._doubtful_lines`)."""

    lm: NgramLM
    syllables: list[str]  # the syllables the restorer may write (model spelling, lower case)
    by_fold: dict[str, list[str]]  # folded spelling → syllables, most frequent first
    knows: Knowledge
    folder: Path = MODEL_DIR
    params: dict = field(default_factory=dict)
    channel_tables: dict = field(default_factory=dict, repr=False)  # channel.json's, built into `channels` on use

    def word_id(self, word: str) -> int:
        return self.lm.ids.get(word, UNK_ID)

    @cached_property
    def channels(self) -> dict[str, Channel]:
        tables = dict(self.channel_tables)
        tone_cost = float(self.params.get("vie_tone_cost", VIE_TONE_COST))
        if "vie" in tables and tone_cost > 0:
            tables["vie"] = with_tone_confusions(tables["vie"], tone_cost)
        return {name: Channel.from_dict(table) for name, table in tables.items()}

    @cached_property
    def index(self) -> SyllableIndex:
        return SyllableIndex(self.syllables)

    @cached_property
    def search_cache(self) -> dict:
        """Channel → OCR token → [(syllable, cost)], precomputed (empty when the model has none)."""
        cache_file = self.folder / "search_cache.json"
        return json.loads(cache_file.read_text(encoding="utf-8")) if cache_file.is_file() else {}


def load(folder: Path = MODEL_DIR) -> Model:
    folder = Path(folder)
    lm = NgramLM(folder)
    data = json.loads((folder / "channel.json").read_text(encoding="utf-8"))
    params = data.get("params", {})
    params_file = folder / "params.json"
    if params_file.is_file():
        params = {**params, **json.loads(params_file.read_text(encoding="utf-8"))}
    syllables = [w for w in lm.words[len(SPECIALS):] if is_valid_syllable(w)]
    by_fold: dict[str, list[str]] = {}
    for w in syllables:  # vocabulary is sorted by count, so each list is most frequent first
        by_fold.setdefault(fold(w), []).append(w)
    # words of the model that are no syllable and no syllable without its marks (ubnd, internet, video)
    others = frozenset(w for w in lm.words[len(SPECIALS):] if not is_valid_syllable(w) and fold(w) not in by_fold)
    return Model(lm=lm, syllables=syllables, by_fold=by_fold, knows=Knowledge(frozenset(by_fold), others),
                 folder=folder, params=params, channel_tables=data["channels"])


@lru_cache(maxsize=4)
def cached(folder: str = str(MODEL_DIR)) -> Model:
    return load(Path(folder))


def model_files(folder: Path = MODEL_DIR) -> list[Path]:
    return sorted(p for p in Path(folder).iterdir() if p.is_file())


def unigram_logp(model: Model, word: str) -> float:
    return float(model.lm.uni_p[model.word_id(word)]) if word in model.lm.ids else float(np.log(1e-9))
