"""The letter's own number and day where they were written by hand: found in the text, read on the page, checked.

`nlp.blanks` says where the header's blanks are in the text; the words around them give their place on the page;
`ocr.handwriting` reads the digits written there; the reading is taken only when it is sure enough and agrees with
what else the letter says — a day on or shortly before the digital signature and the Công báo stamp, a number that
the letter prints elsewhere (`Kèm theo Quyết định số 84/QĐ-UBND`) when it does. Otherwise the number stays unknown
(`?/QĐ-UBND`) and the date partial: never a guess.
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
from collections import Counter
from dataclasses import replace
from typing import Any, Callable

from nlp.blanks import (Blank, find_blanks, line_day, line_month, line_number, numeric, plausible_day, with_day,
                        with_number)
from nlp.header import Header
from nlp.text import fold_lower

# Below these, a reading stays unknown. Measured on the labelled real letters (bench/real.py): every reading of a
# number at or above NUMBER_SAFE and of a day at or above DAY_SAFE (among the days the overlay dates allow) was right.
NUMBER_SAFE = 0.80
# of the probability left to the days the overlay dates allow. 0.80 → 0.50: on the 21 labelled letters with a
# handwritten day every reading at or above 0.5 was right (two more than at 0.8: `16` read as `46` and as a
# faint `16`, shares 0.52 and 0.70), while the signature's day they fell back to was right on 2 of the 6 below
DAY_SAFE = 0.50
MONTH_SAFE = 0.80  # a handwritten month: the reading's own confidence (no overlay narrows it as it does a day)
# A day the second reader does not confirm is taken only with other evidence: the digit reader's own probability of
# it at or above DAY_ALONE, or a signature at most DAYS_BEFORE_SIGNATURE days after it. Measured on the labelled
# real letters: the signed ones were dated 0 to 4 days before their signature; of the days read alone, those at 0.87
# and above were right and those at 0.28–0.71 right on 3 of 7 (a 3 for a 30, a 30 for a 20, a 4 for a 24 wrong).
DAY_ALONE = 0.80
DAYS_BEFORE_SIGNATURE = 7
DAY_FLOOR = 0.05  # and the day itself at least this share of the likeliest reading that is a day at all
NAME_AGREES = 0.1  # a number the file's name gives, taken when the ink gives it this share of its best reading
PRINT_SURE = 85.0  # Tesseract's confidence (0–100) above which digits it read in a blank are taken as printed


def _boxes(loaded: Any, span: tuple[int, int]) -> list[tuple[tuple[int, int], tuple[int, int, int, int]]]:
    """(text span, box) of the words overlapping `span` on the page it lies on."""
    return [((a, b), bbox) for a, b, _page, bbox in loaded.word_spans if a < span[1] and b > span[0]]


def _x_at(words: list[tuple[tuple[int, int], tuple[int, int, int, int]]], offset: int, char_width: float,
          from_right: bool = False) -> float | None:
    """The x position of a text offset inside the words: a printed letter is `char_width` wide (a word that OCR
    ran together with handwriting, `tháng01`, is wider than its letters; the pen's digits take the rest). At a word's
    edge, the edge — unless the word's box is much wider than its letters (OCR's box of `ngày` swallowed the pen's
    1 beside it)."""
    for (a, b), (x0, y0, x1, y1) in words:
        swallowed = char_width and (x1 - x0) > 1.5 * (b - a) * char_width + 0.5 * (y1 - y0)
        if offset == a:
            return x1 - 1.15 * (b - a) * char_width if swallowed else x0
        if offset == b:
            return x0 + 1.15 * (b - a) * char_width if swallowed else x1
        if a < offset < b:
            if from_right:
                return max(x0, x1 - (b - offset) * char_width)
            return min(x1, x0 + (offset - a) * char_width)
    return None


def _char_width(loaded: Any, spans: list[tuple[tuple[int, int], tuple[int, int, int, int]]]) -> float:
    """The width of a printed letter on the blank's line, from the line's words that are letters only."""
    top, bottom = min(b[1] for _, b in spans), max(b[3] for _, b in spans)
    widths = []
    for a, b, _page, box in loaded.word_spans:
        word = loaded.text[a:b].strip(".,:;")
        if word.isalpha() and len(word) >= 2 and min(bottom, box[3]) - max(top, box[1]) > 0.5 * (box[3] - box[1]):
            widths.append((box[2] - box[0]) / len(word))
    return sorted(widths)[len(widths) // 2] if widths else 0.0


def region(loaded: Any, blank: Blank) -> tuple[tuple[float, float, float, float], tuple[float, float, float, float],
                                              float] | None:
    """Where the blank is on its page, in the coordinates of the OCR'd page, and the printed letters' height.

    Between the printed word before it and the one after, widened to what OCR read as the blank's own word (a pen's
    digits overhang the printed words: Tesseract's box of `tháng` may start inside a handwritten 7). Also a wide
    region, a letter's height further into the words on each side, where ink of the pen's own colour is looked for. Returns (region, wide region, height of the printed letters)."""
    before = _boxes(loaded, blank.before)
    after = _boxes(loaded, blank.after)
    if not before or not after:
        return None
    after_text = loaded.text[blank.after[0] : blank.after[1]]
    after_start = blank.after[0] + len(after_text) - len(after_text.lstrip())
    height = float(sorted(b[3] - b[1] for _, b in before + after)[len(before + after) // 2])
    width = _char_width(loaded, before + after) or 0.55 * height
    left = _x_at(before, blank.before[1], width)
    right = _x_at(after, after_start, width, from_right=True)
    if left is None or right is None:
        return None
    if any(a < after_start for (a, _b), _box in after) and after_text.lstrip()[:1] in "/-":
        right -= 0.3 * height  # placed by interpolation inside a word ("157/QĐ"): keep clear of the slash
    inside = [box for span, box in _boxes(loaded, blank.span) if span[0] >= blank.before[1] and span[1] <=
              blank.after[0] + len(after_text) - len(after_text.lstrip())] if blank.span[1] > blank.span[0] else []
    if inside:
        left = min(left, min(b[0] for b in inside))
        right = max(right, min(max(b[2] for b in inside), right + 0.7 * height))
    if loaded.text[blank.before[1] - 1 : blank.before[1]] == ":":
        left -= 0.25 * height  # a digit may lean over the colon of "Số:"
    run_together = [(span, box) for span, box in before + after if span[0] < blank.before[1] < span[1] or
                    span[0] < after_start < span[1]]
    if run_together:  # OCR ran "ngày16tháng" together: its characters' own boxes say where the pen's digits are
        edges = _edges_from_characters(loaded, blank, run_together[0], after_start)
        if edges is not None:
            left = edges[0] if edges[0] is not None else left
            right = edges[1] if edges[1] is not None else right
        (start, _end), word_box = run_together[0]
        if right - left < 0.8 * height and start < blank.before[1]:
            # narrower than one written digit: the characters' boxes gave the pen's digits to the printed word's
            # last letter ("ngày15" read "ngày”"); its letters end about where their count of widths says
            left = min(left, word_box[0] + len(loaded.text[start : blank.before[1]].replace(" ", "")) * width)
    if right - left < 4:
        return None
    tops = [b[1] for _, b in before + after]
    bottoms = [b[3] for _, b in before + after]
    top, bottom = min(tops) - 0.4 * height, max(bottoms) + 0.5 * height
    wide_left, wide_right = left - height, right + height
    return (left, top, right, bottom), (wide_left, top, wide_right, bottom), height


def _edges_from_characters(loaded: Any, blank: Blank, word: tuple[tuple[int, int], tuple[int, int, int, int]],
                           after_start: int) -> tuple[float | None, float | None] | None:
    """(end of the printed letters before the blank, start of those after it) inside one OCR word, from
    Tesseract's character boxes of that word read again alone."""
    from ocr.handwriting import characters
    from ocr.preprocess import map_box

    page_no = loaded.text.count("\f", 0, blank.span[0]) + 1
    image, page = loaded.images.get(page_no), next((p for p in loaded.pages if p.page == page_no), None)
    if image is None or page is None or not page.transform:
        return None
    (a, b), box = word
    chars = [(ch, map_box(page.transform, cbox)) for ch, cbox in
             characters(image, map_box(page.transform, box, inverse=True))]
    printed_before = len(loaded.text[a : blank.before[1]].replace(" ", "")) if a < blank.before[1] else 0
    printed_after = len(loaded.text[after_start:b].replace(" ", "")) if after_start < b else 0
    if len(chars) <= printed_before + printed_after:
        return None
    left = chars[printed_before - 1][1][2] if printed_before else None
    right = chars[len(chars) - printed_after][1][0] if printed_after else None
    return (float(left) if left is not None else None), (float(right) if right is not None else None)


