from ocr.layout import RawWord, arrange


def words_of(rows, height=50):
    """rows: list of (y, [(x, "words of a column"), ...], line key) → RawWords as an engine would give them:
    each column's words set from x with ordinary spaces (16 px) between them."""
    out = []
    for y, columns, key in rows:
        for x, phrase in columns:
            for word in phrase.split():
                out.append(RawWord(word, 95.0, x, y, 22 * len(word), height, key))
                x += 22 * len(word) + 16
    return out


def text(lines):
    return [" ".join(w.text for w in line) for line in lines]


def test_header_columns_read_one_after_the_other():
    rows = [
        (100, [(400, "ỦY BAN NHÂN DÂN"), (1250, "CỘNG HÒA")], (1, 1, 1)),
        (180, [(420, "TỈNH QUẢNG NGÃI"), (1300, "Độc lập")], (1, 1, 2)),
        (260, [(450, "Số: 58/KH-UBND"), (1200, "Quảng Ngãi, ngày")], (1, 1, 3)),
        (400, [(350, "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15")], (2, 1, 1)),
    ]
    lines = text(arrange(words_of(rows), 2480))
    assert lines == ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI", "Số: 58/KH-UBND", "CỘNG HÒA", "Độc lập",
                     "Quảng Ngãi, ngày", "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15"]


def test_one_sided_lines_under_a_column_stay_with_it():
    rows = [
        (100, [(400, "UBND TỈNH"), (1250, "CỘNG HÒA")], (1, 1, 1)),
        (180, [(420, "SỞ NỘI VỤ"), (1300, "Độc lập")], (1, 1, 2)),
        (260, [(380, "V/v trả lời")], (1, 1, 3)),
    ]
    assert text(arrange(words_of(rows), 2480)) == ["UBND TỈNH", "SỞ NỘI VỤ", "V/v trả lời", "CỘNG HÒA", "Độc lập"]


def test_body_lines_are_never_split():
    rows = [(100 + 80 * k, [(350, " ".join(f"từ{k}{j}" for j in range(16)))], (1, 1, k)) for k in range(5)]
    lines = arrange(words_of(rows), 2480)
    assert len(lines) == 5 and all(len(line) == 16 for line in lines)


def test_engine_order_of_signature_blocks_is_fixed():
    # the engine gives the right-hand block first; the left column is still read first
    rows = [
        (100, [(1300, "KT. CHỦ TỊCH")], (3, 1, 1)),
        (150, [(1300, "PHÓ CHỦ TỊCH")], (3, 1, 2)),
        (100, [(360, "Nơi nhận:")], (2, 1, 1)),
        (150, [(360, "- Như trên;")], (2, 1, 2)),
        (200, [(360, "- Lưu: VT.")], (2, 1, 3)),
    ]
    assert text(arrange(words_of(rows), 2480)) == ["Nơi nhận:", "- Như trên;", "- Lưu: VT.", "KT. CHỦ TỊCH",
                                                   "PHÓ CHỦ TỊCH"]
