"""The library table at 700 documents (issue 30, point 4): search by title in either language,
filter by type and date, sort, pages — ``Library.browse`` and the Library tab's handlers over a
generated library of the size a compliance team reaches (each expectation recomputed from the
generated documents, not written down)."""

from __future__ import annotations

import itertools
import math
import random
from types import SimpleNamespace

import pytest

from service.library import PAGE_SIZE, Library
from ui.library import LibraryPage

SUBJECTS = [("网络安全", "Cybersecurity"), ("数据出境", "Outbound Data"), ("个人信息", "Personal Information"),
            ("电子商务", "E-Commerce"), ("未成年人", "Minors"), ("专利代理", "Patent Agency"),
            ("食品安全", "Food Safety"), ("道路运输", "Road Transport"), ("出版管理", "Publishing"),
            ("著作权", "Copyright"), ("邮政", "Postal Service"), ("气象", "Meteorology"),
            ("测绘", "Surveying"), ("矿产资源", "Mineral Resources"), ("海关", "Customs"),
            ("外汇", "Foreign Exchange"), ("档案", "Archives"), ("统计", "Statistics"),
            ("土地", "Land"), ("水利", "Water")]
FORMS = [("条例", "Regulations", "administrative regulation"), ("实施条例", "Implementing Regulations",
         "administrative regulation"), ("暂行条例", "Interim Regulations", "administrative regulation"),
         ("管理办法", "Administrative Measures", "measures"), ("规定", "Provisions", "departmental rule"),
         ("法", "Law", "law")]
PLACES = ["", "城市", "农村", "边境", "沿海", "跨境", "国际"]


def _library(n: int = 700, seed: int = 30) -> list[dict]:
    """``n`` documents: distinct Chinese titles (place + subject + form) with English renderings, a
    type by form, dates over 70 years (one in twelve undated), and one work in twenty in two versions."""
    rng = random.Random(seed)
    combos = list(itertools.product(PLACES, SUBJECTS, FORMS))
    rng.shuffle(combos)
    docs: list[dict] = []
    for i, (place, (zh, en), (form_zh, form_en, doc_type)) in enumerate(combos):
        if len(docs) >= n:
            break
        title = f"{place}{zh}{form_zh}"
        date = "" if i % 12 == 0 else f"{rng.randint(1955, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        base: dict = {"title": title, "alt_title": f"{en} {form_en}" + (f" ({place})" if place else ""),
                "doc_type": doc_type, "language": "zh", "issued": None, "effective": date or None,
                "source": f"regs/{title}.md", "articles": rng.randint(5, 120), "names": [], "work": f"w{i}",
                "version": date or None, "adopted": None, "promulgated": None}
        docs.append({**base, "doc_id": f"d{i}"})
        if date and date[:4] <= "2015" and i % 20 == 1 and len(docs) < n:  # a later version, in force now
            later = f"{int(date[:4]) + 5}{date[4:]}"
            docs.append({**base, "doc_id": f"d{i}b", "effective": later, "version": later})
    return docs


@pytest.fixture(scope="module")
def documents() -> list[dict]:
    return _library()


@pytest.fixture(scope="module")
def library(documents) -> Library:
    snapshot = SimpleNamespace(manifest={})
    retriever = SimpleNamespace(documents=lambda: [dict(d) for d in documents], snapshot=lambda: snapshot)
    return Library(retriever)


def _works(documents: list[dict]) -> list[dict]:
    """One document per work, the latest version (every version here is in the past: in force)."""
    latest: dict[str, dict] = {}
    for d in documents:
        if d["work"] not in latest or (d["version"] or "") > (latest[d["work"]]["version"] or ""):
            latest[d["work"]] = d
    return list(latest.values())


