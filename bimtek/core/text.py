"""Text folding used to compare what people type with the names the contracts know."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")


def fold_key(value: object) -> str:
    """Fold to lowercase letters and digits only: case, spaces, underscores and punctuation are ignored.

    Used for headers, OPD names and category values ("Smart  Governance" == "smart_governance").
    """
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub("", text.lower())


def fold_text(value: object) -> str:
    """Fold case and runs of white space, keeping punctuation (program names: "Rumah  Sakit" == "rumah sakit")."""
    return _SPACES.sub(" ", str(value)).strip().lower()


def is_blank(value: object) -> bool:
    """True for None, NaN and strings that hold only white space."""
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return True
    except ImportError:  # pragma: no cover - pandas is a hard dependency
        pass
    return isinstance(value, str) and value.strip() == ""


def cell_text(value: object) -> str | None:
    """Stripped text of a raw cell, None when blank."""
    if is_blank(value):
        return None
    return str(value).strip()


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by dashes: "Dinas Pariwisata, Pemuda dan Olahraga" -> "dinas-pariwisata-pemuda-dan-olahraga"."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
