"""Diacritic restoration and OCR repair for Vietnamese text: a noisy-channel model with a syllable trigram LM.

    from nlp.restore import restore
    r = restore("Chuyén dbi s6 qubc gia")      # mode="auto" | "strip" | "garbled"
    r.text                                      # 'Chuyển đổi số quốc gia'
    r.changes                                   # (Change(0, 6, 0, 6, 'Chuyén', 'Chuyển', 1.0), …)
    r.to_original(7), r.to_restored(7)          # map offsets between the two texts

Only word tokens are rewritten: numbers, dates, document symbols (`57-NQ/TW`), codes, e-mail addresses, URLs and
acronyms (`UBND`, `VNeID`) pass through, and so do whitespace, line breaks and punctuation; letter case follows
the input word (`Quang` → `Quảng`, `GIAM` → `GIÁM`). `auto` decides line by line whether the text is garbled OCR,
text typed without diacritics, or good Vietnamese; on good OCR'd text it changes only words the model finds
unlikely (or that the OCR scored low, when word confidences are given). Written text (`typed=True`: a text file, a
PDF's own text layer) is restored only on its lines that are not good Vietnamese: a clean document is never
decoded, and its restored text is the document.
"""

from __future__ import annotations

import bisect
import os
import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from .context import LOOKALIKE_DIGITS, proposals
from .decode import _MODELS, Cand, _param, candidates, decode_all, good_identity, register, unlikely
from .fixed import date_slot_edits, fixed_line_edits
from .lm import BOS_ID, COMMA_ID, NUM_ID
from .lexicon import lm_word
from .model import MODEL_DIR, Model, cached
from .tokens import _WORD as _WORDS, Token, is_junky, tokenize  # _WORDS: the tokeniser's word pattern
from .vietnamese import apply_case, canonical, case_pattern, copy_case, fold, has_marks, is_valid_syllable, nfc

__all__ = ["Change", "Restored", "restore", "load_model", "MODES"]

MODES = ("auto", "strip", "garbled")


@dataclass(frozen=True)
class Change:
    """One replaced token: its span in the input and in the output, and how sure the model is: the replacement's
    share of the max-marginals at its position (the best whole-sentence reading through it against the best
    through each rival; 0–1; 1.0 for a change that only normalises Unicode)."""

    start: int
    end: int
    new_start: int
    new_end: int
    original: str
    replacement: str
    score: float


@dataclass(frozen=True)
class Restored:
    text: str
    changes: tuple[Change, ...]
    modes: tuple[str, ...] = ()  # per input line: "garbled", "strip" or "good" (a line without words: the majority)

    def to_restored(self, pos: int) -> int:
        """An offset of the input → the matching offset of `text` (inside a replaced token: same letter index,
        clamped to the replacement)."""
        return _map_offset(pos, [((c.start, c.end), (c.new_start, c.new_end)) for c in self.changes])

    def to_original(self, pos: int) -> int:
        """An offset of `text` → the matching offset of the input."""
        return _map_offset(pos, [((c.new_start, c.new_end), (c.start, c.end)) for c in self.changes])


def _map_offset(pos: int, spans: list[tuple[tuple[int, int], tuple[int, int]]]) -> int:
    """`pos` on one side of the changes (their (from, to) spans, in order) → the matching offset on the other."""
    i = bisect.bisect_right([a for (a, _), _ in spans], pos) - 1
    if i < 0:
        return pos
    (start, end), (new_start, new_end) = spans[i]
    if pos < end:
        return new_start + min(pos - start, new_end - new_start)
    return pos + (new_end - end)


_LOADING = threading.Lock()


def load_model(folder: str | None = None) -> Model:
    """The model (loaded once per process; a thread that asks while another loads it waits for that one)."""
    with _LOADING:
        return cached(str(folder or MODEL_DIR))


def _after_fork() -> None:
    global _LOADING
    _LOADING = threading.Lock()  # (one held by a thread of the parent at the fork would be held for ever)


os.register_at_fork(after_in_child=_after_fork)


_SENTENCE_END = re.compile(r"[.!?…](?:[\"'”’)\]]*)(?:\s|$)|\n[ \t]*\n")
_COMMA = re.compile(r"[,;:]")


def _vietnamese_ocr_lines(text: str) -> list[bool]:
    """Lines holding letters only a Vietnamese-aware OCR (or typist) writes (ơ ư ă đ ạ ả ấ …, beyond Latin-1):
    their garble comes from the `vie` channel rather than from a generic engine's."""
    out = []
    for line in text.split("\n"):
        count = sum(1 for ch in nfc(line) if ord(ch) > 0xFF and ch.isalpha() and fold(ch) != ch)
        out.append(count >= 2)
    return out


