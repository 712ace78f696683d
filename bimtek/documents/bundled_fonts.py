"""The bundled Liberation fonts (fonts/README.md) and the family names each serves, for PDF and DOCX alike.

PDF: `bimtek.documents.pdf.font_faces_css` maps every family name of the stylesheets to these files.
DOCX: `bimtek.documents.docx` names the Liberation families in its styles and `embed_fonts` puts the files in the
package as Word embeds fonts (ECMA-376 Part 1, 17.8.1 and 17.8.3.3 "embedded font obfuscation"):

- each file is a part `word/fonts/fontN.odttf` of content type `application/vnd.openxmlformats-officedocument.
  obfuscatedFont`, related to `word/fontTable.xml` by a relationship of type `.../relationships/font`;
- its `<w:font w:name="Liberation Sans">` entry in fontTable.xml has `<w:embedRegular r:id=".." w:fontKey="{GUID}"/>`
  (embedBold, embedItalic, embedBoldItalic);
- the first 32 bytes of the file are XORed with the 16 bytes of the GUID taken in reverse order (the GUID's hex
  digits read as bytes, last byte first), twice over;
- `<w:embedTrueTypeFonts/>` in word/settings.xml tells Word the document carries its fonts.

The GUIDs are derived from the family and style (uuid5), so the same document gives the same bytes. Only the
families a document names are embedded (a book: Liberation Sans, plus Liberation Mono when it has code; a legal
text or a sheet: Liberation Serif). Licence: the font exception of the Liberation licence lets a document embed them.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from functools import lru_cache
from pathlib import Path

FONTS_DIR = Path(__file__).with_name("fonts")
"""Bundled fonts (fonts/README.md): every PDF and DOCX uses these files, never the machine's fonts."""
FONT_FAMILIES = {
    "LiberationSerif": ("Times New Roman", "Liberation Serif", "DejaVu Serif", "Georgia", "serif"),
    "LiberationSans": ("Arial", "Liberation Sans", "DejaVu Sans", "Helvetica", "sans-serif"),
    "LiberationMono": ("Courier New", "Liberation Mono", "DejaVu Sans Mono", "monospace"),
}
"""Bundled file family -> the family names of the stylesheets it serves."""
FONT_STYLES = {
    "Regular": ("normal", "normal"),
    "Bold": ("bold", "normal"),
    "Italic": ("normal", "italic"),
    "BoldItalic": ("bold", "italic"),
}
"""File style suffix -> (font-weight, font-style)."""

SANS, SERIF, MONO = "Liberation Sans", "Liberation Serif", "Liberation Mono"
"""The family names a DOCX uses (each the name inside its bundled file)."""
_EMBED_ELEMENTS = {
    "Regular": "embedRegular",
    "Bold": "embedBold",
    "Italic": "embedItalic",
    "BoldItalic": "embedBoldItalic",
}
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FONT_RELATIONSHIP = f"{_R}/font"
OBFUSCATED_FONT_TYPE = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
_NAMESPACE = uuid.UUID("6f1d3a52-2b1c-4e7a-9a53-62696d74656b")
"""Namespace of the font keys (uuid5 of family and style): fixed, so the bytes are stable."""


def font_files(family: str) -> dict[str, Path]:
    """Style suffix -> bundled file of a family ("Liberation Sans"); {} for a family that is not bundled."""
    stem = family.replace(" ", "")
    return {
        suffix: FONTS_DIR / f"{stem}-{suffix}.ttf"
        for suffix in FONT_STYLES
        if (FONTS_DIR / f"{stem}-{suffix}.ttf").is_file()
    }


