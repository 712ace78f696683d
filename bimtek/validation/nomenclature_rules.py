"""Rules of the optional "Kode Sub Kegiatan" column of the program contract (Tahap II and III, issue 25).

They run on the normalized frame after the GX suite (`check_codes`), because they need the region: its
nomenclature version (`nomenclature_for`), its level of government and the urusan each OPD holds.

| rule | a row is rejected when |
|---|---|
| `sipd_code_unknown` | the cell holds no sub kegiatan code, or one the region's nomenclature version does not have |
| `sipd_code_level` | the code is of the other level of government (provinsi for a kabupaten/kota, or back) |
| `sipd_code_urusan` | the code lies under a bidang urusan the OPD does not hold (region file `opd[].urusan`) |
| `sipd_code_suggestion` (note only) | a program without a code whose name resembles sub kegiatan of its OPD's urusan: the ranked codes, for the OPD to confirm (never applied) |
| `sipd_code_unchecked` (note only) | the region names no usable nomenclature, so the code could not be checked |

A blank cell is accepted: the program has no code yet (Tahap IV lists it in sipd/usulan-nomenklatur.xlsx with
suggested codes). Every message names the code as written and the nearest valid codes of the version.
"""

from __future__ import annotations

import pandas as pd

from bimtek.core.columns import DatasetSpec
from bimtek.core.nomenclature import (
    LEVEL_LABELS,
    Nomenclature,
    NomenclatureError,
    bundled,
    check_code,
    level_of,
    parse_code,
    region_government,
    suggest_codes,
)
from bimtek.core.region import Region
from bimtek.validation.gx_runner import Failure
from bimtek.validation.messages import MessageContext, message_for, quoted
from bimtek.validation.normalize import RID_COLUMN

CODE_COLUMN = "kode_sub_kegiatan"


def nomenclature_for(region: Region, loaded: Nomenclature | None = None) -> Nomenclature | None:
    """The nomenclature a region's codes are checked against: the loaded SIPD export when given, else the bundled
    reference of the region's version; None when the region names none, names an unknown one, or points to an
    export that was not loaded (its codes are then noted as unchecked, never rejected against another list)."""
    if loaded is not None:
        return loaded
    if not region.nomenclature or region.nomenclature_export:
        return None
    try:
        return bundled(region.nomenclature)
    except NomenclatureError:
        return None


def opd_urusan(region: Region) -> dict[str, list[str]]:
    """Canonical OPD name -> the urusan codes the region file lists for it."""
    return {opd.name: list(opd.urusan) for opd in region.opd}


def check_codes(
    normalized: pd.DataFrame, spec: DatasetSpec, region: Region, loaded: Nomenclature | None = None
) -> list[Failure]:
    """One Failure per row whose code breaks a rule above (module doc)."""
    if CODE_COLUMN not in normalized.columns:
        return []
    nomenclature = nomenclature_for(region, loaded)
    government = region_government(region.kind)
    held = opd_urusan(region)
    owners = normalized["opd__name"].tolist() if "opd__name" in normalized.columns else [None] * len(normalized)
    failures: list[Failure] = []
    verdicts: dict[tuple[str, str], Failure | None] = {}
    names = normalized["nama_program"].tolist() if "nama_program" in normalized.columns else [None] * len(owners)
    descriptions = normalized["deskripsi"].tolist() if "deskripsi" in normalized.columns else [None] * len(owners)
    rows = zip(normalized[RID_COLUMN].tolist(), normalized[CODE_COLUMN].tolist(), owners, names, descriptions)
    for rid, text, owner, name, description in rows:
        if text is None or (isinstance(text, float) and pd.isna(text)):
            if nomenclature is not None and name:
                urusan = held.get(str(owner), [])
                found = suggest_codes(name, description, nomenclature, government, urusan)
                if found:
                    labels = (nomenclature.version, *(s.entry.label() for s in found))
                    failures.append(Failure(int(rid), "sipd_code_suggestion", CODE_COLUMN, labels, severity="warning"))
            continue
        if nomenclature is None:
            failures.append(Failure(int(rid), "sipd_code_unchecked", CODE_COLUMN, None, severity="warning"))
            continue
        key = (str(text), str(owner))
        if key not in verdicts:
            check = check_code(text, nomenclature, government, held.get(str(owner), []))
            verdicts[key] = (
                None
                if check.rule is None
                else Failure(0, check.rule, CODE_COLUMN, (nomenclature.version, *check.nearest))
            )
        verdict = verdicts[key]
        if verdict is not None:
            failures.append(Failure(int(rid), verdict.rule, CODE_COLUMN, verdict.observed))
    return failures


