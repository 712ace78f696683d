"""Printable deliverables: the books as PDF (WeasyPrint) and DOCX (python-docx).

Both converters take the HTML the book renderer produces (a full document or a body fragment), so the HTML,
PDF and DOCX of a book all come from the same Jinja content. Charts reach that HTML as
`<img src="data:image/png;base64,...">` (`bimtek.stages.deliverables.embed_images`) and are picked up by both
converters.

    book_pdf(html, title=..., region_name=..., stage_label=..., synthetic=...)  -> PDF bytes
    book_docx(html, title=..., region_name=..., stage_label=..., synthetic=...) -> DOCX bytes

Neither reads the clock: the same arguments give the same bytes (see each module for the details).
"""

from bimtek.core.vocabularies import SYNTHETIC_NOTICE
from bimtek.documents.docx import book_docx
from bimtek.documents.labels import DRAFT_LABEL, TOC_TITLE
from bimtek.documents.pdf import book_pdf

__all__ = ["DRAFT_LABEL", "SYNTHETIC_NOTICE", "TOC_TITLE", "book_docx", "book_pdf"]
