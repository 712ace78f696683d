"""The Rancangan Perbup/Perwali as Bagian Hukum writes it (templates/rancangan-perbup.md.j2): its citations,
signatories, figures that add up, the masterplan annex as a plan, and the texts still missing (`LegalGap`).

- Mengingat: bimtek.core.legal.mengingat (the region's formation law, the national list of
  schemas/legal/peraturan.json with LN/TLN numbers, the region's RPJMD Perda).
- Signature blocks: names without titles, honorifics or rank (bimtek.core.legal.signature_name), no NIP.
- Figures: every dimension and funding source with its amount in full Rupiah (they add up to the stated total
  exactly) and its share with two decimals, apportioned by largest remainder so the shares add up to 100,00%.
- Lampiran: the final Buku 2 in plan mode (bimtek.books.buku_2.render_buku_2(plan=True)) transformed by
  `legal_annex`: structure, not raw text (boxes dropped, image and link nodes kept whole, sentences with process
  text removed, gap markers turned into dotted lines); every chapter keeps its heading, so the annex numbers its
  chapters as the book does, and no heading is left empty.
- Gaps (`LegalGap`, each with what, who and where): a region-file text (ibu kota, a signatory, the formation law,
  the RPJMD Perda), the masterplan itself, a text the annex misses or a heading it would leave empty, a chapter the
  Tahap IV review has not approved, an OPD's programs without baseline or target. Any gap marks the document
  DRAFT (banner and watermark); the gaps go to the run's notes, the manifest's `draft`, the Prefect state and the
  portal. Complete inputs give no gap at all.
"""

from __future__ import annotations

import re

from bimtek.analysis.program_matrix import missing_by_opd
from bimtek.books.templating import MarkdownText
from bimtek.core.formatting import shares
from bimtek.core.legal import (
    DOTS,
    FUNDING_ARTICLE,
    GAP_MARKER,
    LegalGap,
    mengingat,
    process_artefacts,
    signature_name,
)
from bimtek.core.region import Region
from bimtek.core.vocabularies import APPROVED
from bimtek.stages.tahap_4.review import masterplan_annex

PERBUP_KEY = "buku/rancangan-perbup"
SHARE_DIGITS = 2
"""Decimals of the shares a Pasal states (largest-remainder apportioned, adding up to 100,00%)."""

_GAP_CELL = re.compile(r"(?<=\|)\s*belum diisi\s*(?=\|)", re.IGNORECASE)
_HEADING_ARTEFACT = re.compile(r"\s+dan validasi\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"(])")
_PARENTHESIS = re.compile(r"\s*\([^()]*\)")
_PROTECTED = re.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)")
"""Markdown image and link nodes: kept whole, their targets are never read as text."""
_SLOT = "\x00{}\x00"
_SLOT_BACK = re.compile("\x00(\\d+)\x00")
_HEADING_LINE = re.compile(r"^(#{1,6})\s+(.*)$")
_LABEL_LINE = re.compile(r"^\*\*([^*]+?)\.\*\*$")
"""A paragraph that is only a bold label ("**Strategi.**"): a heading of the text under it."""
_MD_ESCAPE = re.compile(r"\\(.)")


def _text_free(text: str) -> tuple[str, bool]:
    """One paragraph without workshop text (module doc); True when its last sentence ending in ":" was dropped.
    Image and link nodes are set aside first and put back whole, so a path is never read as process text."""
    kept_nodes: list[str] = []

    def _slot(match: re.Match) -> str:
        kept_nodes.append(match.group(0))
        return _SLOT.format(len(kept_nodes) - 1)

    text = _PROTECTED.sub(_slot, text)
    text = _PARENTHESIS.sub(lambda m: "" if process_artefacts(m.group(0)) else m.group(0), text)
    sentences = _SENTENCE.split(text)
    kept = [s for s in sentences if not process_artefacts(s)]
    dropped_intro = sentences[-1].endswith(":") and sentences[-1] not in kept
    out = " ".join(kept)
    return _SLOT_BACK.sub(lambda m: kept_nodes[int(m.group(1))], out), dropped_intro


