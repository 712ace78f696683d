"""The two sanitisers every output goes through: one for spreadsheet cells, one for names made from user text.

`safe_cell` is applied to every text cell written to a CSV or an .xlsx (deliverables, quarantine, feedback and
overview workbooks, intake templates, header text, file names shown in cells). It follows the OWASP CSV-injection
rule: control characters are removed first (openpyxl refuses them; tab and line breaks stay, they are text; CR and
CRLF become LF, since a CSV writer with "\n" line ends would leave a lone CR unquoted and readers would split the
row there), then a cell starting with `=`, `+`, `-`, `@`, tab or a line break gets a leading apostrophe, so no
spreadsheet evaluates it. Nothing is stripped before that check: `\t=1+1` becomes `'\t=1+1`, never `=1+1`.
Numbers stay numbers: int/float/Decimal values pass unchanged, and so does a string that is a plain number
(`-12`, `+3.5`), which a spreadsheet reads as that number and never as a formula; a lone `-` (a common "none")
is no formula either. A float that is not finite (inf, NaN) has no spreadsheet form and becomes an empty cell.
It is idempotent.

`safe_name` turns user text (an OPD name, a file name) into a file or object name: an ASCII slug of at most
`NAME_MAX_BYTES`; `unique_names` gives each of several texts its own name within one folder, adding `-2`, `-3`
... in a deterministic order (sorted by the original text), so two OPD never share a file.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from decimal import Decimal

from bimtek.core.text import slugify

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
"""A cell starting with one of these is read as a formula by some spreadsheet (OWASP CSV injection; a leading line
break is escaped too, since CR is turned into LF)."""
ESCAPE_PREFIX = "'"

_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
"""C0 controls except tab/LF/CR, DEL, C1 controls and the XML non-characters: none may reach a cell."""
_SURROGATES = re.compile("[\ud800-\udfff]")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

NAME_MAX_BYTES = 80
"""Longest name `safe_name` returns (ASCII, so bytes = characters), suffix included."""
_NAME_HASH_CHARS = 8


def clean_text(text: str) -> str:
    """`text` without control characters (tab, LF, CR kept) and with unpaired surrogates replaced by U+FFFD."""
    return _CONTROL_CHARACTERS.sub("", _SURROGATES.sub("\ufffd", text))


def safe_cell(value: object) -> object:
    """A value safe to write into a spreadsheet cell: strings cleaned and escaped, anything else unchanged."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if not isinstance(value, str):
        return value
    text = clean_text(value).replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > 1 and text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(text):
        return ESCAPE_PREFIX + text
    return text


def is_number(value: object) -> bool:
    """True for a numeric cell value (bool excluded): these are written as numbers, never prefixed."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def safe_name(text: object, fallback: str = "tanpa-nama", max_bytes: int = NAME_MAX_BYTES) -> str:
    """A lowercase ASCII slug of `text` (letters, digits, dashes), at most `max_bytes` long.

    Text with no ASCII letter or digit (emoji, Arabic, Chinese ...) gives `fallback-<hash>`, and a slug cut to fit
    ends with a hash of the full text, so different texts keep different names.
    """
    original = str(text)
    slug = slugify(original)
    digest = hashlib.sha256(original.encode("utf-8", "surrogatepass")).hexdigest()[:_NAME_HASH_CHARS]
    if not slug:
        return f"{fallback}-{digest}"[:max_bytes]
    if len(slug) > max_bytes:
        return f"{slug[: max_bytes - _NAME_HASH_CHARS - 1].rstrip('-')}-{digest}"
    return slug


def unique_names(
    texts: Iterable[object], fallback: str = "tanpa-nama", max_bytes: int = NAME_MAX_BYTES, taken: Iterable[str] = ()
) -> dict[object, str]:
    """A distinct `safe_name` for each distinct text, case-insensitively unique within one folder.

    Texts are handled in sorted order (by their string form), so the same set of texts always gets the same
    names whatever order they come in; a name already used (or in `taken`) gets `-2`, `-3` ... within the limit.
    """
    used = {name.lower() for name in taken}
    names: dict[object, str] = {}
    for text in sorted(set(texts), key=str):
        base = safe_name(text, fallback, max_bytes)
        candidate, number = base, 1
        while candidate in used:
            number += 1
            suffix = f"-{number}"
            candidate = base[: max_bytes - len(suffix)].rstrip("-") + suffix
        used.add(candidate)
        names[text] = candidate
    return names
