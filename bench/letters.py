"""Generated text letters that cite each other by number and date: the input of bench/scale.py.

Each letter is laid out as Nghị định 30/2020 prescribes and as the letters of corpus/letters/ are: the issuing body
and its parent, `Số: N/…`, the national motto, `<place>, ngày … tháng … năm …`, the type and the trích yếu or
`V/v …`, then a body of `Căn cứ …;` / `Thực hiện …` / `Trả lời …` sentences and ordinary administrative prose,
and the signature block. Letters are issued in date order across sixteen provinces by the provincial People's
Committee (Kế hoạch, Quyết định, Báo cáo, công văn) and four departments (công văn), each body numbering its
documents from 1 every year, so that every symbol is a real document of one province.

What a letter cites (about ten documents, like the 100,000-document store of bench/query.py):
- two or three national documents (Nghị quyết 57-NQ/TW, Nghị định 30/2020/NĐ-CP, …): the archive's hubs;
- six to nine earlier letters of its own province, chosen with a skew (a few plans are cited by hundreds of
  letters, most by a handful), written with their number, type, date and issuer (`của Ủy ban nhân dân tỉnh`);
- now and then a letter of another province, named (`của Ủy ban nhân dân tỉnh Nghệ An`), and a document that is
  not in the archive (a Tờ trình), which stays a stub;
- a `về triển khai thực hiện …` clause that asserts a citation between two cited documents.

Everything is drawn from a seeded random generator: the same (count, seed) gives the same letters, and the first
1,000 of 10,000 letters are the 1,000 letters.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from dataclasses import dataclass
from pathlib import Path

PROVINCES = ["Quảng Ngãi", "Nghệ An", "Bình Định", "Hà Nội", "Đà Nẵng", "Cần Thơ", "Thanh Hóa", "Lâm Đồng",
             "Hải Phòng", "Khánh Hòa", "Gia Lai", "Đắk Lắk", "Huế", "Quảng Ninh", "Lào Cai", "An Giang"]
CITIES = {"Hà Nội", "Đà Nẵng", "Cần Thơ", "Hải Phòng", "Huế"}

# (issuing body line, its parent line or None, kind code in the symbol, spoken name in a citation)
UBND = ("ỦY BAN NHÂN DÂN", None, "UBND", "Ủy ban nhân dân tỉnh")
DEPARTMENTS = [
    ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", "SKHCN", "CĐS", "Sở Khoa học và Công nghệ"),
    ("SỞ NỘI VỤ", "SNV", "XDCQ", "Sở Nội vụ"),
    ("SỞ TÀI CHÍNH", "STC", "QLNS", "Sở Tài chính"),
    ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SGDĐT", "KHTC", "Sở Giáo dục và Đào tạo"),
]
# what the provincial People's Committee issues: (type code or None for a công văn, type name, heading)
UBND_KINDS = [("KH", "Kế hoạch", "KẾ HOẠCH"), ("QĐ", "Quyết định", "QUYẾT ĐỊNH"), ("BC", "Báo cáo", "BÁO CÁO"),
              (None, "Công văn", None), (None, "Công văn", None)]

NATIONAL = [  # (citation, date, weight): the hubs of the archive, each cited only after its date
    ("Luật Tổ chức chính quyền địa phương số 77/2015/QH13 ngày 19/6/2015", "2015-06-19", 4),
    ("Thông tư số 01/2011/TT-BNV ngày 19/01/2011 của Bộ Nội vụ hướng dẫn thể thức và kỹ thuật trình bày văn bản",
     "2011-01-19", 1),
    ("Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ về thực hiện cơ chế một cửa, một cửa liên thông",
     "2018-04-23", 3),
    ("Nghị quyết số 17/NQ-CP ngày 07/3/2019 của Chính phủ về một số nhiệm vụ, giải pháp trọng tâm phát triển Chính "
     "phủ điện tử", "2019-03-07", 5),
    ("Nghị quyết số 52-NQ/TW ngày 27/9/2019 của Bộ Chính trị về một số chủ trương, chính sách chủ động tham gia "
     "cuộc Cách mạng công nghiệp lần thứ tư", "2019-09-27", 6),
    ("Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư", "2020-03-05", 8),
    ("Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ phê duyệt Chương trình Chuyển đổi số quốc gia",
     "2020-06-03", 6),
    ("Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ phê duyệt Đề án phát triển ứng dụng dữ liệu "
     "về dân cư", "2022-01-06", 4),
    ("Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, đổi mới "
     "sáng tạo và chuyển đổi số quốc gia", "2024-12-22", 10),
]

SUBJECTS = [
    "triển khai thực hiện chuyển đổi số", "đẩy mạnh cải cách hành chính", "tăng cường công tác văn thư, lưu trữ",
    "thực hiện dịch vụ công trực tuyến toàn trình", "bảo đảm an toàn thông tin mạng",
    "phát triển kinh tế số và xã hội số", "nâng cao chất lượng nguồn nhân lực", "quản lý, sử dụng ngân sách nhà nước",
    "xây dựng chính quyền điện tử", "phổ biến, giáo dục pháp luật", "kiện toàn tổ chức bộ máy",
    "thực hiện Đề án 06 về dữ liệu dân cư", "tổ chức các hoạt động hưởng ứng Ngày Chuyển đổi số quốc gia",
    "đánh giá kết quả thực hiện nhiệm vụ năm", "phân bổ kinh phí thực hiện nhiệm vụ khoa học và công nghệ",
]
PROSE = [
    "Các sở, ban, ngành tỉnh; Ủy ban nhân dân các xã, phường, đặc khu căn cứ chức năng, nhiệm vụ được giao chủ động "
    "xây dựng kế hoạch triển khai thực hiện, bảo đảm tiến độ và hiệu quả.",
    "Tăng cường công tác kiểm tra, giám sát, đôn đốc việc thực hiện; kịp thời tháo gỡ khó khăn, vướng mắc phát sinh "
    "trong quá trình triển khai.",
    "Bố trí kinh phí thực hiện từ nguồn ngân sách nhà nước theo phân cấp hiện hành và các nguồn huy động hợp pháp "
    "khác theo quy định của pháp luật.",
    "Đẩy mạnh công tác thông tin, tuyên truyền để cán bộ, công chức, viên chức và Nhân dân hiểu rõ mục đích, ý nghĩa "
    "và lợi ích của việc thực hiện.",
    "Định kỳ hằng quý, sáu tháng và năm báo cáo kết quả thực hiện về Ủy ban nhân dân tỉnh qua Sở Khoa học và Công "
    "nghệ để tổng hợp.",
    "Ứng dụng hiệu quả Hệ thống quản lý văn bản và điều hành, chữ ký số chuyên dùng trong xử lý công việc; tăng tỷ "
    "lệ hồ sơ công việc được xử lý trên môi trường mạng.",
    "Rà soát, chuẩn hóa quy trình nội bộ giải quyết thủ tục hành chính, bảo đảm công khai, minh bạch và thuận lợi cho "
    "người dân, doanh nghiệp.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị phản ánh kịp thời để được hướng dẫn "
    "giải quyết.",
    "Giao Văn phòng Ủy ban nhân dân tỉnh theo dõi, đôn đốc việc thực hiện và tổng hợp kết quả, báo cáo Chủ tịch Ủy "
    "ban nhân dân tỉnh.",
    "Thủ trưởng các cơ quan, đơn vị chịu trách nhiệm trước Ủy ban nhân dân tỉnh về kết quả thực hiện nhiệm vụ được "
    "giao tại đơn vị mình.",
]
SIGNERS = ["Trần Phước Hiền", "Nguyễn Văn Đệ", "Lê Thị Hồng Vân", "Phạm Minh Tuấn", "Võ Thanh Hải", "Đặng Ngọc Dũng"]
OPENERS = ["Căn cứ", "Thực hiện", "Triển khai", "Căn cứ", "Thực hiện"]


@dataclass(frozen=True)
class Letter:
    index: int
    province: str
    symbol: str
    type_name: str  # Kế hoạch, Quyết định, Báo cáo, Công văn
    issuer: str  # as a citation names it: Ủy ban nhân dân tỉnh / Sở Nội vụ
    date: dt.date
    subject: str

    def citation(self, own_province: str | None) -> str:
        """How another letter cites this one: type, số, date and issuer (the province named when it is another)."""
        issuer = self.issuer
        if own_province != self.province:
            level = _place_level(self.province)
            issuer = (issuer.removesuffix(" tỉnh") + f" {level} {self.province}" if issuer.startswith("Ủy ban")
                      else f"{issuer} {level} {self.province}")
        return f"{self.type_name} số {self.symbol} ngày {_short(self.date)} của {issuer} về {self.subject}"


def _short(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day.day < 10 else f"{day.day}/{day.month}/{day.year}"


def _province_line(province: str) -> str:
    return ("THÀNH PHỐ " if province in CITIES else "TỈNH ") + province.upper()


def _place_level(province: str) -> str:
    return "thành phố" if province in CITIES else "tỉnh"


class LetterWriter:
    """Letters in date order from 2019-01-02, about five a day over the sixteen provinces."""

    def __init__(self, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        self.letters: list[Letter] = []
        self.by_province: dict[str, list[int]] = {p: [] for p in PROVINCES}
        self.weights: dict[str, list[float]] = {p: [] for p in PROVINCES}  # cumulative, for the skewed choice
        self.numbers: dict[tuple[str, str, int], int] = {}
        self.day = dt.date(2019, 1, 2)

    def _number(self, province: str, code: str, year: int) -> int:
        key = (province, code, year)
        self.numbers[key] = self.numbers.get(key, 0) + 1 + (self.rng.random() < 0.3) * self.rng.randint(1, 6)
        return self.numbers[key]

    def _cited(self, province: str, count: int) -> list[Letter]:
        pool = self.by_province[province]
        if not pool:
            return []
        weights = self.weights[province]
        chosen: dict[int, None] = {}
        for _ in range(count * 3):
            if len(chosen) >= min(count, len(pool)):
                break
            k = bisect.bisect_left(weights, self.rng.random() * weights[-1])
            chosen[pool[min(k, len(pool) - 1)]] = None
        return [self.letters[i] for i in chosen]

    def next(self) -> tuple[Letter, str]:
        rng = self.rng
        index = len(self.letters)
        if index and rng.random() < 0.2:
            self.day += dt.timedelta(days=1)
        province = PROVINCES[rng.randrange(len(PROVINCES))]
        year = self.day.year
        subject = rng.choice(SUBJECTS)
        if rng.random() < 0.55:
            code, type_name, heading = rng.choice(UBND_KINDS)
            if code:
                symbol = f"{self._number(province, code, year)}/{code}-UBND"
            else:
                office = rng.choice(["KGVX", "KTTH", "NC", "VP"])
                symbol = f"{self._number(province, 'CV-UBND', year)}/UBND-{office}"
            body_line, parent_line, issuer = UBND[0], _province_line(province), UBND[3]
        else:
            dep_line, dep_code, office, issuer = rng.choice(DEPARTMENTS)
            code, type_name, heading = None, "Công văn", None
            symbol = f"{self._number(province, dep_code, year)}/{dep_code}-{office}"
            body_line, parent_line = dep_line, "UBND " + _province_line(province)
        letter = Letter(index, province, symbol, type_name, issuer, self.day, subject)
        text = self._text(letter, body_line, parent_line, heading)
        self.letters.append(letter)
        self.by_province[province].append(index)
        # the skew: plans and decisions of the People's Committee are cited far more; a few become hubs
        weight = (8.0 if type_name in ("Kế hoạch", "Quyết định") else 1.0) * (rng.paretovariate(1.2))
        previous = self.weights[province][-1] if self.weights[province] else 0.0
        self.weights[province].append(previous + weight)
        return letter, text

    def _text(self, letter: Letter, body_line: str, parent_line: str, heading: str | None) -> str:
        rng = self.rng
        province = letter.province
        lines = [body_line, parent_line] if body_line == UBND[0] else [parent_line, body_line]
        lines += [f"Số: {letter.symbol}", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                  f"{province}, ngày {letter.date.day:02d} tháng {letter.date.month:02d} năm {letter.date.year}"]
        if heading:
            lines += [heading, f"Về việc {letter.subject} trên địa bàn {_place_level(province)} {province}"]
        else:
            lines += [f"V/v {letter.subject}", f"Kính gửi: Các sở, ban, ngành {_place_level(province)}."]
        body: list[str] = []
        known = [(c, w) for c, day, w in NATIONAL if day < letter.date.isoformat()]
        chosen: dict[str, None] = {}
        for _ in range(6):
            if len(chosen) >= rng.choice([2, 2, 3]):
                break
            chosen[rng.choices([c for c, _ in known], [w for _, w in known])[0]] = None
        for citation in chosen:
            body.append(f"Căn cứ {citation};")
        local = self._cited(province, rng.randint(6, 9))
        for k, cited in enumerate(local):
            opener, end = OPENERS[k % len(OPENERS)], ";"
            if k == 1 and len(local) > 2 and rng.random() < 0.4:  # a clause that asserts a citation between two
                inner = local[2]
                body.append(f"{opener} {cited.type_name} số {cited.symbol} ngày {_short(cited.date)} của "
                            f"{cited.issuer} về triển khai thực hiện {inner.type_name} số {inner.symbol} ngày "
                            f"{_short(inner.date)}{end}")
                continue
            body.append(f"{opener} {cited.citation(province)}{end}")
            if rng.random() < 0.35:
                body.append(rng.choice(PROSE))
        if rng.random() < 0.2:
            other = PROVINCES[rng.randrange(len(PROVINCES))]
            if other != province:
                for cited in self._cited(other, 1):
                    body.append(f"Tham khảo {cited.citation(province)}.")
        if rng.random() < 0.5:
            body.append(f"Theo đề nghị của Sở Khoa học và Công nghệ tại Tờ trình số {rng.randint(10, 400)}/TTr-SKHCN "
                        f"ngày {_short(letter.date - dt.timedelta(days=rng.randint(3, 20)))}, "
                        f"{letter.issuer} {letter.type_name.lower()} như sau:")
        body += rng.sample(PROSE, k=rng.randint(3, 5))
        lines += _wrap(" ".join(body).replace("; ", ";\n").replace(". ", ".\n"))
        lines += ["Nơi nhận:", "- Như trên;", "- TT Tỉnh ủy, TT HĐND tỉnh (b/c);", "- Lưu: VT.",
                  "TM. ỦY BAN NHÂN DÂN" if body_line == UBND[0] else "GIÁM ĐỐC",
                  "KT. CHỦ TỊCH" if body_line == UBND[0] else "", "PHÓ CHỦ TỊCH" if body_line == UBND[0] else "",
                  "", rng.choice(SIGNERS)]
        return "\n".join(line for line in lines if line is not None) + "\n"


def _wrap(text: str, width: int = 92) -> list[str]:
    """Lines of about `width` characters, as a letter's text comes out of a word processor or OCR."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            if line and len(line) + 1 + len(word) > width:
                out.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        if line:
            out.append(line)
    return out


