"""A document's groups of relations (issue 26): filtered by issuer as well as relation, type and date, and paged
for real (`per` rows a page, the previous and next pages, every row), over the demo archive's 57-NQ/TW."""

from __future__ import annotations

import re
from contextlib import closing

from pipeline.archive import store
from pipeline.archive.query import neighbours
from pipeline.web.document import paged

NQ_57 = "/doc/nq-57-nq-tw-2024-12-22"


def _group(page: str, key: str) -> str:
    return re.search(rf'<section class="group" id="group-{key}">(.*?)</section>', page, re.S).group(1)


def _rows(section: str) -> list[str]:
    return re.findall(r'<a class="sym" href="([^"]+)"', section)


def test_a_group_is_paged_and_each_row_is_on_one_page(web_client):
    first = web_client.get(NQ_57, params={"per": 5, "lang": "en"}).text
    group = _group(first, "cited_by-implements")
    total = int(re.search(r"<h3>[^<]*\((\d+)\)</h3>", group).group(1))
    assert total > 5 and len(_rows(group)) == 5 and f"rows 1–5 of {total}" in group
    assert 'rel="prev"' not in group
    seen = _rows(group)
    page = 1
    while 'rel="next"' in group:
        following = re.search(r'<a rel="next" href="([^"]+)"', group).group(1).replace("&amp;", "&")
        assert "per=5" in following and "group=cited_by-implements" in following
        group = _group(web_client.get(NQ_57 + following.split("#")[0]).text, "cited_by-implements")
        page += 1
        assert 'rel="prev"' in group
        seen += _rows(group)
    assert page == -(-total // 5) and len(seen) == len(set(seen)) == total  # each citing document once
    everything = re.search(r'<a href="([^"]+)">Show all', _group(first, "cited_by-implements")).group(1)
    every = _group(web_client.get(NQ_57 + everything.replace("&amp;", "&").split("#")[0] + "&lang=en").text,
                   "cited_by-implements")
    assert sorted(_rows(every)) == sorted(seen) and "nav" not in every
    # the other groups stay on their first page
    other = _group(web_client.get(NQ_57, params={"per": 5, "group": "cited_by-implements", "page": 2}).text,
                   "cited_by-cites")
    assert "rows 1–5" in other or "dòng 1–5" in other


def test_the_issuer_filter_keeps_one_issuer_s_documents(web_client, demo_conn):
    citers = [r for r in neighbours(demo_conn, "nq-57-nq-tw-2024-12-22", "cited_by") if r["issuer"]]
    issuer = max({r["issuer"] for r in citers}, key=lambda i: sum(r["issuer"] == i for r in citers))
    expected = {r["id"] for r in citers if r["issuer"] == issuer}
    page = web_client.get(NQ_57, params={"issuer": issuer}).text
    assert f"<option selected>{issuer}</option>" in page
    shown = {href.removeprefix("/doc/") for href in re.findall(r'<li[^>]*>\s*<a class="sym" href="([^"]+)"', page)}
    assert shown == expected and len(expected) < len({r["id"] for r in citers})


def test_paging_keeps_the_filters():
    rows = [{"id": str(n)} for n in range(12)]
    view = paged(rows, {"per": "5", "group": "cites-based_on", "page": "3", "issuer": "Chính phủ"}, "cites-based_on")
    assert [r["id"] for r in view["rows"]] == ["10", "11"] and view["first"] == 11 and view["next_href"] is None
    assert view["prev_href"] == "?per=5&issuer=Ch%C3%ADnh+ph%E1%BB%A7&group=cites-based_on&page=2#group-cites-based_on"
    assert paged(rows, {"page": "99", "group": "x", "per": "5"}, "x")["page"] == 3  # past the end: the last
    assert len(paged(rows, {"per": "nonsense"}, "x")["rows"]) == 12
