"""Charts of the books (matplotlib, Agg, offline): each function returns a `Chart` with PNG and SVG bytes.

    programs_budget_by_dimension(by_dimension)        programs and budget (miliar Rupiah) for all six dimensions
    readiness_by_pillar_chart(scores)                 mean 1-5 readiness score per pillar
    roadmap_gantt(roadmap, period_start, period_end)  one bar per program over its years, quick-win candidates hatched
                                                      (past `max_programs`: one row per element, programs per year)
    opd_dimension_coverage_chart(coverage)            heatmap OPD x dimension with program counts

Input frames are the aggregates of bimtek.analysis.aggregate / bimtek.analysis.roadmap (column names in each docstring); dimension
values may be codes ("governance") or labels ("Smart Governance"). Empty input (or input that counts nothing)
gives a chart saying "Belum ada data". Titles and labels are in Bahasa Indonesia, numbers use Indonesian
separators (bimtek.core.formatting.angka).

The books link the PNG files of the run folder (e.g. ../grafik/peta-jalan-living.png); before the PDF/DOCX
conversion `bimtek.stages.deliverables.embed_images` turns those links into data URIs.

Determinism: fixed figure sizes and fonts (DejaVu Sans ships with matplotlib), PNG written without the
"Software" entry, SVG without a date and with a fixed `svg.hashsalt`; text stays text in the SVG
(`svg.fonttype = "none"`). The same input gives byte-identical PNG and SVG.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bimtek.core.formatting import angka
from bimtek.core.taxonomy import NO_ELEMENT_LABEL, load_taxonomy
from bimtek.core.values import is_missing

DPI = 150
WIDTH_IN = 8.0
MAX_SIDE_PX = 4000
"""No chart image is taller (or wider) than this: a figure that would grow past it is drawn at this size."""
GANTT_MAX_PROGRAMS = 40
"""Default of `roadmap_gantt(max_programs=...)` (setting `gantt_max_programs`)."""
NO_DATA = "Belum ada data"
MILIAR = 1_000_000_000
LABEL_CHARS = 44
"""Program and OPD names longer than this are truncated with an ellipsis."""

DIMENSION_COLORS = {
    "governance": "#0072B2",
    "branding": "#E69F00",
    "economy": "#009E73",
    "living": "#CC79A7",
    "society": "#56B4E9",
    "environment": "#D55E00",
}
"""Colour of each dimension (Okabe-Ito palette, readable for colour-blind readers)."""
OTHER_COLOR = "#999999"
BAND_COLORS = ("#eef3f8", "#ffffff")
PILLARS = {"struktur": "Struktur", "infrastruktur": "Infrastruktur", "suprastruktur": "Suprastruktur"}
"""The three readiness pillars, in the order shown."""

_RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "none",
    "svg.hashsalt": "bimtek",
    "path.simplify": True,
}


@dataclass(frozen=True)
class ChartSize:
    """Figure width and font sizes of a chart: `BOOK` for an A4 page, `SLIDE` for a 16:9 slide, where the figure
    is placed at about its own width (bimtek.documents.pptx fits it to the 12.2 in between the margins), so a
    font of `small` pt is about that size when projected."""

    width_in: float
    base: float
    small: float
    title: float


BOOK = ChartSize(width_in=WIDTH_IN, base=9, small=8, title=11)
SLIDE = ChartSize(width_in=12.2, base=16, small=14, title=18)
"""Every label of a slide chart is at least 14 pt at 16:9 (the deck's `MIN_PT`)."""


@dataclass(frozen=True)
class Chart:
    name: str
    """File stem, e.g. "program-anggaran-per-dimensi" (charts/<name>.png)."""
    png: bytes
    svg: bytes


# ----------------------------------------------------------------------------------------------- helpers


@contextmanager
def _style() -> Iterator[None]:
    """The chart style, applied only while a chart is drawn and saved (global rcParams stay untouched)."""
    with matplotlib.rc_context(_RC):
        yield


def _figure(height_in: float, width_in: float = WIDTH_IN) -> Figure:
    """A figure `width_in` (default WIDTH_IN) wide and `height_in` high, at most MAX_SIDE_PX pixels high."""
    figure = Figure(figsize=(width_in, min(height_in, MAX_SIDE_PX / DPI)), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _save(name: str, figure: Figure) -> Chart:
    """PNG and SVG bytes of a figure, without timestamps or software versions."""
    png, svg = io.BytesIO(), io.BytesIO()
    figure.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
    figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    return Chart(name=name, png=png.getvalue(), svg=svg.getvalue())


def _no_data(name: str, title: str) -> Chart:
    """A small chart with the title and "Belum ada data"."""
    figure = _figure(2.2)
    ax = figure.add_subplot()
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.45, NO_DATA, ha="center", va="center", fontsize=14, color="#666666", transform=ax.transAxes)
    return _save(name, figure)


def _truncate(text: object, limit: int = LABEL_CHARS) -> str:
    value = "-" if is_missing(text) else " ".join(str(text).split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "\u2026"


def _two_lines(text: object, limit: int = LABEL_CHARS) -> str:
    """A program name on at most two lines of `limit` characters (cut with an ellipsis only past that)."""
    import textwrap

    value = "-" if is_missing(text) else " ".join(str(text).split())
    lines = textwrap.wrap(value, limit) or ["-"]
    if len(lines) <= 2:
        return "\n".join(lines)
    return lines[0] + "\n" + _truncate(" ".join(lines[1:]), limit)


def _dimension_code(value: object) -> str | None:
    """Dimension code of a code or label ("Smart Living", "living"); None for anything else (e.g. "Jumlah")."""
    if is_missing(value):
        return None
    return load_taxonomy().match_dimension(value)


def _dimension_labels() -> dict[str, str]:
    return {d.code: d.label for d in load_taxonomy().dimensions}


def _numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype(float)


def _id_formatter(digits: int = 0) -> FuncFormatter:
    return FuncFormatter(lambda value, _pos: angka(value, digits))


def _label_bars(ax, bars, values, digits: int, suffix: str = "", fontsize: float = 8) -> None:
    """Indonesian-formatted value at the end of each horizontal bar."""
    ax.bar_label(bars, labels=[angka(v, digits) + suffix for v in values], padding=3, fontsize=fontsize)


# ----------------------------------------------------------------------------------------------- by dimension


def _per_dimension(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """`columns` summed per dimension code, all six dimensions in taxonomy order (unknown rows dropped)."""
    codes = frame["dimensi"].map(_dimension_code)
    numbers = pd.DataFrame({c: _numbers(frame[c]).fillna(0.0) for c in columns})
    numbers["code"] = codes.to_numpy()
    summed = numbers.dropna(subset=["code"]).groupby("code")[list(columns)].sum()
    return summed.reindex(list(_dimension_labels()), fill_value=0.0)


def programs_budget_by_dimension(by_dimension: pd.DataFrame, size: ChartSize = BOOK, name: str = "") -> Chart:
    """Programs (left) and budget in miliar Rupiah (right) per dimension, all six dimensions.

    Input: `dimensi, programs, anggaran_total` (bimtek.analysis.aggregate.by_dimension). Counts nothing -> "Belum ada data".
    `size`: BOOK (default) or SLIDE (the rakor deck); `name`: another file stem for the slide version.
    """
    name, title = name or "program-anggaran-per-dimensi", "Jumlah program dan anggaran per dimensi"
    with _style(), matplotlib.rc_context({"font.size": size.base, "axes.titlesize": size.title}):
        if by_dimension is None or by_dimension.empty:
            return _no_data(name, title)
        table = _per_dimension(by_dimension, ("programs", "anggaran_total"))
        if not table.to_numpy().any():
            return _no_data(name, title)
        labels = _dimension_labels()
        colors = [DIMENSION_COLORS[c] for c in table.index]
        y = list(range(len(table)))
        figure = _figure(3.6 * size.base / BOOK.base * 0.75 if size is SLIDE else 3.6, size.width_in)
        left, right = figure.subplots(1, 2, sharey=True)
        counts = table["programs"].to_list()
        budget = (table["anggaran_total"] / MILIAR).to_list()
        _label_bars(left, left.barh(y, counts, color=colors), counts, 0, fontsize=size.small)
        _label_bars(right, right.barh(y, budget, color=colors), budget, 2, fontsize=size.small)
        left.set_yticks(y, [labels[c] for c in table.index])
        left.invert_yaxis()
        left.set_title("Jumlah program", fontsize=size.base + 1)
        right.set_title("Anggaran (miliar Rp)", fontsize=size.base + 1)
        left.xaxis.set_major_locator(MaxNLocator(integer=True))
        left.xaxis.set_major_formatter(_id_formatter())
        right.xaxis.set_major_formatter(_id_formatter(1))
        for ax, values in ((left, counts), (right, budget)):
            ax.set_xlim(0, max(values) * 1.22 or 1)
            ax.grid(axis="x", color="#dddddd", linewidth=0.6)
            ax.set_axisbelow(True)
        figure.suptitle(title, fontweight="bold")
        return _save(name, figure)


# ----------------------------------------------------------------------------------------------- readiness


def _pillar_key(value: object) -> str:
    return " ".join(str(value).strip().lower().split())


def _pillar_means(scores: pd.DataFrame) -> tuple[dict[str, float], dict[str, int]]:
    """Mean score and number of scores per folded pillar name, in order of appearance."""
    column = "rata_rata" if "rata_rata" in scores.columns else "nilai"
    frame = pd.DataFrame({"pilar": scores["pilar"].map(_pillar_key), "nilai": _numbers(scores[column])})
    frame = frame[(frame["pilar"] != "") & (frame["pilar"] != "nan") & frame["nilai"].notna()]
    grouped = frame.groupby("pilar", sort=False)["nilai"]
    means = {k: float(v) for k, v in grouped.mean().items()}
    counts = {k: int(v) for k, v in grouped.size().items()} if column == "nilai" else {}
    return means, counts


def readiness_by_pillar_chart(scores: pd.DataFrame) -> Chart:
    """Mean readiness score (1-5, self-assessment) per pillar: Struktur, Infrastruktur, Suprastruktur.

    Input: a frame with `pilar` and either `rata_rata` (one mean per pillar) or raw `nilai` rows (averaged here,
    the label then shows how many scores, "n=12"). Pillar names are case-insensitive; other pillars (e.g. "alam")
    follow the three standard ones. A standard pillar without a score is shown as "belum dinilai".
    """
    name, title = "kesiapan-per-pilar", "Tingkat kesiapan per pilar"
    with _style():
        if scores is None or scores.empty or "pilar" not in scores.columns:
            return _no_data(name, title)
        means, counts = _pillar_means(scores)
        if not means:
            return _no_data(name, title)
        keys = [*PILLARS, *(k for k in means if k not in PILLARS)]
        labels = [PILLARS.get(k, k.title()) + (f"\n(n={counts[k]})" if k in counts else "") for k in keys]
        values = [means.get(k, 0.0) for k in keys]
        figure = _figure(0.9 + 0.55 * len(keys))
        ax = figure.add_subplot()
        y = list(range(len(keys)))
        bars = ax.barh(y, values, color="#123c69", height=0.55)
        ax.bar_label(
            bars, labels=[angka(means[k], 2) if k in means else "belum dinilai" for k in keys], padding=4, fontsize=8
        )
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        ax.set_xlim(0, 5.6)
        ax.set_xticks(range(6))
        ax.set_xlabel("Rata-rata nilai (skala 1\u20135, penilaian mandiri)")
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_title(title)
        return _save(name, figure)


# ----------------------------------------------------------------------------------------------- roadmap


HIGHLIGHT_LABELS = {"quick_win_candidate": "Kandidat quick win", "quick_win_terpilih": "Quick win final"}
"""The roadmap column a Gantt hatches -> its legend label: Tahap III hatches the candidates, Tahap IV only the
final quick wins."""


def _gantt_rows(roadmap: pd.DataFrame, dimension: str | None, highlight: str = "quick_win_candidate") -> pd.DataFrame:
    """Programs with valid years, grouped by dimension in taxonomy order (input order kept within a group);
    `kandidat` is the `highlight` column (the bars drawn hatched)."""
    order = {code: i for i, code in enumerate(_dimension_labels())}
    frame = pd.DataFrame(
        {
            "nama": roadmap["nama_program"],
            "dim": roadmap["dimensi"].map(_dimension_code),
            "mulai": _numbers(roadmap["tahun_mulai"]),
            "selesai": _numbers(roadmap["tahun_selesai"]),
            "kandidat": roadmap[highlight].fillna(False).astype(bool) if highlight in roadmap.columns else False,
            "elemen": _element_names(roadmap),
        }
    )
    frame = frame.dropna(subset=["mulai", "selesai"])
    frame["dim"] = frame["dim"].fillna("").astype(object)
    if dimension is not None:
        frame = frame[frame["dim"] == _dimension_code(dimension)]
    frame["urut"] = frame["dim"].map(order).fillna(len(order))
    return frame.sort_values("urut", kind="mergesort").reset_index(drop=True)


def _element_names(roadmap: pd.DataFrame) -> pd.Series:
    """`elemen_label` (else `elemen`) as text; a blank element is NO_ELEMENT_LABEL, so its program keeps a row."""
    column = next((c for c in ("elemen_label", "elemen") if c in roadmap.columns), None)
    values = roadmap[column] if column else pd.Series(pd.NA, index=roadmap.index, dtype=object)
    return pd.Series(
        [NO_ELEMENT_LABEL if is_missing(v) or not str(v).strip() else str(v) for v in values],
        index=roadmap.index,
        dtype=object,
    )


def _draw_bands(ax, spans: Mapping[str, tuple[int, int]], fontsize: float = 7.5) -> None:
    """Shaded horizon bands with their name above the plot."""
    for i, (label, (start, end)) in enumerate(spans.items()):
        ax.axvspan(start, end + 1, color=BAND_COLORS[i % 2], zorder=0)
        ax.axvline(start, color="#b8c4d2", linewidth=0.8, zorder=1)
        years = f"{start}" if start == end else f"{start}\u2013{end}"
        ax.text(
            (start + end + 1) / 2,
            1.0,
            f"{label}\n{years}",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=fontsize,
            color="#334455",
        )


def roadmap_gantt(
    roadmap: pd.DataFrame,
    period_start: int,
    period_end: int,
    *,
    horizons: Mapping[str, tuple[int, int]] | None = None,
    dimension: str | None = None,
    max_programs: int = GANTT_MAX_PROGRAMS,
    highlight: str = "quick_win_candidate",
) -> Chart:
    """One bar per program from tahun_mulai to tahun_selesai (inclusive), coloured by dimension.

    `highlight`: the boolean roadmap column whose programs are hatched (HIGHLIGHT_LABELS: the candidates in
    Tahap III, `quick_win_terpilih` for the final quick wins of Tahap IV).

    Input: bimtek.analysis.roadmap.build_roadmap() output (`nama_program, dimensi, tahun_mulai, tahun_selesai`, optional
    `quick_win_candidate`, drawn hatched with a dark edge, and `elemen_label` or `elemen`). `horizons` (name ->
    (first, last year), as bimtek.analysis.roadmap.horizons returns) shades the short/medium/long-term bands; none given:
    no bands. The figure grows with the number of programs (about 0.2 inch each); `dimension` (code or
    label) limits the chart to one dimension, for books that show one roadmap per dimension.

    Bounded by design: with more than `max_programs` programs the chart shows one row per element instead, with
    the number of running programs in each year (`_element_gantt`); the programs themselves are in the book's
    tables and the roadmap workbook. No image is taller than MAX_SIDE_PX. A program without an element is drawn
    in a NO_ELEMENT_LABEL row ("Elemen belum ditentukan", after its dimension's elements), never dropped.
    """
    code = _dimension_code(dimension) if dimension is not None else None
    suffix = f"-{code}" if dimension is not None else ""
    subject = _dimension_labels().get(code or "", "program") if dimension is not None else "program"
    name, title = f"peta-jalan{suffix}", f"Peta jalan {subject} {period_start}\u2013{period_end}"
    with _style():
        if roadmap is None or roadmap.empty:
            return _no_data(name, title)
        rows = _gantt_rows(roadmap, dimension, highlight)
        if rows.empty:
            return _no_data(name, title)
        spans = dict(horizons or {})
        if len(rows) > max_programs:
            word = "quick win" if highlight == "quick_win_terpilih" else "kandidat QW"
            return _element_gantt(name, title, rows, period_start, period_end, spans, word)
        n = len(rows)
        wrapped = sum(1 for v in rows["nama"] if len(str(v)) > LABEL_CHARS)  # a two-line label needs more room
        figure = _figure(1.9 + 0.2 * n + 0.25 * wrapped)
        ax = figure.add_subplot()
        _draw_bands(ax, spans)
        y = list(range(n))
        widths = (rows["selesai"] - rows["mulai"] + 1).clip(lower=1)
        colors = [DIMENSION_COLORS.get(d, OTHER_COLOR) for d in rows["dim"]]
        bars = ax.barh(y, widths, left=rows["mulai"], color=colors, height=0.62, zorder=2)
        for bar, candidate in zip(bars, rows["kandidat"]):
            if candidate:
                bar.set_hatch("////")
                bar.set_edgecolor("#111111")
                bar.set_linewidth(1.0)
        _gantt_axes(ax, rows, period_start, period_end, n)
        _gantt_legend(figure, rows, HIGHLIGHT_LABELS.get(highlight, "Quick win"))
        ax.set_title(title, pad=24)
        return _save(name, figure)


def element_year_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Programs running per (dimension, element, year) from `_gantt_rows` output: columns dim, elemen, tahun,
    program, kandidat (quick-win candidates running that year); element groups in row order."""
    span = (rows["selesai"] - rows["mulai"] + 1).clip(lower=1).astype("int64").to_numpy()
    index = np.repeat(np.arange(len(rows)), span)
    offset = np.arange(len(index)) - np.repeat(np.cumsum(span) - span, span)
    expanded = pd.DataFrame(
        {
            "dim": rows["dim"].to_numpy()[index],
            "elemen": rows["elemen"].astype(str).to_numpy()[index],
            "tahun": rows["mulai"].astype("int64").to_numpy()[index] + offset,
            "kandidat": rows["kandidat"].to_numpy(dtype=bool)[index],
        }
    )
    counts = expanded.groupby(["dim", "elemen", "tahun"], sort=False).agg(
        program=("kandidat", "size"), kandidat=("kandidat", "sum")
    )
    return counts.reset_index()


def _element_gantt(
    name: str,
    title: str,
    rows: pd.DataFrame,
    period_start: int,
    period_end: int,
    spans: Mapping[str, tuple[int, int]],
    highlight_word: str = "kandidat QW",
) -> Chart:
    """One row per element: a cell per year with the number of programs running, shaded by that number; each
    element's label counts its hatched programs as `highlight_word` ("kandidat QW", or "quick win" in Tahap IV)."""
    counts = element_year_counts(rows)
    groups = list(dict.fromkeys(zip(counts["dim"], counts["elemen"])))
    dim_rank = {d: i for i, d in enumerate(dict.fromkeys(counts["dim"]))}
    groups.sort(key=lambda group: (dim_rank[group[0]], group[1] == NO_ELEMENT_LABEL))
    per_group = rows.groupby(["dim", "elemen"], sort=False).agg(n=("nama", "size"), qw=("kandidat", "sum"))
    position = {group: i for i, group in enumerate(groups)}
    peak = max(int(counts["program"].max()), 1)
    figure = _figure(2.3 + 0.32 * len(groups))
    ax = figure.add_subplot()
    _draw_bands(ax, spans)
    y = [position[(d, e)] for d, e in zip(counts["dim"], counts["elemen"])]
    colors = [
        to_rgba(DIMENSION_COLORS.get(d, OTHER_COLOR), 0.25 + 0.75 * n / peak)
        for d, n in zip(counts["dim"], counts["program"])
    ]
    ax.barh(y, 1.0, left=counts["tahun"], color=colors, height=0.7, zorder=2, edgecolor="white", linewidth=0.5)
    for row, year, n in zip(y, counts["tahun"], counts["program"]):
        ax.text(
            year + 0.5,
            row,
            angka(int(n)),
            ha="center",
            va="center",
            fontsize=6.5,
            zorder=3,
            color="white" if n / peak > 0.55 else "#111111",
        )
    labels = []
    dimension_names = _dimension_labels()
    for group in groups:
        n, qw = int(per_group.loc[group, "n"]), int(per_group.loc[group, "qw"])
        extra = f", {angka(qw)} {highlight_word}" if qw else ""
        element = group[1]
        if element == NO_ELEMENT_LABEL:  # several dimensions have one: name whose it is
            element = f"{element}, {dimension_names.get(group[0], 'dimensi belum ditentukan')}"
        labels.append(_truncate(f"{element} ({angka(n)} program{extra})", LABEL_CHARS + 30))
    first = int(min(period_start, counts["tahun"].min()))
    last = int(max(period_end, counts["tahun"].max()))
    ax.set_xlim(first, last + 1)
    ax.set_xticks([year + 0.5 for year in range(first, last + 1)], [str(y) for y in range(first, last + 1)])
    ax.tick_params(axis="x", length=0)
    ax.set_yticks(range(len(groups)), labels, fontsize=7.5)
    ax.set_ylim(len(groups) - 0.5, -0.5)
    ax.set_xlabel(f"Tahun\nAngka: jumlah program berjalan ({angka(len(rows))} program; rincian di tabel program)")
    _gantt_legend(figure, rows, HIGHLIGHT_LABELS.get("quick_win_terpilih"), show_highlight=False)
    ax.set_title(title, pad=24)
    return _save(name, figure)


def roadmap_years_by_dimension(
    roadmap: pd.DataFrame,
    period_start: int,
    period_end: int,
    *,
    horizons: Mapping[str, tuple[int, int]] | None = None,
    highlight: str = "quick_win_terpilih",
    size: ChartSize = SLIDE,
) -> Chart:
    """The roadmap for a slide: one row per dimension, one cell per year with the number of programs running,
    shaded by that number in the dimension's colour; each row's label counts its programs and hatched quick wins;
    legend and caption inside the figure. Six rows and ten years stay legible at `size` (SLIDE: >= 14 pt).

    Input: as `roadmap_gantt`. Saved as "rakor-peta-jalan-per-tahun"."""
    name = "rakor-peta-jalan-per-tahun"
    title = f"Program berjalan per tahun dan per dimensi {period_start}\u2013{period_end}"
    with _style(), matplotlib.rc_context({"font.size": size.base, "axes.titlesize": size.title}):
        if roadmap is None or roadmap.empty:
            return _no_data(name, title)
        rows = _gantt_rows(roadmap, None, highlight)
        if rows.empty:
            return _no_data(name, title)
        counts = element_year_counts(rows.assign(elemen=""))
        dims = list(dict.fromkeys(counts["dim"]))
        labels_of = _dimension_labels()
        position = {d: i for i, d in enumerate(dims)}
        peak = max(int(counts["program"].max()), 1)
        figure = _figure(1.7 + 0.56 * len(dims), size.width_in)
        ax = figure.add_subplot()
        _draw_bands(ax, dict(horizons or {}), fontsize=size.small)
        y = [position[d] for d in counts["dim"]]
        colors = [
            to_rgba(DIMENSION_COLORS.get(d, OTHER_COLOR), 0.25 + 0.75 * n / peak)
            for d, n in zip(counts["dim"], counts["program"])
        ]
        ax.barh(y, 1.0, left=counts["tahun"], color=colors, height=0.8, zorder=2, edgecolor="white", linewidth=1)
        for row, year, n in zip(y, counts["tahun"], counts["program"]):
            color = "white" if n / peak > 0.55 else "#111111"
            ax.text(year + 0.5, row, angka(int(n)), ha="center", va="center", fontsize=size.small, color=color)
        per_dim = rows.groupby("dim", sort=False).agg(n=("nama", "size"), qw=("kandidat", "sum"))
        labels = []
        for d in dims:
            n, qw = int(per_dim.loc[d, "n"]), int(per_dim.loc[d, "qw"])
            extra = f"\n{angka(n)} program, {angka(qw)} quick win" if qw else f"\n{angka(n)} program"
            labels.append(f"{labels_of.get(d, 'Dimensi belum ditentukan')}{extra}")
        first = int(min(period_start, counts["tahun"].min()))
        last = int(max(period_end, counts["tahun"].max()))
        ax.set_xlim(first, last + 1)
        ax.set_xticks([year + 0.5 for year in range(first, last + 1)], [str(y) for y in range(first, last + 1)])
        ax.tick_params(axis="both", length=0, labelsize=size.small)
        ax.set_yticks(range(len(dims)), labels)
        ax.set_ylim(len(dims) - 0.5, -0.5)
        ax.set_xlabel(
            f"Angka di tiap sel: jumlah program berjalan pada tahun itu ({angka(len(rows))} program dalam "
            "masterplan)\nWarna makin pekat: makin banyak program berjalan; warna menandai dimensi",
            fontsize=size.small,
        )
        ax.set_title(title, pad=size.title * 2.6)
        return _save(name, figure)


def _gantt_axes(ax, rows: pd.DataFrame, period_start: int, period_end: int, n: int) -> None:
    first = int(min(period_start, rows["mulai"].min()))
    last = int(max(period_end, rows["selesai"].max()))
    ax.set_xlim(first, last + 1)
    ax.set_xticks([year + 0.5 for year in range(first, last + 1)], [str(y) for y in range(first, last + 1)])
    ax.tick_params(axis="x", length=0)
    ax.set_yticks(range(n), [_two_lines(v) for v in rows["nama"]], fontsize=7 if n > 30 else 8)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlabel("Tahun")
    boundaries = [i - 0.5 for i in range(1, n) if rows["dim"].iloc[i] != rows["dim"].iloc[i - 1]]
    for position in boundaries:
        ax.axhline(position, color="#888888", linewidth=0.6, zorder=1)


def _gantt_legend(
    figure: Figure, rows: pd.DataFrame, highlight_label: str = "Kandidat quick win", show_highlight: bool = True
) -> None:
    labels = _dimension_labels()
    present = [d for d in labels if d in set(rows["dim"])]
    handles = [Patch(facecolor=DIMENSION_COLORS[d], label=labels[d]) for d in present]
    if show_highlight and rows["kandidat"].any():
        handles.append(Patch(facecolor="white", edgecolor="#111111", hatch="////", label=highlight_label))
    figure.legend(handles=handles, loc="outside lower center", ncols=min(4, len(handles)), fontsize=7.5, frameon=False)


# ----------------------------------------------------------------------------------------------- coverage


def _coverage_matrix(coverage: pd.DataFrame) -> pd.DataFrame:
    """OPD x dimension-code counts from the wide aggregate (dimension label columns) or a long frame
    (`opd, dimensi` and a count column `programs`/`jumlah`, or one row per program)."""
    codes = list(_dimension_labels())
    if "dimensi" in coverage.columns:
        count = next((c for c in ("programs", "jumlah", "count") if c in coverage.columns), None)
        long = pd.DataFrame(
            {
                "opd": coverage["opd"].astype(str),
                "code": coverage["dimensi"].map(_dimension_code),
                "n": _numbers(coverage[count]).fillna(0.0) if count else 1.0,
            }
        ).dropna(subset=["code"])
        order = list(dict.fromkeys(coverage["opd"].astype(str)))
        matrix = long.pivot_table(index="opd", columns="code", values="n", aggfunc="sum", fill_value=0.0)
        return matrix.reindex(index=order, columns=codes, fill_value=0.0).fillna(0.0)
    columns = {c: _dimension_code(c) for c in coverage.columns if c != "opd"}
    columns = {c: code for c, code in columns.items() if code is not None}
    matrix = pd.DataFrame({code: _numbers(coverage[c]).fillna(0.0) for c, code in columns.items()})
    matrix.index = coverage["opd"].astype(str).to_numpy()
    return matrix.reindex(columns=codes, fill_value=0.0)


def opd_dimension_coverage_chart(coverage: pd.DataFrame) -> Chart:
    """Heatmap of program counts per OPD (rows, input order) and dimension (six columns), counts annotated.

    Input: bimtek.analysis.aggregate.opd_dimension_coverage (`opd` + one column per dimension label; `jumlah` and
    `dimensi_tercakup` are ignored) or a long frame `opd, dimensi[, programs]`. No program at all -> "Belum ada
    data".
    """
    name, title = "cakupan-opd-per-dimensi", "Sebaran program OPD per dimensi"
    with _style():
        if coverage is None or coverage.empty or "opd" not in coverage.columns:
            return _no_data(name, title)
        matrix = _coverage_matrix(coverage)
        if matrix.empty or not matrix.to_numpy().any():
            return _no_data(name, title)
        figure = _figure(1.7 + 0.3 * len(matrix))
        ax = figure.add_subplot()
        values = matrix.to_numpy()
        image = ax.imshow(values, cmap="Blues", vmin=0, vmax=max(values.max(), 1), aspect="auto")
        _annotate(ax, values)
        labels = _dimension_labels()
        ax.set_xticks(range(len(matrix.columns)), [labels[c].replace(" ", "\n", 1) for c in matrix.columns])
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(matrix)), [_truncate(v, 40) for v in matrix.index], fontsize=8)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        figure.colorbar(
            image, ax=ax, shrink=0.8, label="Jumlah program", format=_id_formatter(), ticks=MaxNLocator(integer=True)
        )
        ax.set_title(title)
        return _save(name, figure)


def _annotate(ax, values) -> None:
    """Count in every cell: white on dark cells, grey for zero."""
    peak = max(values.max(), 1)
    for row in range(values.shape[0]):
        for col in range(values.shape[1]):
            value = values[row, col]
            color = "white" if value > 0.6 * peak else ("#999999" if value == 0 else "#111111")
            ax.text(col, row, angka(value), ha="center", va="center", fontsize=8, color=color)


# ----------------------------------------------------------------------------------------------- national


def programs_across_regions(per_region: pd.DataFrame) -> Chart:
    """Box plot per dimension of the programs each region has (one point per region), all six dimensions.

    Input: bimtek.analysis.national `per_region` table (`program_<dimension code>` columns). No region or no
    program at all -> "Belum ada data". The size does not depend on the number of regions.
    """
    name, title = "sebaran-program-per-dimensi-nasional", "Sebaran jumlah program per daerah, per dimensi"
    with _style():
        labels = _dimension_labels()
        columns = [f"program_{code}" for code in labels]
        if per_region is None or per_region.empty or not set(columns) <= set(per_region.columns):
            return _no_data(name, title)
        values = [_numbers(per_region[c]).fillna(0.0).to_list() for c in columns]
        if not any(any(v) for v in values):
            return _no_data(name, title)
        figure = _figure(3.8)
        ax = figure.add_subplot()
        boxes = ax.boxplot(
            values,
            vert=False,
            patch_artist=True,
            widths=0.55,
            medianprops={"color": "#111111"},
            flierprops={"markersize": 3},
        )
        for patch, code in zip(boxes["boxes"], labels):
            patch.set_facecolor(DIMENSION_COLORS[code])
            patch.set_alpha(0.75)
        ax.set_yticks(range(1, len(labels) + 1), list(labels.values()))
        ax.invert_yaxis()
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(_id_formatter())
        ax.set_xlabel(f"Program per daerah ({angka(len(per_region))} daerah)")
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_title(title)
        return _save(name, figure)


# ----------------------------------------------------------------------------------------------- monev (Tahap V)


def monev_area_scores(areas: pd.DataFrame, title: str) -> Chart:
    """Score 0-5 of each monev area (frame: label, skor, bobot), the weight in the bar label."""
    name = "monev-skor-area"
    if areas.empty:
        return _no_data(name, title)
    with _style():
        figure = _figure(3.2)
        ax = figure.add_subplot()
        labels = [f"{row['label']}\n(bobot {angka(row['bobot'])}%)" for row in areas.to_dict("records")]
        bars = ax.bar(labels, areas["skor"], color="#0072B2")
        _label_bars(ax, bars, areas["skor"].tolist(), 2)
        ax.set_ylim(0, 5.5)
        ax.set_ylabel("Skor (0-5)")
        ax.yaxis.set_major_formatter(_id_formatter(0))
        ax.set_title(title)
        return _save(name, figure)


def monev_plan_vs_realisation(per_opd: pd.DataFrame, title: str) -> Chart:
    """Planned and realised budget (juta Rupiah) per OPD (frame: opd, anggaran_rencana, anggaran_realisasi)."""
    name = "monev-rencana-realisasi"
    if per_opd.empty:
        return _no_data(name, title)
    with _style():
        rows = per_opd.sort_values("anggaran_rencana")
        figure = _figure(1.2 + 0.32 * len(rows))
        ax = figure.add_subplot()
        y = np.arange(len(rows))
        ax.barh(y + 0.2, rows["anggaran_rencana"] / 1e6, height=0.4, color="#BBBBBB", label="Rencana")
        ax.barh(y - 0.2, rows["anggaran_realisasi"] / 1e6, height=0.4, color="#009E73", label="Realisasi")
        ax.set_yticks(y, [_truncate(o) for o in rows["opd"]])
        ax.xaxis.set_major_formatter(_id_formatter(0))
        ax.set_xlabel("Anggaran (juta Rupiah)")
        ax.legend(loc="lower right")
        ax.set_title(title)
        return _save(name, figure)


def monev_trend(trend: pd.DataFrame, title: str) -> Chart:
    """The monev index (0-5) of each published semester, oldest first (frame: semester, indeks)."""
    name = "monev-tren"
    if trend.empty:
        return _no_data(name, title)
    with _style():
        figure = _figure(3.0)
        ax = figure.add_subplot()
        x = np.arange(len(trend))
        ax.plot(x, trend["indeks"], marker="o", color="#D55E00")
        for xi, value in zip(x, trend["indeks"]):
            ax.annotate(angka(value, 2), (xi, value), textcoords="offset points", xytext=(0, 7), ha="center")
        ax.set_xticks(x, trend["semester"].tolist())
        ax.set_ylim(0, 5.5)
        ax.set_ylabel("Indeks (0-5)")
        ax.yaxis.set_major_formatter(_id_formatter(0))
        ax.set_title(title)
        return _save(name, figure)