@lru_cache(maxsize=200_000)
def _word_stats(model_key: int, word: str) -> tuple[int, ...] | None:
    """What a word token tells of its line (counted, marked, marked and known, junk, unknown even without marks,
    unknown as written); None for a token too short to judge. Cached: a text repeats its words."""
    if sum(ch.isalpha() for ch in word) < 2 and not is_junky(word):
        return None
    model = _MODELS[model_key]
    lower = nfc(word.lower())
    known = lower.isalpha() and is_valid_syllable(lower) and canonical(lower) in model.lm.ids
    marked = has_marks(lower)
    return (1, int(marked), int(marked and known), int(is_junky(word)),
            int(fold(lower) not in model.by_fold and lower not in model.lm.ids),
            int(not known and lower not in model.lm.ids))


def _good_line(counts: list[int]) -> bool:
    """The rule `_line_modes` reads a line as good by: written or read with its marks."""
    words, marks, marks_known, junk, _fold_unknown, unknown = counts
    return marks_known >= 0.5 * words or bool(marks and marks == marks_known and not junk and unknown <= 0.2 * words)


def _line_counts(line: str, model_key: int) -> list[int]:
    """`_line_modes`'s counts of one line of written text, judged without the tokeniser: the words are taken by the
    bare word pattern, so the parts of symbols in small letters or with marks count too, as unknown words (a line
    they tip is left to the full reading, never the other way); a code in capitals is no word to judge by
    (`_written_stats`)."""
    found = [stats for word in _WORDS.findall(line) if (stats := _written_stats(model_key, word)) is not None]
    return [sum(column) for column in zip(*found)] if found else [0, 0, 0, 0, 0, 0]


@lru_cache(maxsize=200_000)
def _written_stats(model_key: int, word: str) -> tuple[int, ...] | None:
    """`_word_stats` for a word of written text; None for a code in capitals that spells no Vietnamese syllable
    (`NĐ-CP`, `Lưu: VT, KGVX`, `VPUB`, `VIETNAM DUTY NOT PAID`): an acronym or a symbol's part, which restoring
    never improves. Those lines were read in full and came back unchanged at best, `các PCVP (đ/b)` → `cục PCVP
    (dự/bị)` at worst. A heading typed without its marks still counts (`CONG HOA XA HOI`: each a syllable); a
    marked word the model knows as written is known, syllable or not (`Tỉnh Đắk Lắk`)."""
    model = _MODELS[model_key]
    if word.isupper() and sum(ch.isalpha() for ch in word) >= 2 and fold(nfc(word.lower())) not in model.by_fold:
        return None
    stats = _word_stats(model_key, word)
    if stats is not None and stats[1] and not stats[2] and nfc(word.lower()) in model.lm.ids:
        # written with its marks as the model has seen it, a name outside the syllable grammar (`Đắk Lắk`)
        return (stats[0], 1, 1, *stats[3:])
    return stats


def _line_modes(tokens: list[Token], n_lines: int, model: Model) -> list[str]:
    """garbled / strip / good per line, from its word tokens; lines without words take the text's majority."""
    # per line: words, marked, marked and known, junk, unknown even without marks, unknown as written
    stats = [[0, 0, 0, 0, 0, 0] for _ in range(n_lines)]
    key = register(model)
    for tok in tokens:
        if tok.kind != "word":
            continue
        counts = _word_stats(key, tok.text)
        if counts is None:
            continue
        s = stats[tok.line]
        for i in range(6):
            s[i] += counts[i]
    modes = []
    for words, marks, marks_known, junk, fold_unknown, unknown in stats:
        if words == 0:
            modes.append("empty")
        elif _good_line([words, marks, marks_known, junk, fold_unknown, unknown]):
            modes.append("good")  # written or read with its marks: touch only what the model finds unlikely
        elif marks == 0 and junk == 0 and fold_unknown <= 0.1 * words:
            modes.append("strip")
        else:
            modes.append("garbled")
    counted = [m for m in modes if m != "empty"]
    majority = max(("garbled", "strip", "good"), key=counted.count) if counted else "good"
    garbled_share = counted.count("garbled") / len(counted) if counted else 0.0
    out = []
    for m, (words, *_rest) in zip(modes, stats):
        if m == "empty" or (words < 3 and counted):
            m = majority  # too little to judge
        if m != "garbled" and garbled_share >= 0.5:
            m = "garbled"  # mostly garbled OCR: a line that looks clean may still have wrong letters
        elif m == "strip" and garbled_share >= 0.3:
            m = "garbled"
        out.append(m)
    return out