def _ocr_confidence(loaded: Any, span: tuple[int, int]) -> float:
    confs = [conf for (a, b, _p, _box), conf in zip(loaded.word_spans, loaded.word_confs)
             if a < span[1] and b > span[0]]
    return min(confs) if confs else 0.0


_MEMO: list[Any] = [None, {}]  # (a weak reference to the file last asked about, what was worked out for it)


def _once(loaded: Any, key: tuple[Any, ...], work: Callable[[], Any]) -> Any:
    """`work()` done once per file and key: the digit reader and the line reader both ask for a blank's region
    (a Tesseract run where OCR ran the pen's digits into a printed word, ~0.12 s), and the day's, the month's and
    the three-view checks all read the place-and-date line (three views, ~0.15 s). Only the last file asked about
    is remembered, through a weak reference (its page images are not held after it)."""
    if _MEMO[0] is None or _MEMO[0]() is not loaded:
        try:
            _MEMO[:] = [weakref.ref(loaded), {}]
        except TypeError:  # an object no weak reference can be made to: worked out every time
            return work()
    if key not in _MEMO[1]:
        _MEMO[1][key] = work()
    return _MEMO[1][key]


def _on_page(loaded: Any, blank: Blank) -> tuple[Any, Any, tuple[Any, Any, float]] | None:
    """(the page image, the page, the blank's region on it) for a blank, or None where the page was not kept."""
    if not getattr(loaded, "images", None):
        return None
    page_no = loaded.text.count("\f", 0, blank.span[0]) + 1
    image = loaded.images.get(page_no)
    page = next((p for p in loaded.pages if p.page == page_no), None)
    found = _once(loaded, ("region", blank), lambda: region(loaded, blank))
    if image is None or page is None or not page.transform or found is None:
        return None
    return image, page, found


