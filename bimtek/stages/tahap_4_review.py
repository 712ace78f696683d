"""The final Buku 2 as the Rancangan Perbup's Lampiran (templates/rancangan-perbup.md.j2)."""

from __future__ import annotations

import re

from bimtek.books.templating import MarkdownText
from bimtek.core.vocabularies import SYNTHETIC_NOTICE

_HEADING = re.compile(r"^(#{1,4}) ", re.MULTILINE)
_CLOSING_BANNER = re.compile(r"\n---\n+> \*\*" + re.escape(SYNTHETIC_NOTICE) + r"\.\*\*$")
"""Buku 2's closing rule and synthetic banner: in the legal layout a rule is a page break, and the Perbup prints
its own banner."""
ANNEX_HEADING_SHIFT = 2
"""Levels a Buku 2 heading moves down inside the Perbup's Lampiran: its BAB (##) becomes h4, below the Perbup's
own BAB/Pasal (h3), and prints left-aligned there (templates/base.html.j2, `.layout-legal hr ~ h4`)."""


def masterplan_annex(markdown_text: bytes | None) -> MarkdownText | None:
    """The final Buku 2 Markdown as the Perbup's Lampiran: from its first chapter on (no title, period line,
    synthetic banners or closing rule: the Perbup carries its own), every heading `ANNEX_HEADING_SHIFT` levels down."""
    if not markdown_text:
        return None
    text = markdown_text.decode("utf-8")
    first = re.search(r"^## ", text, re.MULTILINE)
    if first is None:
        return None
    body = _CLOSING_BANNER.sub("", text[first.start() :].rstrip()).rstrip()
    return MarkdownText(_HEADING.sub(lambda m: "#" * (len(m.group(1)) + ANNEX_HEADING_SHIFT) + " ", body))
