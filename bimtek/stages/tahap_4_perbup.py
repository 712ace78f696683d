"""The Rancangan Perbup/Perwali as Bagian Hukum writes it (templates/rancangan-perbup.md.j2): its citations,
signatories, figures that add up, the masterplan annex as a plan, and the texts still missing (`LegalGap`).

- Mengingat: bimtek.core.legal.mengingat (the region's formation law, the national list of
  schemas/legal/peraturan.json with LN/TLN numbers, the region's RPJMD Perda).
- Signature blocks: names without titles, honorifics or rank (bimtek.core.legal.signature_name), no NIP.
- Figures: every dimension and funding source with its amount in full Rupiah (they add up to the stated total
  exactly) and its share with two decimals, apportioned by largest remainder so the shares add up to 100,00%.
- Lampiran: `annex_text`, the final Buku 2 in plan mode (bimtek.books.buku_2.render_buku_2(plan=True)).
- Missing text (ibu kota, a signatory, the formation law, the masterplan): the document is marked DRAFT and the
  gaps are returned for the run's notes, the Prefect outcome and the portal.
"""

from __future__ import annotations

from bimtek.books.templating import MarkdownText
from bimtek.core.formatting import shares
from bimtek.core.legal import LegalGap, mengingat, signature_name
from bimtek.core.region import Region
from bimtek.stages.tahap_4_review import masterplan_annex

PERBUP_KEY = "buku/rancangan-perbup"
SHARE_DIGITS = 2
"""Decimals of the shares a Pasal states (largest-remainder apportioned, adding up to 100,00%)."""


def annex_text(buku_2_markdown: bytes | None) -> MarkdownText | None:
    """The Lampiran: the final Buku 2 rendered in plan mode (`render_buku_2(plan=True)`: no workshop text), headings
    moved down; None when absent. Every chapter keeps its heading, so the annex numbers its chapters as the book."""
    return masterplan_annex(buku_2_markdown)


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