def _confidence_of_words(text: str, confidences: list[float] | None) -> list[tuple[int, int, float]] | None:
    if confidences is None:
        return None
    words = [m.span() for m in re.finditer(r"\S+", text)]
    if len(words) != len(confidences):
        raise ValueError(f"{len(confidences)} confidences for {len(words)} whitespace-separated words")
    scale = 100.0 if any(c > 1.0 for c in confidences) else 1.0
    return [(a, b, c / scale) for (a, b), c in zip(words, confidences)]


def restore(text: str, mode: str = "auto", confidences: list[float] | None = None,
            model: Model | None = None, typed: bool = False) -> Restored:
    """Restore diacritics and repair OCR garble; see the module docstring.

    `confidences`: one OCR confidence per whitespace-separated word of `text` (0–1 or 0–100); words scored below
    the `garbled_below` parameter are read as garbled, words scored `good_lock` or more are kept unless they are
    no Vietnamese word (both off by default: see decode.DEFAULTS).

    `typed`: the text was written, not read by OCR (a text file, a PDF's own text layer). Its good lines are the
    author's words, not misreadings: they pass as they are, with no decoding, and only lines that are not good
    Vietnamese (typed without marks, mojibake, garble) are restored. The restored text of a clean document is
    the document. Without it (OCR'd text) a known word of a good line that fits its context badly is decoded too.
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r} (auto, strip, garbled)")
    model = model or load_model()
    if typed and mode == "auto" and confidences is None:
        doubtful = _doubtful_lines(text, register(model))
        if doubtful is not None:
            return _restore_lines(text, doubtful, model)
    return _restore(text, mode, confidences, model, typed)


def _doubtful_lines(text: str, model_key: int) -> list[tuple[int, int, int]] | None:
    """(line number, start, end) of each line of a written text that does not read well (`_line_counts`) and has
    words enough to be judged on its own (three); None when such lines are too many (30% of the lines with words:
    a text typed without marks, or garbled throughout), which the full reading handles as a whole."""
    out = []
    counted = 0
    start = 0
    for number, line in enumerate(text.split("\n")):
        counts = _line_counts(line, model_key)
        if counts[0]:
            counted += 1
            if counts[0] >= 3 and not _good_line(counts):
                out.append((number, start, start + len(line)))
        start += len(line) + 1
    return None if len(out) > 0.3 * counted else out


def _restore_lines(text: str, doubtful: list[tuple[int, int, int]], model: Model) -> Restored:
    """A written text that reads well but for a few lines: each run of such lines is read on its own (tokens,
    modes, decoding), the rest passes as it is. A clean document is not decoded at all."""
    modes = ["good"] * (text.count("\n") + 1)
    edits: list[tuple[Token, str, float]] = []
    blocks: list[tuple[int, int, int]] = []  # first line, start, end of runs of consecutive doubtful lines
    for number, start, end in doubtful:
        if blocks and number == blocks[-1][0] + text.count("\n", blocks[-1][1], blocks[-1][2]) + 1:
            blocks[-1] = (blocks[-1][0], blocks[-1][1], end)
        else:
            blocks.append((number, start, end))
    for first, start, end in blocks:
        part = _restore(text[start:end], "auto", None, model, typed=True)
        modes[first:first + len(part.modes)] = part.modes
        for c in part.changes:
            edits.append((Token(start + c.start, start + c.end, c.original, "word", first), c.replacement, c.score))
    inside = [(start, end) for _, start, end in blocks]
    for a, b, new in date_slot_edits(text):  # a written date's glyphs (`tháng II năm`), wherever they are
        if not any(s <= a and b <= e for s, e in inside):
            edits.append((Token(a, b, text[a:b], "word", text.count("\n", 0, a)), new, 1.0))
    return _assemble(text, edits, modes)


def _restore(text: str, mode: str, confidences: list[float] | None, model: Model, typed: bool) -> Restored:
    key = register(model)
    tokens = tokenize(text, model.knows)
    n_lines = text.count("\n") + 1
    if mode == "auto":
        modes = _line_modes(tokens, n_lines, model)
        if "garbled" in modes:
            # a line that a Vietnamese-aware OCR produced keeps what it read right: only unknown or unlikely words
            # change, through the `vie` channel
            vie_lines = _vietnamese_ocr_lines(text)
            modes = ["good" if m == "garbled" and vie else m for m, vie in zip(modes, vie_lines)]
    else:
        modes = [mode] * n_lines
    conf_words = _confidence_of_words(text, confidences)
    conf_starts = [a for a, _, _ in conf_words] if conf_words else []
    if typed and all(m == "good" for m in modes):  # good Vietnamese throughout: only written dates' glyphs
        return _assemble(text, [(Token(a, b, text[a:b], "word", text.count("\n", 0, a)), new, 1.0)
                                for a, b, new in date_slot_edits(text)], modes)

    # lattice positions, sentence by sentence
    sentences: list[list[tuple[Token | None, tuple[Cand, ...]]]] = [[]]
    checks: list[tuple[int, int]] = []
    prev_end = 0
    for tok in tokens:
        if prev_end:
            gap = text[prev_end:tok.start]
            if gap != " ":
                if _SENTENCE_END.search(gap):
                    sentences.append([])
                elif _COMMA.search(gap):
                    sentences[-1].append((None, _COMMA_CANDS))
        prev_end = tok.end
        if tok.kind == "number":
            sentences[-1].append((tok, _NUM_CANDS))
            continue
        if tok.kind == "fixed":
            sentences[-1].append((tok, _as_written(key, tok.text)))
            continue
        line_mode = modes[tok.line]
        if conf_words:
            i = bisect.bisect_right(conf_starts, tok.start) - 1
            conf = conf_words[i][2] if i >= 0 else 1.0
            if conf < _param(model, "garbled_below"):
                line_mode = "garbled"
            elif conf >= _param(model, "good_lock") and line_mode == "good" and \
                    is_valid_syllable(nfc(tok.text.lower())):
                sentences[-1].append((tok, _as_written(key, tok.text)))
                continue
        if line_mode == "good" and typed:  # a typed good line: context for its neighbours, never changed
            sentences[-1].append((tok, _as_written(key, tok.text)))
            continue
        if line_mode == "good":
            own = _good_identity(key, tok.text)
            if own is not None:  # a known word of good text: reconsidered only if it fits its context badly
                checks.append((len(sentences) - 1, len(sentences[-1])))
                sentences[-1].append((tok, own))
                continue
        sentences[-1].append((tok, candidates(model, tok.text, line_mode)))

    # the language model's own score: a known word of OCR'd good text that fits its context badly gets its rivals
    for si, pi in unlikely(model, [[cands for _, cands in sentence] for sentence in sentences], checks):
        tok = sentences[si][pi][0]
        assert tok is not None
        sentences[si][pi] = (tok, candidates(model, tok.text, "good"))

    replacements: list[tuple[Token, str, float]] = []
    sentences = [sentence for sentence in sentences if sentence]
    for tok, cand, confidence in _with_context(model, sentences, modes, _decode_open(model, sentences)):
        if modes[tok.line] == "good" and sum(ch.isalpha() for ch in tok.text) < 2:
            continue  # never a lone letter of good text ("V/v", "V" of an abbreviation)
        if modes[tok.line] == "strip":  # only marks are added: every letter keeps its case
            new = copy_case(cand.word, nfc(tok.text))
        else:
            new = apply_case(cand.word, case_pattern(tok.text))
        if new != tok.text:
            replacements.append((tok, new, round(confidence, 3)))

    # the fixed lines and the date slots are known without the model: their edits replace the model's there
    snapped = fixed_line_edits(text, None if not typed else {i for i, m in enumerate(modes) if m != "good"})
    fixed = [(Token(a, b, text[a:b], "word", text.count("\n", 0, a)), new, 1.0)
             for a, b, new in snapped + date_slot_edits(text)]
    spans = [(t.start, t.end) for t, _, _ in fixed]
    replacements = [r for r in replacements if not any(a < r[0].end and r[0].start < b for a, b in spans)]
    return _assemble(text, replacements + fixed, modes)


_NUM_CANDS = (Cand(NUM_ID, None, 0.0),)
_COMMA_CANDS = (Cand(COMMA_ID, None, 0.0),)


@lru_cache(maxsize=200_000)
def _as_written(model_key: int, word: str) -> tuple[Cand, ...]:
    """The one lattice entry of a token kept as written (a code, an acronym, a word the OCR was sure of)."""
    return (Cand(_MODELS[model_key].word_id(lm_word(word)), None, 0.0),)


@lru_cache(maxsize=200_000)
def _good_identity(model_key: int, word: str) -> tuple[Cand, ...] | None:
    return good_identity(_MODELS[model_key], word)


def _decode_open(model: Model, sentences: list[list[tuple[Token | None, tuple[Cand, ...]]]]
                 ) -> list[tuple[Token, Cand, float]]:
    """(token, chosen candidate, its confidence) of every position the decoder may change: one with rivals or a
    spelling of its own. Only windows around such positions are decoded, each with two fixed words of context
    on either side (or the sentence's edge): under a trigram model two fixed words in a row cut a sentence into
    parts that are decided apart, so the choice is the whole sentence's, and a sentence with nothing to change
    costs no decoding at all."""
    windows: list[tuple[int, int, list[int]]] = []
    for si, sentence in enumerate(sentences):
        group: list[int] = []
        for p, (_tok, cands) in enumerate(sentence):
            if len(cands) == 1 and cands[0].word is None:
                continue
            if group and p - group[-1] >= 3:
                windows.append((si, max(0, group[0] - 2), group))
                group = []
            group.append(p)
        if group:
            windows.append((si, max(0, group[0] - 2), group))
    if not windows:
        return []
    lattices = [[cands for _, cands in sentences[si][lo:group[-1] + 3]] for si, lo, group in windows]
    pruned, paths, shares = decode_all(model, lattices)
    out = []
    for (si, lo, group), lattice, path, share in zip(windows, pruned, paths, shares):
        for p in group:
            tok = sentences[si][p][0]
            cand = lattice[p - lo][path[p - lo]]
            if tok is not None and cand.word is not None:
                out.append((tok, cand, share[p - lo]))
    return out


def _with_context(model: Model, sentences: list[list[tuple[Token | None, tuple[Cand, ...]]]], modes: list[str],
                  first: list[tuple[Token, Cand, float]]) -> list[tuple[Token, Cand, float]]:
    """A second look with the words the context proposes (`context.proposals`): at each position the decoder may
    change — and at a number of look-alike digits in a garbled line (`56` for `số`) — the words its two decoded
    predecessors make likely are added; the sentences that gained any are decoded again."""
    key = register(model)
    best = {tok: cand for tok, cand, _ in first}
    changed: list[int] = []
    for si, sentence in enumerate(sentences):
        wids = []
        for tok, cands in sentence:
            cand = best.get(tok) if tok is not None else None
            wids.append((cand or next((c for c in cands if c.word is None), cands[0])).wid)
        grown = False
        for p, (tok, cands) in enumerate(sentence):
            if tok is None or tok.kind == "fixed" or modes[tok.line] != "garbled":
                continue  # a good line's words are the reading's own; a line typed without marks only lacks marks
            number = tok.kind == "number"
            if number and not LOOKALIKE_DIGITS.fullmatch(tok.text):
                continue
            if not number and len(cands) == 1 and cands[0].word is None:
                continue  # a word nothing doubts
            extra = proposals(key, "eng", nfc(tok.text.lower()),
                              wids[p - 2] if p >= 2 else BOS_ID, wids[p - 1] if p >= 1 else BOS_ID,
                              frozenset(c.wid for c in cands))
            if extra:
                sentence[p] = (tok, cands + extra)
                grown = True
        if grown:
            changed.append(si)
    if not changed:
        return first
    again = set(changed)
    where = {tok: si for si in again for tok, _ in sentences[si] if tok is not None}
    kept = [item for item in first if item[0] not in where]
    return kept + _decode_open(model, [sentences[si] for si in changed])


def _assemble(text: str, replacements: list[tuple[Token, str, float]], modes: list[str]) -> Restored:
    out: list[str] = []
    changes: list[Change] = []
    cursor = 0
    new_pos = 0
    edits = sorted((tok.start, tok.end, new, score) for tok, new, score in replacements)
    for start, end, new, score in edits:
        between = text[cursor:start]
        between_nfc = nfc(between)
        if between_nfc != between:  # keep offsets exact: a non-NFC stretch is a change of its own
            changes.append(Change(cursor, start, new_pos, new_pos + len(between_nfc), between, between_nfc, 1.0))
        out.append(between_nfc)
        new_pos += len(between_nfc)
        new = nfc(new)
        changes.append(Change(start, end, new_pos, new_pos + len(new), text[start:end], new, score))
        out.append(new)
        new_pos += len(new)
        cursor = end
    tail = text[cursor:]
    tail_nfc = nfc(tail)
    if tail_nfc != tail:
        changes.append(Change(cursor, len(text), new_pos, new_pos + len(tail_nfc), tail, tail_nfc, 1.0))
    out.append(tail_nfc)
    return Restored("".join(out), tuple(changes), tuple(modes))