def test_the_table_pages_700_documents_fifty_at_a_time(library, documents):
    works = _works(documents)
    assert len(documents) == 700
    first = library.browse()
    assert (first.total, first.page, first.pages, first.first) == (len(works), 1, math.ceil(len(works) / PAGE_SIZE), 1)
    assert len(first.rows) == PAGE_SIZE
    last = library.browse(page=999)  # clamped to the last page
    assert last.page == first.pages
    assert len(last.rows) == len(works) - (first.pages - 1) * PAGE_SIZE
    everything = [row[0] for p in range(1, first.pages + 1) for row in library.browse(page=p).rows]
    assert sorted(everything) == sorted(d["title"] for d in works)  # each work once, on some page
    superseded = {d["effective"] for d in documents} - {d["effective"] for d in works}
    assert superseded  # (the generated library has versions)
    assert not [row for row in library.browse(page_size=1000).rows if row[2] in superseded and row[2]]


@pytest.mark.parametrize("query", ["网络安全", "跨境数据出境", "  personal   INFORMATION ", "e-commerce law",
                                   "《道路运输条例》", "Ｃｕｓｔｏｍｓ"])
def test_a_search_finds_titles_in_either_language(library, documents, query):
    import unicodedata

    def fold(text: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())

    expected = sorted(d["title"] for d in _works(documents)
                      if fold(query) in fold(d["title"]) or fold(query) in fold(d["alt_title"]))
    found = library.browse(query=query, page_size=1000)
    assert expected
    assert sorted(row[0] for row in found.rows) == expected
    assert found.total == len(expected)


def test_filters_by_type_and_date_and_sorts(library, documents):
    works = _works(documents)
    laws = library.browse(doc_type="law", page_size=1000)
    assert sorted(r[0] for r in laws.rows) == sorted(d["title"] for d in works if d["doc_type"] == "law")
    assert set(library.doc_types()) == {d["doc_type"] for d in works}

    nineties = library.browse(date_from="1990", date_to="1999", page_size=1000)
    expected = sorted(d["title"] for d in works if d["effective"] and "1990" <= d["effective"][:4] <= "1999")
    assert sorted(r[0] for r in nineties.rows) == expected
    spring = library.browse(date_from="2001-03", date_to="2001年5月", page_size=1000)
    assert sorted(r[0] for r in spring.rows) == sorted(
        d["title"] for d in works if d["effective"] and "2001-03" <= d["effective"][:7] <= "2001-05")

    newest = [r[2] for r in library.browse(sort="newest", page_size=1000).rows]
    dated = [d for d in newest if d]
    assert dated == sorted(dated, reverse=True)
    assert newest[len(dated):] == [""] * (len(newest) - len(dated))  # undated last
    oldest = [r[2] for r in library.browse(sort="oldest").rows]
    assert oldest == sorted(dated)[:PAGE_SIZE]
    by_title = [r[0] for r in library.browse(sort="title", page_size=1000).rows]
    assert by_title == sorted(by_title, key=str.casefold)
    most = [int(r[4].split()[0]) for r in library.browse(sort="articles", page_size=1000).rows]
    assert most == sorted(most, reverse=True)


def test_the_tab_shows_a_page_and_turns_pages(library, documents):
    page = LibraryPage(library)
    html = page.table_html("en")
    works = len(_works(documents))
    assert f"1–{PAGE_SIZE} of {works} documents (page 1 of {math.ceil(works / PAGE_SIZE)})" in html
    assert html.count('class="library-row"') == PAGE_SIZE
    number, second = page.turn(1, 1, "English", "", "", "", "", "type")
    assert number == 2
    assert f"{PAGE_SIZE + 1}–{2 * PAGE_SIZE} of {works}" in second
    assert page.turn(1, -1, "English", "", "", "", "", "type")[0] == 1  # no page before the first
    number, found = page.filtered("中文", "网络安全", "", "", "", "type")
    assert number == 1
    assert "网络安全" in found
    assert "共 " in found
    assert "No document matches." in page.table_html("en", query="no such title anywhere")
    assert [value for _, value in page.type_choices("en")][0] == ""
