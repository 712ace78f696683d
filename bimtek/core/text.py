"""Text folding used to compare what people type with the names the contracts know."""

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence

from bimtek.core.values import is_missing

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


def program_key(opd: object, name: object) -> tuple[str, str]:
    """What makes two rows "the same program", across files and stages: the OPD folded with `fold_key` (case,
    spaces and punctuation ignored: "Dinas Kesehatan," == "dinas  kesehatan") and the program name folded with
    `fold_text` (case and runs of white space ignored, punctuation kept: "E-KTP" != "EKTP")."""
    return fold_key(opd), fold_text(name)


def key_fold(column: str) -> Callable[[object], str]:
    """How a key column is folded, as `program_key` folds it: `opd` with `fold_key`, any other with `fold_text`."""
    return fold_key if column == "opd" else fold_text


def row_key(row: Mapping[str, object], columns: Sequence[str]) -> tuple[str, ...]:
    """The folded values of `columns` of one row (`key_fold`). For ("opd", "nama_program") it is `program_key`."""
    return tuple(key_fold(c)(row[c]) for c in columns)


def is_blank(value: object) -> bool:
    """True for a missing value (`bimtek.core.values.is_missing`) and for text that holds only white space."""
    return is_missing(value) or (isinstance(value, str) and value.strip() == "")


def cell_text(value: object) -> str | None:
    """Stripped text of a raw cell, None when blank."""
    if is_blank(value):
        return None
    return str(value).strip()


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by dashes: "Dinas Pariwisata, Pemuda dan Olahraga" -> "dinas-pariwisata-pemuda-dan-olahraga"."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