def _read(loaded: Any, blank: Blank) -> Any:
    from ocr.handwriting import read_digits
    from ocr.preprocess import map_box

    located = _on_page(loaded, blank)
    if located is None:
        return None
    image, page, (box, wide, height) = located
    scale = abs(page.transform[0]) + abs(page.transform[1]) or 1.0
    return read_digits(image, map_box(page.transform, box, inverse=True), height / scale,
                       wide=map_box(page.transform, wide, inverse=True))


def _line_readings(loaded: Any, blank: Blank, whole_line: bool = False) -> tuple[Any, ...]:
    """A second reader's (`ocr.line_reader`, a line recogniser trained on Vietnamese handwriting) readings of three
    views of the segment around a blank — `Số: … /QĐ-UBND`, or with `whole_line` the place-and-date line — whose
    printed words tell it where the pen's digits stop; () when it is not installed or the blank is not found on the
    page. Read once per blank of a file."""
    return _once(loaded, ("line", blank, whole_line), lambda: _read_line(loaded, blank, whole_line))


def _read_line(loaded: Any, blank: Blank, whole_line: bool) -> tuple[Any, ...]:
    from ocr.line_reader import read_views
    from ocr.preprocess import map_box

    located = _on_page(loaded, blank)
    if located is None:
        return ()
    image, page, (box, _wide, height) = located
    if whole_line:
        start = loaded.text.rfind("\n", 0, blank.span[0]) + 1
        end = loaded.text.find("\n", blank.span[1])
        end = len(loaded.text) if end < 0 else end
        words = [bbox for a, b, _page, bbox in loaded.word_spans if a >= start and b <= end]
    else:
        words = [bbox for a, b, _page, bbox in loaded.word_spans if a < blank.after[1] and b > blank.before[0]]
    left, right = min([box[0]] + [w[0] for w in words]), max([box[2]] + [w[2] for w in words])
    x0, y0, x1, y1 = map_box(page.transform, (left - 0.3 * height, box[1] - 0.2 * height, right + 0.3 * height,
                                              box[3] + 0.2 * height), inverse=True)
    h, w = image.shape[:2]
    return read_views(image[max(0, int(y0)) : min(h, int(y1)), max(0, int(x0)) : min(w, int(x1))])


def _line_number(loaded: Any, blank: Blank) -> tuple[str | None, float] | None:
    """The number the second reader reads on the `Số: … /QĐ-UBND` segment — in two of its three views at least —
    with the probability of its digits (the best view's); (None, 0.0) when the views do not agree on a clean
    number, None when the reader is not installed or the blank is not on the page."""
    readings = _line_readings(loaded, blank)
    if not readings:
        return None
    read = [(line_number(r.text), r) for r in readings]
    votes = Counter(n for n, _r in read if n is not None)
    if not votes or votes.most_common(1)[0][1] < 2:
        return None, 0.0
    number = votes.most_common(1)[0][0]
    at = [(r, r.text.find(number)) for n, r in read if n == number]
    return number, max(round(r.span_probability(start, start + len(number)), 4) for r, start in at)


