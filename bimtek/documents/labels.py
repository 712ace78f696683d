"""Fixed wording printed on every cover and contents page of the PDF and DOCX books."""

DRAFT_LABEL = "Draf"
"""Status printed on every cover: the books stay drafts until the Tahap IV commitment sheets are signed."""
TOC_TITLE = "Daftar Isi"