def workshop_free(markdown_text: str) -> str:
    """Buku 2 Markdown without its workshop text (`legal_annex` without the gap handling)."""
    return legal_annex(markdown_text, "")[0]


def _unescape(text: str) -> str:
    return _MD_ESCAPE.sub(r"\1", text).strip()


def _level(line: str) -> int | None:
    """Heading level of a Markdown line: 1-6 for `#` headings, 7 for a bold label paragraph, else None."""
    heading = _HEADING_LINE.match(line.strip())
    if heading:
        return len(heading.group(1))
    return 7 if _LABEL_LINE.match(line.strip()) else None


def _title(line: str) -> str:
    stripped = line.strip()
    heading = _HEADING_LINE.match(stripped)
    return _unescape(heading.group(2) if heading else _LABEL_LINE.match(stripped).group(1))  # type: ignore[union-attr]


def _filled_headings(lines: list[str], document: str) -> tuple[list[str], list[LegalGap]]:
    """Every heading or bold label with nothing under it (before the next heading of its level or above) gets the
    dotted line, and a gap: a regulation never prints an empty numbered heading."""
    out: list[str] = []
    gaps: list[LegalGap] = []
    for i, line in enumerate(lines):
        out.append(line)
        level = _level(line)
        if level is None:
            continue
        following = next((x for x in lines[i + 1 :] if x.strip()), None)
        next_level = _level(following) if following is not None else 0
        if next_level is not None and next_level <= level:
            out += ["", DOTS]
            gaps.append(LegalGap(document, f'teks "{_title(line)}" pada Lampiran', "Narasi Masterplan (Tahap III)"))
    return out, gaps


def legal_annex(markdown_text: str, document: str) -> tuple[str, list[LegalGap]]:
    """Buku 2 (plan mode) Markdown as the Perbup's Lampiran, and the texts it still misses.

    Structure is transformed, never raw text: block quotes (boxes) dropped; a gap marker (bimtek.core.legal
    GAP_MARKER, the plan mode's "belum diisi") becomes a dotted line and a `LegalGap` naming what, who and where;
    a table cell "belum diisi" shows "-"; in a paragraph, image and link nodes are kept whole while a parenthesis
    with a process artefact (bimtek.core.legal.PROCESS_ARTEFACTS) is removed, then a sentence with one, and a table
    introduced by a dropped sentence (ending with ":") with it (the validation table); a heading's "dan validasi"
    is removed. Headings stay, so chapters keep their numbers; a heading left with nothing under it gets a dotted
    line and a gap."""
    out: list[str] = []
    gaps: list[LegalGap] = []
    dropping_table = False
    for line in markdown_text.splitlines():
        stripped = line.strip()
        marker = GAP_MARKER.match(stripped)
        if marker:
            what, who, where = (_unescape(x) for x in marker.groups())
            out.append(DOTS)
            gaps.append(LegalGap(document, what, where, who))
            continue
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
        text, dropping_table = _text_free(stripped)
        if text:
            out.append(text)
    lines = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip().splitlines()
    filled, empty = _filled_headings(lines, document)
    return "\n".join(filled).strip() + "\n", gaps + empty


def annex_text(buku_2_markdown: bytes | None) -> MarkdownText | None:
    """The final Buku 2 as a plan with headings moved down (bimtek.stages.tahap_4.review.masterplan_annex), before
    `legal_annex` (run by `perbup_context`, which also keeps its gaps); None when absent."""
    return masterplan_annex(buku_2_markdown)


def _with_exact_shares(rows: list[dict], amount: str) -> list[dict]:
    values = [float(r[amount]) for r in rows]
    return [{**r, "share_exact": s} for r, s in zip(rows, shares(values, SHARE_DIGITS))]


REVIEW_WHERE = "lembar reviu pada berkas hasil Tahap IV"
PROGRAM_WHERE = "kolom Baseline dan Target pada berkas usulan program OPD (Tahap III)"