def font_key(family: str, style: str) -> str:
    """The `w:fontKey` GUID of one embedded file, in braces and upper case."""
    return "{" + str(uuid.uuid5(_NAMESPACE, f"{family}/{style}")).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """The font file as an .odttf part: its first 32 bytes XORed with the key's bytes in reverse order (module doc).
    The same call undoes it."""
    digits = key.strip("{}").replace("-", "")
    reverse = bytes.fromhex(digits)[::-1]
    head = bytes(b ^ reverse[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


@lru_cache(maxsize=16)
def _obfuscated(family: str, style: str) -> bytes:
    return obfuscate(font_files(family)[style].read_bytes(), font_key(family, style))


def used_families(parts: dict[str, bytes]) -> list[str]:
    """The bundled families the document's text can use: those named in its body, headers and footers, and the
    default and Normal fonts of its styles (a family only some unused style names, such as a code style's
    Liberation Mono in a book without code, is not embedded). A fixed order."""
    styles = parts.get("word/styles.xml", b"")
    defaults = re.findall(rb"<w:docDefaults>.*?</w:docDefaults>", styles, flags=re.S)
    normal = re.findall(rb'<w:style [^>]*w:styleId="Normal"[^>]*>.*?</w:style>', styles, flags=re.S)
    text = b"".join(
        data
        for name, data in parts.items()
        if name == "word/document.xml" or re.fullmatch(r"word/(header|footer)\d*\.xml", name)
    )
    text += b"".join(defaults + normal)
    return [f for f in (SANS, SERIF, MONO) if re.search(rb'w:(ascii|hAnsi|cs)="' + f.encode() + b'"', text)]


def embed_fonts(docx: bytes) -> bytes:
    """The .docx package with the bundled families it names embedded (module doc). Entry order kept, new parts
    appended; the caller re-zips with fixed headers."""
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        names = [info.filename for info in source.infolist()]
        parts = {name: source.read(name) for name in names}
    families = used_families(parts)
    if not families:
        return docx
    entries, relationships, added = [], [], {}
    for family in families:
        for style in font_files(family):
            number = len(added) + 1
            rid = f"rIdFont{number}"
            added[(family, style)] = rid
            entries.append((f"word/fonts/font{number}.odttf", _obfuscated(family, style)))
            relationships.append(
                f'<Relationship Id="{rid}" Type="{FONT_RELATIONSHIP}" Target="fonts/font{number}.odttf"/>'
            )
    parts["word/fontTable.xml"] = _font_table(parts["word/fontTable.xml"], families, added)
    parts["word/_rels/fontTable.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{"".join(relationships)}'
        "</Relationships>"
    ).encode()
    parts["[Content_Types].xml"] = _content_types(parts["[Content_Types].xml"])
    parts["word/settings.xml"] = _settings(parts["word/settings.xml"])
    order = [*names, *(n for n in ("word/_rels/fontTable.xml.rels",) if n not in names), *(n for n, _ in entries)]
    parts.update(entries)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name in order:
            target.writestr(name, parts[name])
    return buffer.getvalue()


def _font_table(xml: bytes, families: list[str], added: dict[tuple[str, str], str]) -> bytes:
    """fontTable.xml with one <w:font> per embedded family (an entry of the same name replaced)."""
    text = xml.decode("utf-8")
    if "xmlns:r=" not in text.split(">", 2)[1]:
        text = re.sub(r"<w:fonts\b", f'<w:fonts xmlns:r="{_R}"', text, count=1)
    entries = []
    for family in families:
        text = re.sub(rf'<w:font w:name="{re.escape(family)}">.*?</w:font>', "", text, flags=re.S)
        embeds = "".join(
            f'<w:{_EMBED_ELEMENTS[style]} r:id="{added[(family, style)]}" w:fontKey="{font_key(family, style)}"/>'
            for style in FONT_STYLES
            if (family, style) in added
        )
        generic = "modern" if family == MONO else ("roman" if family == SERIF else "swiss")
        pitch = "fixed" if family == MONO else "variable"
        entries.append(
            f'<w:font w:name="{family}"><w:charset w:val="00"/><w:family w:val="{generic}"/>'
            f'<w:pitch w:val="{pitch}"/>{embeds}</w:font>'
        )
    text = text.replace("</w:fonts>", "".join(entries) + "</w:fonts>")
    return text.encode("utf-8")


def _content_types(xml: bytes) -> bytes:
    text = xml.decode("utf-8")
    if 'Extension="odttf"' not in text:
        text = text.replace(
            "<Default ", f'<Default Extension="odttf" ContentType="{OBFUSCATED_FONT_TYPE}"/><Default ', 1
        )
    return text.encode("utf-8")


_SETTINGS_BEFORE = ("w:zoom", "w:writeProtection", "w:view")
"""settings.xml children that come before w:embedTrueTypeFonts in the schema's order (the ones python-docx writes)."""


def _settings(xml: bytes) -> bytes:
    text = xml.decode("utf-8")
    if "<w:embedTrueTypeFonts" in text:
        return xml
    for tag in _SETTINGS_BEFORE:
        match = re.search(rf"<{tag}\b[^>]*/>|<{tag}\b.*?</{tag}>", text, flags=re.S)
        if match:
            return (text[: match.end()] + "<w:embedTrueTypeFonts/>" + text[match.end() :]).encode("utf-8")
    return re.sub(r"(<w:settings\b[^>]*>)", r"\1<w:embedTrueTypeFonts/>", text, count=1).encode("utf-8")