def _line_day_text(loaded: Any, blank: Blank) -> str:
    """The place-and-date line as the second reader reads it: the reading of a view whose day is the day most of
    the three views read; when no view reads a clean day, the first that reads one in look-alikes (`ngày O9`), or
    the first view's; "" when unread, or when views read different days as often (no evidence)."""
    readings = _line_readings(loaded, blank, whole_line=True)
    if not readings:
        return ""
    days = [line_day(r.text) for r in readings]
    ranked = Counter(d for d in days if d is not None).most_common(2)
    if ranked:
        return readings[days.index(ranked[0][0])].text if len(ranked) == 1 or ranked[0][1] > ranked[1][1] else ""
    return next((r.text for r in readings if line_day(r.text, lookalikes=True) is not None), readings[0].text)


def _bounds(header: Header) -> list[dt.date]:
    out = []
    for stamp in (header.signed_at, header.published_at):
        if stamp:
            try:
                out.append(dt.date.fromisoformat(stamp[:10]))
            except ValueError:
                pass
    return out


_ANNEX = re.compile(r"(?<![a-z])kem[ \t]+theo[^\n;]{0,40}\Z")  # `(Kèm theo Quyết định số `, `ban hành kèm theo `


def _printed_number(references: tuple[Any, ...], header: Header) -> str | None:
    """The letter's number as it prints it elsewhere — an annex titled `(Kèm theo Quyết định số 84/QĐ-UBND ngày
    03/02/2025 của …)`, a regulation `ban hành kèm theo Quyết định số 84/QĐ-UBND`: a reference with the same symbol
    but for the number, of the same type, dated on the letter's day (or in its printed month when the day is unknown
    too), read right after `kèm theo`. A document the letter cites is not it, even of the same day: `Căn cứ Quyết
    định số 929/QĐ-TTg ngày 28/8/2025` in the Thủ tướng's 932/QĐ-TTg of that day."""
    if not header.symbol:
        return None
    rest = re.sub(r"^[^/\-]*", "", header.symbol)
    month = header.date[:7] if header.date else header.date_partial
    numbers = {r.number for r in references if r.symbol.endswith(rest) and r.number and r.type_code ==
               header.type_code and r.date and (r.date == header.date or (not header.date and month and
                                                                          r.date.startswith(month)))
               and any(_annex_title(m) for m in r.mention_list)}
    return numbers.pop() if len(numbers) == 1 else None


def _annex_title(mention: Any) -> bool:
    before = mention.sentence[: max(0, mention.span[0] - mention.sentence_span[0])]
    return bool(_ANNEX.search(fold_lower(before))) and not fold_lower(mention.sentence).lstrip().startswith("can cu")