def review_gaps(chapters: list[dict], document: str) -> list[LegalGap]:
    """A gap for every chapter of the annex the review has not approved (revisi, belum direviu, a rejected review
    row): the regulation cannot adopt a chapter its own team still questions."""
    return [
        LegalGap(document, f"persetujuan reviu {c['bab']} {c['judul']} (status: {c['status']})", REVIEW_WHERE)
        for c in chapters
        if c["status"] != APPROVED
    ]


def program_gaps(matrix_rows: list[dict], document: str) -> list[LegalGap]:
    """One gap per OPD whose programs lack a baseline or a target (the OPD fills them; its letter lists the
    programs, bimtek.analysis.program_matrix.missing_by_opd)."""
    gaps = []
    for opd, missing in missing_by_opd(matrix_rows).items():
        parts = []
        for field, names in missing.items():
            if names:
                named = ": " + "; ".join(f'"{n}"' for n in names) if len(names) <= PROGRAMS_NAMED else ""
                parts.append(f"{field} {len(names)} program{named}")
        gaps.append(LegalGap(document, f"{opd}: {' dan '.join(parts)}", PROGRAM_WHERE, opd))
    return gaps


PROGRAMS_NAMED = 3
"""Up to this many programs of one OPD are named in a gap; more are counted (the OPD's letter lists them all)."""


def perbup_context(region: Region, context: dict) -> dict:
    """The `perbup` entry of the Tahap IV context: citations, signature names, figures with shares adding up,
    the annex and the gaps (a list of LegalGap; empty when the regulation can be signed as it stands): region-file
    texts, the annex's missing texts and empty headings, chapters the review has not approved, and programs
    without a baseline or a target."""
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
        (
            f"Peraturan Daerah tentang RPJMD {place} dengan nomor Lembaran Daerah",
            "legal.rpjmd",
            not region.legal.rpjmd,
        ),
        ("naskah Masterplan Smart City untuk Lampiran", "Buku 2 hasil Tahap III", context["masterplan_annex"] is None),
    ]
    gaps = [LegalGap(document, what, where) for what, where, missing in wanted if missing]
    annex_missing: list[LegalGap] = []
    annex = context["masterplan_annex"]
    if annex is not None:
        text, annex_missing = legal_annex(annex, document)
        annex = MarkdownText(text)
    gaps += annex_missing
    gaps += review_gaps(context["review"]["chapters"], document)
    matrix_rows = [r for d in context["matrix"]["dimensions"] for r in d["rows"]]
    programs = program_gaps(matrix_rows, document)
    gaps += programs
    return {
        "mengingat": mengingat(region.legal.formation_law, region.legal.rpjmd),
        "formation_law": bool(region.legal.formation_law),
        "head_name": signature_name(head["name"]) if head else None,
        "secretary_name": signature_name(secretary["name"]) if secretary else None,
        "coordinator": region.coordinator.office if region.coordinator else None,
        "dimensions": _with_exact_shares(context["dimensions"], "anggaran_total"),
        "funding": _with_exact_shares(context["funding"], "anggaran"),
        "funding_categories": funding_categories(context["funding"]),
        "annex": annex,
        "gaps": gaps,
        "draft": [g.missing for g in gaps if g not in programs] + _programs_in_short(matrix_rows),
    }


def _programs_in_short(matrix_rows: list[dict]) -> list[str]:
    """The program gaps as the DRAFT banner names them: one count (each OPD's list is in the run's notes and its
    letter)."""
    missing = missing_by_opd(matrix_rows)
    count = len({name for rows in missing.values() for names in rows.values() for name in names})
    return [f"baseline atau target {count} program dari {len(missing)} Perangkat Daerah"] if missing else []


def funding_categories(funding_rows: list[dict]) -> list[str]:
    """The Pendanaan article's categories (bimtek.core.legal.FUNDING_ARTICLE, in order): all of them, so the rule
    stays valid when a budget revision adds a source; the amounts per source are in the Lampiran."""
    return [category for category, _sources in FUNDING_ARTICLE]
