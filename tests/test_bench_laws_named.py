"""bench/laws_named.py's labels: a law a Căn cứ line cites with its number is cut to its name where it ends its list
item, and left alone elsewhere (sentences written for the test)."""

from bench.laws_named import cases

TEXT = ("QUYẾT ĐỊNH\nCăn cứ Luật Tổ chức chính quyền địa phương số 77/2015/QH13 ngày 19 tháng 6 năm 2015;\n"
        "Căn cứ Luật Đầu tư công số 39/2019/QH14, Luật Xây dựng số 50/2014/QH13 và Luật Đất đai số 31/2024/QH15;\n"
        "Căn cứ Luật Đất đai số 31/2024/QH15 được sửa đổi, bổ sung một số điều theo Luật số 43/2024/QH15;\n"
        "Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Đầu tư công số 58/2024/QH15;\n"
        "Điều 1. Theo Luật Đầu tư công số 39/2019/QH14, …\n")


def test_laws_ending_their_list_item_are_cut_to_their_names():
    cut, found = cases(TEXT)
    assert [(name, printed) for _, _, name, printed in found] == [
        ("Luật Tổ chức chính quyền địa phương", "77/2015/QH13"), ("Luật Đầu tư công", "39/2019/QH14"),
        ("Luật Xây dựng", "50/2014/QH13"), ("Luật Đất đai", "31/2024/QH15")]
    assert all(cut[start:end] == name for start, end, name, _ in found)
    assert "Căn cứ Luật Tổ chức chính quyền địa phương;\n" in cut
    assert "Căn cứ Luật Đầu tư công, Luật Xây dựng và Luật Đất đai;\n" in cut
    # look-alikes left as printed: an amended law's own line, an amending law, a law outside the Căn cứ lines
    assert "Luật Đất đai số 31/2024/QH15 được sửa đổi" in cut
    assert "Luật Đầu tư công số 58/2024/QH15;" in cut and "Theo Luật Đầu tư công số 39/2019/QH14" in cut