def fill_blanks(loaded: Any, header: Header, references: tuple[Any, ...] = ()) -> tuple[Header, dict[str, Any]]:
    """The header with its handwritten number and day read where they can be, and the evidence of each reading
    (field → {value, source, confidence, box, page, read_as}) for the store and the web page."""
    evidence: dict[str, Any] = {}
    if not getattr(loaded, "images", None):
        return header, evidence
    blanks = {b.field: b for b in find_blanks(loaded.text, header)}
    number_blank = blanks.get("number")
    if number_blank is not None and (header.symbol or "").startswith(("?", *"0123456789")):
        printed = numeric(number_blank.read)
        sure = printed is not None and _ocr_confidence(loaded, number_blank.span) >= PRINT_SURE
        second = _line_number(loaded, number_blank)
        if sure and second is not None and second[0] is not None and _digits(second[0]) != _digits(printed):
            # (a suffix `2760b` may go)
            sure = False  # the line reader reads the printed number otherwise (`222` for a thin `999`): not sure
        if not sure:
            reading = _read(loaded, number_blank)
            elsewhere = _printed_number(references, header)
            if elsewhere is not None:
                header = with_number(header, elsewhere, "print", 0.95)
                evidence["number"] = {"value": elsewhere, "source": "print", "read_as": number_blank.read}
            elif reading is not None and printed and _printed_plus_mark(printed, reading.text):
                # the hand reader took the printed slash or colon beside OCR's (typed) digits for a 1
                header = with_number(header, printed, "print", reading.confidence)
                evidence["number"] = {"value": printed, "source": "print", "confidence": reading.confidence,
                                      "box": reading.box, "read_as": number_blank.read}
            elif reading is not None and reading.text and (chosen := _agreed_number(reading, second)) is not None:
                number, confidence, agrees = chosen
                header = with_number(header, number, "handwriting", confidence)
                evidence["number"] = {"value": number, "source": "handwriting", "confidence": confidence,
                                      "box": reading.box, "read_as": reading.text}
                if agrees:
                    evidence["number"]["agrees_with"] = "line reader"
            elif reading is not None and (named := _named_number(loaded, header, reading)) is not None and \
                    (second is None or second[0] is None or named in (second[0], reading.text)):
                # with one of the readers: two of three
                likely = round(reading.probability(named), 4)  # what the ink alone gives the name's number
                header = with_number(header, named, "handwriting", likely)
                evidence["number"] = {"value": named, "source": "handwriting", "confidence": likely,
                                      "box": reading.box, "read_as": reading.text, "agrees_with": "file name"}
            else:  # neither the print nor the hand is read surely: unknown, never a guess
                header = _unknown_number(header)
                evidence["number"] = {"value": None, "source": "handwriting",
                                      "confidence": reading.confidence if reading else 0.0,
                                      "box": reading.box if reading else None,
                                      "read_as": (reading.text if reading else "") or number_blank.read}
        elif header.number_source is None:
            header = replace(header, number_source="print")
    month_blank = blanks.get("month")
    partial = header.date_partial or ""
    if month_blank is not None and len(partial) == 4 and not header.date:  # the month written by hand too
        header = _month_from_handwriting(loaded, header, month_blank, evidence)
    day_blank = blanks.get("day")
    if day_blank is not None and header.date_source in {None, "header"}:
        printed = numeric(day_blank.read)
        sure = printed is not None and header.date and _ocr_confidence(loaded, day_blank.span) >= PRINT_SURE
        if not sure:
            header = _day_from_handwriting(loaded, header, day_blank, evidence)
    for field, found in evidence.items():  # where OCR read the ink in the text, for `filled_text`
        if field in blanks:
            found.setdefault("span", list(blanks[field].span))
    return header, evidence


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def _agreed_number(reading: Any, second: tuple[str | None, float] | None) -> tuple[str, float, bool] | None:
    """The handwritten number the two readers support, its confidence, and whether they agree; None when they do
    not (a wrong number is worse than `?`):
    - both read the same digits: taken, however unsure each is alone (`24` at 0.51 and the line's `Số: 24 /TTr`);
    - no second reader (not installed, the segment not on the page): the digit reader alone, when it is sure
      (NUMBER_SAFE);
    - the line was read but gives no clean number (`số: A/kh-dct`): nothing agrees, and a sure digit reader alone was
      wrong as often as right on the labelled real letters (`83` at 0.99 for 753, `666` at 0.92 right): unknown;
    - the digit reader is unsure and gives the line's number a fair share of its own best reading's probability
      (NAME_AGREES, as for a file name): the line's number (`254` at 0.61, `154` at 0.39, the line `Số:154/CTPH`);
    - two clean readings that differ (`16636` and `169`): neither. (Taking the digit reader when it is very sure
      was tried: right on two development letters, `01` at 0.96 against the line's `07`, and wrong on an unseen
      university's `224` at 0.99 for 221.)"""
    if second is None:
        return (reading.text, reading.confidence, False) if reading.confidence >= NUMBER_SAFE else None
    number, line_confidence = second
    if number is None:
        return None
    if number == reading.text:
        return number, round(1 - (1 - reading.confidence) * (1 - line_confidence), 4), True
    if reading.confidence < NUMBER_SAFE and len(number) == len(reading.distributions) and \
            reading.probability(number) >= NAME_AGREES * reading.confidence:
        return number, round(reading.probability(number) / max(reading.confidence, 1e-9) * line_confidence, 4), True
    return None


def _named_number(loaded: Any, header: Header, reading: Any) -> str | None:
    """The number the file's name gives the letter (`11CT.pdf`, `24_TTR.signed.pdf`, `87_QDUB.pdf`: digits, then the
    letter's own type code), when the ink agrees: the hand reader gives it at least NAME_AGREES of the probability
    of its own best reading (`11` read `41`, a felt pen's flagged 1 taken for a 4). Else None."""
    name, code = getattr(loaded, "name", None), header.type_code
    if not name or not code or not reading.distributions:
        return None
    key = fold_lower(code)
    stem = fold_lower(name.split(".")[0])  # `24_TTR.signed.pdf` → `24_ttr`
    found = {m.group(1) for m in re.finditer(r"(?<![0-9])([0-9]{1,5})[ _\-.]*([a-z]+)", stem)
             if m.group(2).startswith(key)}
    if len(found) != 1:
        return None
    (number,) = found
    if len(number) != len(reading.distributions) or reading.probability(number) < NAME_AGREES * reading.confidence:
        return None
    return number


