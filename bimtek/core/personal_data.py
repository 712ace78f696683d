"""The one vocabulary of personal-data columns an OPD may add to its sheet (phone, e-mail, NIP, NIK, address...).

Such columns are not part of any contract, so they travel with a row as "extra" columns. Region-wide outputs
(validation/quarantine.csv, shipped in bundle.zip) drop every column this module recognises; the OPD's own
feedback letter may still quote its row.

A header is personal data when one of its words (letters/digits runs, case and accents folded) is in
`PERSONAL_WORDS`, or its folded text (`fold_key`) contains one of `PERSONAL_PHRASES` ("nohp", "nomorwa"...).
"""

from __future__ import annotations

import re
import unicodedata

from bimtek.core.text import fold_key

PERSONAL_WORDS = frozenset(
    {
        # phone and messaging
        "hp",
        "handphone",
        "ponsel",
        "telepon",
        "telpon",
        "telp",
        "tlp",
        "tel",
        "phone",
        "telephone",
        "mobile",
        "wa",
        "whatsapp",
        "kontak",
        "contact",
        "fax",
        "faks",
        # e-mail
        "email",
        "surel",
        "mail",
        # identity numbers
        "nip",
        "nik",
        "nrp",
        "ktp",
        "npwp",
        "kk",
        "paspor",
        "passport",
        "sim",
        # address and birth
        "alamat",
        "address",
        "domisili",
        "rt",
        "rw",
        "kodepos",
        "lahir",
        "ttl",
    }
)
PERSONAL_PHRASES = (
    "nohp",
    "nomorhp",
    "notelp",
    "nomortelepon",
    "nowa",
    "nomorwa",
    "tanggallahir",
    "tempatlahir",
    "nomorinduk",
    "emailaddress",
    "nomorponsel",
)
"""Folded phrases recognised anywhere in a header (for headers written without spaces, e.g. "NoHP")."""

_WORD = re.compile(r"[a-z0-9]+")


def is_personal_column(header: object) -> bool:
    """True when the column header names personal data (see the module doc)."""
    text = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode("ascii").lower()
    if any(word in PERSONAL_WORDS for word in _WORD.findall(text)):
        return True
    folded = fold_key(header)
    return any(phrase in folded for phrase in PERSONAL_PHRASES)
