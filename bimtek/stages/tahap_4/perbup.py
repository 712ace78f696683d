"""The Rancangan Perbup/Perwali as Bagian Hukum writes it (templates/rancangan-perbup.md.j2): its citations,
signatories, figures that add up, the masterplan annex as a plan, and the texts still missing (`LegalGap`).

- Mengingat: bimtek.core.legal.mengingat (the region's formation law, the national list of
  schemas/legal/peraturan.json with LN/TLN numbers, the region's RPJMD Perda).
- Signature blocks: names without titles, honorifics or rank (bimtek.core.legal.signature_name), no NIP.
- Figures: every dimension and funding source with its amount in full Rupiah (they add up to the stated total
  exactly) and its share with two decimals, apportioned by largest remainder so the shares add up to 100,00%.
- Lampiran: `annex_text`, the final Buku 2 in plan mode (bimtek.books.buku_2.render_buku_2(plan=True)) with what
  the legal vocabulary still calls process text removed (`workshop_free`: pointers to other books, run-folder
  paths); every chapter keeps its heading, so the annex numbers its chapters as the book does.
- Missing text (ibu kota, a signatory, the formation law, the masterplan): the document is marked DRAFT and the
  gaps are returned for the run's notes, the Prefect outcome and the portal.
"""

from __future__ import annotations

import re

from bimtek.books.templating import MarkdownText
from bimtek.core.formatting import shares
from bimtek.core.legal import LegalGap, mengingat, process_artefacts, signature_name
from bimtek.core.region import Region
from bimtek.stages.tahap_4.review import masterplan_annex

PERBUP_KEY = "buku/rancangan-perbup"
SHARE_DIGITS = 2
"""Decimals of the shares a Pasal states (largest-remainder apportioned, adding up to 100,00%)."""

_GAP_CELL = re.compile(r"(?<=\|)\s*belum diisi\s*(?=\|)", re.IGNORECASE)
_HEADING_ARTEFACT = re.compile(r"\s+dan validasi\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"(])")
_PARENTHESIS = re.compile(r"\s*\([^()]*\)")


def workshop_free(markdown_text: str) -> str:
    """Buku 2 Markdown without its workshop text: boxes (block quotes) dropped, "belum diisi" cells shown as "-",
    a parenthesis with a process artefact (bimtek.core.legal.PROCESS_ARTEFACTS) removed, then a sentence with one
    dropped, and a table introduced by a dropped sentence (ending with ":") dropped with it (the validation table);
    a heading's "dan validasi" removed. Headings stay, so chapters keep their numbers."""
    out: list[str] = []
    dropping_table = False
    for line in markdown_text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            if not dropping_table:
                out.append(_GAP_CELL.sub(" - ", line))
            continue
        if stripped.startswith(">"):
            continue
        if stripped.startswith("#"):
            dropping_table = False
            out.append(_HEADING_ARTEFACT.sub("", line))
            continue
        if not stripped:
            out.append(line)
            continue
        stripped = _PARENTHESIS.sub(lambda m: "" if process_artefacts(m.group(0)) else m.group(0), stripped)
        sentences = _SENTENCE.split(stripped)
        kept = [s for s in sentences if not process_artefacts(s)]
        dropping_table = sentences[-1].endswith(":") and sentences[-1] not in kept
        if kept:
            out.append(" ".join(kept))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def annex_text(buku_2_markdown: bytes | None) -> MarkdownText | None:
    """The Lampiran: the final Buku 2 as a plan (headings moved down, workshop text removed); None when absent."""
    annex = masterplan_annex(buku_2_markdown)
    return MarkdownText(workshop_free(annex)) if annex else None


def _with_exact_shares(rows: list[dict], amount: str) -> list[dict]:
    values = [float(r[amount]) for r in rows]
    return [{**r, "share_exact": s} for r, s in zip(rows, shares(values, SHARE_DIGITS))]


def perbup_context(region: Region, context: dict) -> dict:
    """The `perbup` entry of the Tahap IV context: citations, signature names, figures with shares adding up,
    the annex and the gaps (a list of LegalGap; empty when the regulation can be signed as it stands)."""
    words = context["region"]
    officials = words["officials"]
    head, secretary = officials.get("head"), officials.get("secretary")
    document = f"Rancangan {words['regulation']}"
    place = f"{words['kind']} {words['short_name']}"
    wanted = [
        (f"ibu kota {place} (tempat penetapan dan pengundangan)", "capital", not region.capital),
        (f"nama {words['head']} {words['short_name']}", "officials.head", head is None),
        ("nama Sekretaris Daerah", "officials.secretary", secretary is None),
        (
            f"undang-undang pembentukan {place} dengan nomor Lembaran Negara",
            "legal.formation_law",
            not region.legal.formation_law,
        ),
        ("naskah Masterplan Smart City untuk Lampiran", "Buku 2 hasil Tahap III", context["masterplan_annex"] is None),
    ]
    gaps = [LegalGap(document, what, where) for what, where, missing in wanted if missing]
    return {
        "mengingat": mengingat(region.legal.formation_law, region.legal.rpjmd),
        "formation_law": bool(region.legal.formation_law),
        "head_name": signature_name(head["name"]) if head else None,
        "secretary_name": signature_name(secretary["name"]) if secretary else None,
        "coordinator": region.coordinator.office if region.coordinator else None,
        "dimensions": _with_exact_shares(context["dimensions"], "anggaran_total"),
        "funding": _with_exact_shares(context["funding"], "anggaran"),
        "annex": context["masterplan_annex"],
        "gaps": gaps,
        "draft": [g.missing for g in gaps],
    }