def _printed_plus_mark(printed: str, read: str) -> bool:
    """The digit reader saw OCR's printed digits and more (the slash or colon beside them taken for a 1), or less
    (its region cut into them): the number is printed, and OCR's reading of it stands."""
    return (len(read) == len(printed) + 1 and (read == printed + "1" or read == "1" + printed)) or \
        (bool(read) and read != printed and read in printed)  # (nothing read is no part of it)


def _unknown_number(header: Header) -> Header:
    symbol = header.symbol or "?"
    rest = symbol[1:] if symbol.startswith("?") else re.sub(r"^[^/\-]*", "", symbol)
    return replace(header, symbol="?" + rest, number=None, number_source=None, number_confidence=None)


def _month_from_handwriting(loaded: Any, header: Header, blank: Blank, evidence: dict[str, Any]) -> Header:
    """The month written by hand: the digit reader's when it is sure of it (MONTH_SAFE), else the month all three
    of the line reader's views read on the place-and-date line (`ngày 03 tháng 08 năm 2017` while the digit
    reader over-segments the blank: `039`) — never after the signature or publication date. (Over the 57 real
    letters with a date blank, the three views agreed on a month 45 times, the right one each time.)"""
    reading = _read(loaded, blank)
    bounds = _bounds(header)
    year = int(header.date_partial[:4])
    allowed = lambda month: not bounds or dt.date(year, month, 1) <= min(bounds)  # noqa: E731
    for text, confidence in ((reading.text, reading.confidence), *reading.alternatives) if reading else ():
        if text.isdigit() and 1 <= int(text) <= 12 and confidence >= MONTH_SAFE and allowed(int(text)):
            evidence["month"] = {"value": int(text), "source": "handwriting", "confidence": confidence,
                                 "box": reading.box, "read_as": blank.read}
            return replace(header, date_partial=f"{year:04d}-{int(text):02d}")
    views = [line_month(r.text) for r in _line_readings(loaded, blank, whole_line=True)]
    if len(views) == 3 and views[0] is not None and views.count(views[0]) == 3 and allowed(views[0]):
        evidence["month"] = {"value": views[0], "source": "handwriting", "confidence": 1.0,
                             "box": reading.box if reading else None, "read_as": blank.read,
                             "agrees_with": "line reader (three views)"}
        return replace(header, date_partial=f"{year:04d}-{views[0]:02d}")
    return header


def _day_from_handwriting(loaded: Any, header: Header, blank: Blank, evidence: dict[str, Any]) -> Header:
    partial = header.date_partial or (header.date[:7] if header.date else None)
    if not partial or len(partial) < 7:
        return header
    year, month = int(partial[:4]), int(partial[5:7])
    reading = _read(loaded, blank)
    bounds = _bounds(header)
    if reading is None or not reading.text:
        return replace(header, date=None, date_partial=partial, date_source=None) if header.date_source == "header" \
            and numeric(blank.read) is None else header
    # the day given what else is known: of the days this reading could be (as many digits as were read), those the
    # signature and publication dates allow, the most probable — taken when it holds most of their probability
    digits = len(reading.distributions)
    days = [d for d in range(1, 32) if len(f"{d:0{digits}d}") == digits and plausible_day(d, month, year, bounds)]
    weights = {d: reading.probability(f"{d:0{digits}d}") for d in days}
    # the likeliest reading that is a day of any month at all: a `45` (a 1 read as 4) is none, a `19` when the
    # letter was signed on the 11th is one, and then a 10 the overlay dates allow is no better than a guess
    likeliest_day = max(reading.probability(f"{d:0{digits}d}") for d in range(1, 32) if len(f"{d:0{digits}d}") ==
                        digits) if digits <= 2 else 0.0
    total = sum(weights.values())
    chosen = None
    if total > 0:
        day = max(weights, key=weights.get)
        share = weights[day] / total
        if share >= DAY_SAFE and weights[day] >= DAY_FLOOR * likeliest_day:
            chosen = day, share
    line_text = _line_day_text(loaded, blank)
    lined = _line_day(line_text, reading, month, year, bounds)
    if lined is not None and (chosen is None or chosen[0] != lined):
        chosen = lined, reading.probability(f"{lined:0{digits}d}") / max(reading.confidence, 1e-9) if \
            len(f"{lined:0{digits}d}") == digits else 0.5
    elif lined is None and chosen is not None and not _day_supported(chosen[0], reading, line_text, month, year,
                                                                     bounds):
        chosen = None
    agreed = None
    if chosen is None and lined is None:
        agreed = _unanimous_day(loaded, blank, month, year, bounds, reading.text)
        if agreed is not None:
            chosen = agreed, 1.0
    if chosen is not None:
        day, share = chosen
        evidence["day"] = {"value": day, "source": "handwriting", "confidence": round(min(1.0, share), 4),
                           "box": reading.box, "read_as": blank.read}
        if lined == day:
            evidence["day"]["agrees_with"] = "line reader"
        elif agreed == day:
            evidence["day"]["agrees_with"] = "line reader (three views)"
        return with_day(header, day, "handwriting", min(1.0, share))
    evidence["day"] = {"value": None, "source": "handwriting", "confidence": reading.confidence, "box": reading.box,
                       "read_as": reading.text}
    return replace(header, date=None, date_partial=partial, date_source=None)


