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


def test_the_subject_a_blank_line_under_the_number_stays_in_the_left_column():
    # `Số: 275 /STTTT-CNTT` written large, the trích yếu a blank line lower: still under the left column
    rows = [
        (180, [(270, "UBND TỈNH PHÚ THỌ"), (1030, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA")], (1, 1, 1)),
        (250, [(50, "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"), (1280, "Độc lập")], (1, 1, 2)),
        (370, [(250, "Số: /STTTT-CNTT"), (1180, "Phú Thọ, ngày 16")], (1, 1, 3)),
        (471, [(100, "V/v đăng ký danh sách")], (1, 1, 4)),
        (530, [(280, "năng sử dụng máy tính.")], (1, 1, 5)),
        (720, [(500, "Kính gửi:")], (2, 1, 1)),
    ]
    assert text(arrange(words_of(rows, height=53), 2480)) == [
        "UBND TỈNH PHÚ THỌ", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Số: /STTTT-CNTT", "V/v đăng ký danh sách",
        "năng sử dụng máy tính.", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "Độc lập", "Phú Thọ, ngày 16", "Kính gửi:"]
    # three blank lines lower it is the body's, after the header
    far = [row if row[0] < 400 else (row[0] + 150, *row[1:]) for row in rows]
    assert text(arrange(words_of(far, height=53), 2480))[3:6] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "Độc lập",
                                                                    "Phú Thọ, ngày 16"]


def test_a_signature_area_whose_columns_share_no_row_reads_left_column_first():
    # the signer's title above "Nơi nhận:", the name below it: title and name stay together
    rows = [
        (1600, [(330, "Vậy sở Thông tin và Truyền thông gửi các đơn vị biết và tham gia.")], (1, 1, 1)),
        (1775, [(1430, "KT. GIÁM ĐỐC")], (2, 1, 1)),
        (1846, [(1420, "PHÓ GIÁM ĐỐC")], (2, 1, 2)),
        (1920, [(200, "Nơi nhận:")], (3, 1, 1)),
        (1976, [(200, "- Như trên;")], (3, 1, 2)),
        (2082, [(230, "- Lưu: CNTT, VT.")], (3, 1, 3)),
        (2235, [(1430, "Nguyễn Hữu Việt")], (4, 1, 1)),
    ]
    assert text(arrange(words_of(rows), 2480)) == [
        "Vậy sở Thông tin và Truyền thông gửi các đơn vị biết và tham gia.", "Nơi nhận:", "- Như trên;",
        "- Lưu: CNTT, VT.", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Hữu Việt"]
    # look-alike that keeps its order: one side only, or the left column above the right
    ordered = [rows[0], rows[3], rows[4], rows[1], rows[2]]
    ordered = [(1600 + 70 * k, cols, key) for k, (_, cols, key) in enumerate(ordered)]
    assert text(arrange(words_of(ordered), 2480)) == [
        "Vậy sở Thông tin và Truyền thông gửi các đơn vị biết và tham gia.", "Nơi nhận:", "- Như trên;",
        "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
