"""The chapter review of Tahap IV against the Buku 2 this run really renders, and the final Buku 2 (plan mode) as
the Rancangan Perbup's Lampiran (templates/rancangan-perbup.md.j2).

- `book_chapters(markdown)`: the chapters ({number, roman, title}) of a rendered Buku 2, read from its own `## BAB`
  headings, so the review always points at chapters the book has and counts all of them.
- `rejected_reviews(results)`: the review rows validation rejected (chapter and message), so a rejected row shows up
  in the chapter status instead of vanishing.
- `masterplan_annex(markdown)`: the plan-mode Buku 2 (bimtek.books.buku_2.render_buku_2(plan=True)) from its first
  chapter on, headings moved down for the Perbup.
"""

from __future__ import annotations

import re

from bimtek.books.templating import MarkdownText
from bimtek.core.vocabularies import SYNTHETIC_NOTICE, roman_to_int
from bimtek.validation import SheetResult
from bimtek.validation.stage_4_rules import parse_chapter

_HEADING = re.compile(r"^(#{1,4}) ", re.MULTILINE)
_CHAPTER_HEADING = re.compile(r"^## BAB ([IVXLC]+) (.+?)\s*$", re.MULTILINE)
_CLOSING_BANNER = re.compile(r"\n---\n+> \*\*" + re.escape(SYNTHETIC_NOTICE) + r"\.\*\*$")
"""Buku 2's closing rule and synthetic banner: in the legal layout a rule is a page break, and the Perbup prints
its own banner."""
ANNEX_HEADING_SHIFT = 2
"""Levels a Buku 2 heading moves down inside the Perbup's Lampiran: its BAB (##) becomes h4, below the Perbup's
own BAB/Pasal (h3), and prints left-aligned there (templates/base.html.j2, `.layout-legal hr ~ h4`)."""


def book_chapters(markdown_text: bytes | str | None) -> list[dict]:
    """{number, roman, title} of every `## BAB <roman> <TITLE>` heading of a rendered book, in order; the title
    as the heading writes it, in sentence case ("VISI, MISI ..." -> "Visi, misi ...")."""
    if not markdown_text:
        return []
    text = markdown_text.decode("utf-8") if isinstance(markdown_text, bytes) else markdown_text
    out = []
    for roman, title in _CHAPTER_HEADING.findall(text):
        number = roman_to_int(roman)
        if number:
            out.append({"number": number, "roman": roman, "title": title.capitalize()})
    return out


def rejected_reviews(results: list[SheetResult]) -> list[dict]:
    """{"nomor", "bab", "baris", "pesan"} of every review row validation rejected, in file order (`nomor` None when
    the chapter cell names no number)."""
    out = []
    for result in results:
        if result.dataset != "review" or result.rejected.empty:
            continue
        header = result.headers.get("bab", "bab")
        messages: dict[int, list[str]] = {}
        for rejection in result.rejections:
            messages.setdefault(int(rejection.row), []).append(rejection.message)
        for _, row in result.rejected.iterrows():
            written = row.get(header)
            text = None if written is None or str(written) == "nan" else str(written)
            number, _title = parse_chapter(text)
            line = int(row["_row"])
            out.append({"nomor": number, "bab": text, "baris": line, "pesan": " ".join(messages.get(line, []))})
    return out


def masterplan_annex(markdown_text: bytes | None) -> MarkdownText | None:
    """The plan-mode Buku 2 Markdown as the Perbup's Lampiran: from its first chapter on (no title, period line,
    synthetic banners or closing rule: the Perbup carries its own), every heading `ANNEX_HEADING_SHIFT` levels down."""
    if not markdown_text:
        return None
    text = markdown_text.decode("utf-8")
    first = re.search(r"^## ", text, re.MULTILINE)
    if first is None:
        return None
    body = _CLOSING_BANNER.sub("", text[first.start() :].rstrip()).rstrip()
    return MarkdownText(_HEADING.sub(lambda m: "#" * (len(m.group(1)) + ANNEX_HEADING_SHIFT) + " ", body))