def _unanimous_day(loaded: Any, blank: Blank, month: int, year: int, bounds: list[dt.date],
                   digits_read: str = "") -> int | None:
    """The day all three of the line reader's views read on the place-and-date line, where the digit reader gives
    no day (`633` for the pen's 03, over-segmented; `18` for a 28 the three views read alike), when the day is
    possible (not after the signature or publication date) and no digit was lost (one digit, `ngày5`, where the
    digit reader saw two, `45`: the 1 of 15). Over the 57 real letters with a date blank the three views agreed
    on a day 28 times, the right day each time; two of three are no evidence on their own."""
    views = [line_day(r.text) for r in _line_readings(loaded, blank, whole_line=True)]
    if len(views) != 3 or views[0] is None or views.count(views[0]) != 3:
        return None
    day = views[0]
    if day < 10 and len(digits_read) == 2 and digits_read.isdigit() and not digits_read.startswith("0"):
        return None
    return day if plausible_day(day, month, year, bounds) else None


def _day_supported(day: int, reading: Any, line_text: str, month: int, year: int, bounds: list[dt.date]) -> bool:
    """Is the day the digit reader chose, which the second reader does not confirm, supported all the same?
    - not when the place-and-date line says another day the overlay dates allow, even in look-alikes (`ngày O9tháng`
      against a `19`; a one-digit `ngày5` inside a `15` is no other day);
    - then when the digit reader is sure of it alone (DAY_ALONE), or the letter was signed within
      DAYS_BEFORE_SIGNATURE days after it (the signature agrees).
    Else the day stays unknown (and the signature's day, where there is one, stands in for it)."""
    said = line_day(line_text, lookalikes=True)
    if said is not None and said != day and plausible_day(said, month, year, bounds) and \
            not (said < 10 and str(said) in f"{day:02d}"):
        return False
    if reading.probability(f"{day:0{len(reading.distributions)}d}") >= DAY_ALONE:
        return True
    return bool(bounds) and 0 <= (min(bounds) - dt.date(year, month, day)).days <= DAYS_BEFORE_SIGNATURE


def _line_day(line_text: str, reading: Any, month: int, year: int, bounds: list[dt.date]) -> int | None:
    """The day the second reader reads on the place-and-date line (`Kiên Giang, ngày 28 tháng 8 năm 2017`), when
    the digit reader's ink supports it: it gives that day a fair share of its own best reading (NAME_AGREES), or it
    read one digit that the line's two end with (`8` of a `28` whose 2 it lost), or it read no day at all and the
    line's day, read with as many digits, differs from it in one digit only (`98`, the line's `28`; not the
    line's `5` of a `45`, which lost the 1 of 15). A day the overlay dates rule out, or a line
    that reads no clean day (`ngàyA háng`, `ngày lO`), is no evidence."""
    day = line_day(line_text)
    if day is None or not plausible_day(day, month, year, bounds):
        return None
    digits = len(reading.distributions)
    as_read = f"{day:0{digits}d}"
    if len(as_read) == digits and reading.probability(as_read) >= NAME_AGREES * reading.confidence:
        return day
    if digits == 1 and day >= 10 and str(day).endswith(reading.text):
        return day
    if _no_day(reading.text) and len(str(day)) == digits == len(reading.text) and \
            sum(a != b for a, b in zip(as_read, reading.text)) == 1:
        return day  # the digit reader's `98` is no day at all: the line's `28` agrees with the digit that stands
    return None


def _no_day(text: str) -> bool:
    return text.isdigit() and not 1 <= int(text) <= 31


