"""Tahap IV chapter review: the chapters of the final Buku 2, as the review file names them."""

from __future__ import annotations

import re


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def buku_2_chapters(markdown_text: bytes | None) -> list[str]:
    """The level-2 headings ("BAB I PENDAHULUAN", "LAMPIRAN") of the published Buku 2 Markdown, as plain text."""
    if not markdown_text:
        return []
    lines = markdown_text.decode("utf-8").splitlines()
    return [_unescape(line[3:].strip()) for line in lines if line.startswith("## ")]