def _version(ctx: MessageContext) -> str:
    observed = ctx.observed if isinstance(ctx.observed, tuple) and ctx.observed else ("",)
    return str(observed[0])


def _nearest(ctx: MessageContext) -> str:
    observed = ctx.observed if isinstance(ctx.observed, tuple) else ()
    labels = list(observed[1:])
    if not labels:
        return " Referensi tidak memuat kode sub kegiatan lain yang boleh dipakai OPD ini."
    return " Kode terdekat yang berlaku: " + "; ".join(labels) + "."


def _bundled_hint(ctx: MessageContext) -> str:
    region = ctx.region
    if region is not None and region.nomenclature_export:
        return ""
    return (
        " Referensi bawaan bimtek hanya memuat kode yang sudah diverifikasi dari sumber publik; bila kode ini ada di"
        " SIPD daerah, minta Bappeda memuat ekspor SIPD di berkas region (nomenclature_export)."
    )


_TAIL = (
    " Perbaiki kodenya, atau kosongkan kolom ini bila program belum punya kode (program tanpa kode tetap diterima"
    " dan diusulkan untuk pemutakhiran nomenklatur)."
)


@message_for("sipd_code_unknown")
def _unknown(ctx: MessageContext) -> str:
    code = parse_code(ctx.value)
    level = level_of(code) if code else None
    if code is None:
        what = (
            f'Kolom "{ctx.header}" berisi {quoted(ctx.value)} yang bukan kode sub kegiatan SIPD (bentuk '
            "U.BB.PP.K.KK.SSSS, mis. 2.16.03.2.02.0014; tulis kodenya saja, tanpa kode rekening belanja)."
        )
    elif level != "sub_kegiatan":
        what = (
            f'Kode "{code}" di kolom "{ctx.header}" adalah kode {LEVEL_LABELS.get(level or "", "")}, bukan kode sub '
            "kegiatan (enam bagian, mis. 2.16.03.2.02.0014)."
        )
    else:
        what = f'Kode sub kegiatan "{code}" tidak ada dalam nomenklatur SIPD versi {_version(ctx)}.'
        what += _bundled_hint(ctx)
    return what + _nearest(ctx) + _TAIL


@message_for("sipd_code_level")
def _level(ctx: MessageContext) -> str:
    code = parse_code(ctx.value) or ctx.value
    kind = ctx.region.kind if ctx.region is not None else "kabupaten"
    return (
        f'Kode sub kegiatan "{code}" adalah kode pemerintah provinsi (angka ke-4 kodenya "1"), padahal program ini '
        f'direncanakan oleh pemerintah {kind} (angka ke-4 "2").' + _nearest(ctx) + _TAIL
    )


@message_for("sipd_code_urusan")
def _urusan(ctx: MessageContext) -> str:
    code = parse_code(ctx.value) or ctx.value
    owner = ctx.row.get("opd__name") or ctx.row.get("opd") or "OPD ini"
    held = opd_urusan(ctx.region).get(str(owner), []) if ctx.region is not None else []
    bidang = ".".join(str(code).split(".")[:2])
    return (
        f'Kode sub kegiatan "{code}" berada di bidang urusan {bidang}, yang tidak diampu {owner} '
        f"(urusan di berkas region: {', '.join(held) or 'tidak ada'})." + _nearest(ctx) + _TAIL
    )


@message_for("sipd_code_unchecked")
def _unchecked(ctx: MessageContext) -> str:
    return (
        f"Kode sub kegiatan {quoted(ctx.value)} belum dapat diperiksa: berkas region belum menyebut versi nomenklatur "
        "SIPD yang dikenal (nomenclature) atau ekspor SIPD-nya belum dimuat. Kode dicatat apa adanya."
    )


@message_for("sipd_code_suggestion")
def _suggestion(ctx: MessageContext) -> str:
    name = ctx.row.get("nama_program") or "ini"
    labels = list(ctx.observed[1:]) if isinstance(ctx.observed, tuple) else []
    return (
        f'Program "{name}" belum memakai kode sub kegiatan SIPD (nomenklatur {_version(ctx)}). Kode yang mungkin '
        f"cocok, urut dari yang paling mirip: {'; '.join(labels)}. Bila salah satunya benar, isi kolom "
        '"Kode Sub Kegiatan"; saran ini tidak dipasang otomatis.'
    )