def restored_offset(changes: tuple[tuple[int, int, int, int], ...], offset: int, left: bool) -> int:
    """An offset of the text as read → the restored text's (`changes`: (start, end, new start, new end), in order).
    An offset inside a change goes to the change's start (`left`) or end."""
    shift = 0
    for start, end, new_start, new_end in changes:
        if offset <= start:
            break
        if offset < end:
            return new_start if left else new_end
        shift = new_end - end
    return offset + shift


def ink_span(evidence: dict[str, Any], restored: str | None,
             changes: tuple[tuple[int, int, int, int], ...]) -> tuple[int, int]:
    """Where OCR read the pen's ink (the evidence's `span`, offsets of the text as read), as offsets of the corrected
    text (the restored one when there is one)."""
    a, b = (int(v) for v in evidence["span"])
    if restored is None:
        return a, max(a, b)
    start = restored_offset(changes, a, True)
    return start, max(restored_offset(changes, b, False), start)


def in_place(base: str, start: int, end: int, value: str) -> str:
    """The reading as it takes the place of the ink `base[start:end]`: apart from printed letters OCR ran into it
    (`Só:‡#45/GM` → `Só: 745/GM`), joined to a symbol's `/` or `-` after it."""
    left = " " if start and not base[start - 1].isspace() else ""
    right = " " if end < len(base) and not base[end].isspace() and base[end] not in "/-" else ""
    return left + value + right


def filled_text(text: str, restored: str | None, changes: tuple[tuple[int, int, int, int], ...],
                spans: tuple[tuple[int, int, int, tuple[int, int, int, int]], ...], blanks: dict[str, Any]) -> str:
    """The corrected text with what was written by hand in the header's blanks where it was written — the text of
    `vanban ocr`, the sidecar and the PDF's layer alike:

        OCR read `Số: /QĐ-UBND`, the pen wrote 47 in the blank     → `Số: 47/QĐ-UBND`
        OCR read `Số: S@8/KH-UBND` over the pen's 58               → `Số: 58/KH-UBND`
        `…, ngày  tháng 01 năm 2025`, the pen wrote 24            → `…, ngày 24 tháng 01 năm 2025`

    The reading takes the place of what OCR read in the blank (the evidence's `span`, mapped through the
    restoration), the printed words around it kept even where OCR ran them into the ink (`Só:‡#45/GM-UBND` →
    `Số: 745/GM-UBND`, `ngày.#4 tháng` → `ngày 22 tháng`). Evidence without a span (stored by an older vanban)
    goes by boxes, as the layer's `written`: the first word over the blank takes the reading (a number keeps the
    printed symbol after it); with no word there, the reading goes before the first word right of the blank on
    its line (joined to a symbol's `/`), else after the last word left of it."""
    base = restored if restored is not None else text
    placed = [(max(restored_offset(changes, a, True), 0) if restored is not None else a,
               restored_offset(changes, b, False) if restored is not None else b, page, box) for a, b, page, box in spans]
    first = min((page for _, _, page, _ in spans), default=1)
    edits: list[tuple[int, int, str]] = []
    for field, evidence in (blanks or {}).items():
        if not (evidence.get("value") and evidence.get("box") and evidence.get("source") == "handwriting"):
            continue
        value = str(evidence["value"])
        if evidence.get("span"):
            start, end = ink_span(evidence, restored, changes)
            edits.append((start, end, in_place(base, start, end, value)))
            continue
        box = tuple(int(v) for v in evidence["box"])
        page = int(evidence.get("page") or first)
        line = [(a, b, w) for a, b, p, w in placed if p == page and min(w[3], box[3]) - max(w[1], box[1]) > 0]
        over = next(((a, b) for a, b, w in line if min(w[2], box[2]) - max(w[0], box[0]) > 0.5 * (box[2] - box[0])),
                    None)
        if over is not None:
            word = base[over[0]:over[1]]
            rest = word[word.index("/"):] if field == "number" and "/" in word else ""
            edits.append((over[0], over[1], value + rest))
            continue
        right = [(a, w) for a, _, w in line if w[0] >= (box[0] + box[2]) / 2]
        left = [(b, w) for _, b, w in line if w[2] <= (box[0] + box[2]) / 2]
        if right:
            at = min(right, key=lambda item: item[1][0])[0]
            edits.append((at, at, value + ("" if base.startswith("/", at) else " ")))
        elif left:
            at = max(left, key=lambda item: item[1][2])[0]
            edits.append((at, at, " " + value))
    for start, end, new in sorted(edits, reverse=True):
        base = base[:start] + new + base[end:]
    return base