def write_letters(folder: Path, count: int, seed: int = 11, per_folder: int = 1000) -> list[Letter]:
    """`count` letters as UTF-8 .txt files in `folder`/part-NN/ (1,000 a folder); returns them in order."""
    writer = LetterWriter(seed)
    out = []
    for index in range(count):
        letter, text = writer.next()
        part = folder / f"part-{index // per_folder:02d}"
        part.mkdir(parents=True, exist_ok=True)
        (part / f"{index:06d}-{letter.symbol.replace('/', '-')}.txt").write_text(text, encoding="utf-8")
        out.append(letter)
    return out


def new_letter(cited: list[dict], province: str, number: int, day: dt.date, seed: int = 5) -> str:
    """One more letter of `province`'s People's Committee citing the documents `cited` (rows of the store's
    nodes: symbol, type, date, province) by type, number and date: the letter that arrives in a large archive."""
    rng = random.Random(seed)
    lines = ["ỦY BAN NHÂN DÂN", _province_line(province), f"Số: {number}/KH-UBND",
             "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
             f"{province}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}", "KẾ HOẠCH",
             f"Triển khai thực hiện chuyển đổi số năm {day.year} trên địa bàn {_place_level(province)} {province}"]
    body = [f"Căn cứ {NATIONAL[-1][0]};"]
    for k, row in enumerate(cited):
        date = dt.date.fromisoformat(row["date"])
        whose = "Ủy ban nhân dân tỉnh" + ("" if row["province"] == province else f" {row['province']}")
        opener = OPENERS[k % len(OPENERS)]
        body.append(f"{opener} {row['type']} số {row['symbol']} ngày {_short(date)} của {whose};")
    body += rng.sample(PROSE, k=4)
    lines += _wrap(" ".join(body).replace("; ", ";\n").replace(". ", ".\n"))
    lines += ["Nơi nhận:", "- Như trên;", "- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "",
              "Nguyễn Văn Đệ"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # a look at a few
    w = LetterWriter()
    for letter, text in itertools.islice((w.next() for _ in itertools.count()), 0, 400):
        pass
    print(text)
