"""The `bimtek` command line: run stages, validate an inbox, run the demo.

Bad input (missing folder, unreadable region file) is reported in one clear line and exit code 2, never a stack
trace. Heavy imports (Prefect, Great Expectations) happen inside the commands so `bimtek --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from bimtek.core.environment import apply_quiet_defaults

apply_quiet_defaults()

app = typer.Typer(
    help="Pipeline Bimtek Smart City (Tahap I-IV): berkas OPD -> validasi -> masterplan, quick win, lembar komitmen.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)

STAGES = ("1", "2", "3", "4", "all")


class UsageProblem(Exception):
    """Input the command cannot work with; shown to the user with exit code 2."""


def _fail(message: str) -> None:
    console.print(f"[bold red]Galat:[/] {message}")
    raise typer.Exit(code=2)


def user_errors() -> tuple[type[Exception], ...]:
    """Exceptions that describe a problem with what the user gave: shown in one line, exit code 2."""
    from bimtek.ingest.reader import EmptyInboxError
    from bimtek.stages.previous import MissingStageError
    from bimtek.store.storage import StorageError
    from cli.prefect_api import PrefectApiUnavailable

    return (UsageProblem, MissingStageError, EmptyInboxError, StorageError, PrefectApiUnavailable)


def _check_inputs(region_path: Path, inputs: str, stage_folders: tuple[str, ...] = ()):
    """Load the region and make sure the inputs location (and each stage's folder in it) exists."""
    from bimtek.core.region import RegionError, load_region
    from bimtek.store.storage import StorageError, open_location

    try:
        region = load_region(region_path)
    except RegionError as exc:
        raise UsageProblem(f"berkas region tidak dapat dipakai: {exc}") from None
    locations = [inputs] + [f"{inputs.rstrip('/')}/tahap-{n}" for n in stage_folders]
    for location in locations:
        try:
            if not open_location(location).list(None):
                raise UsageProblem(f"tidak ada berkas OPD di {location}.")
        except StorageError as exc:
            raise UsageProblem(f"lokasi input tidak dapat dibaca: {exc}") from None
    return region


@app.command()
def run(
    stage: str = typer.Argument(..., help="Tahap yang dijalankan: 1, 2, 3, 4 atau all."),
    region: Path = typer.Option(..., "--region", help="Berkas YAML region."),
    inputs: str = typer.Option(..., "--inputs", help="Folder atau s3://bucket/prefix berisi berkas OPD."),
    store: str | None = typer.Option(
        None, "--store", help="Folder atau s3://bucket/prefix tujuan (bawaan: BIMTEK_STORE, atau outputs/)."
    ),
    run_id: str | None = typer.Option(None, "--run-id", help="ID run (bawaan: waktu UTC)."),
) -> None:
    """Jalankan satu tahap Bimtek (atau semuanya) dan terbitkan hasilnya ke store."""
    if stage not in STAGES:
        _fail(f"tahap '{stage}' tidak dikenal; pilih salah satu dari {', '.join(STAGES)}.")
    if run_id is not None:
        _check_run_id(run_id)
    try:
        _check_inputs(region, inputs, stage_folders=STAGES[:4] if stage == "all" else ())
        published = _run_stage(stage, region, inputs, store, run_id)
    except user_errors() as exc:
        _fail(str(exc))
    _exit_if_terminated()
    for item in published:
        console.print(f"[green]Selesai:[/] {item}")


def _exit_if_terminated() -> None:
    """A run that received SIGTERM never reports success, even when the signal was swallowed on its way up."""
    from tasks.termination import STOPPED_MESSAGE, termination_requested

    if termination_requested():
        console.print(f"[red]Dihentikan:[/] {STOPPED_MESSAGE}")
        raise typer.Exit(code=143)


def _check_run_id(run_id: str) -> None:
    """Refuse a --run-id that is not one safe folder name (exit 2), before any work is done."""
    from bimtek.store.package import RUN_ID_MAX_LENGTH, validate_run_id

    try:
        validate_run_id(run_id)
    except ValueError:
        _fail(
            f"--run-id '{run_id}' tidak dapat dipakai: gunakan huruf, angka, '.', '_' atau '-', diawali huruf atau "
            f"angka, paling panjang {RUN_ID_MAX_LENGTH} karakter."
        )


def _run_stage(stage: str, region: Path, inputs: str, store: str | None, run_id: str | None) -> list[str]:
    from cli.prefect_api import ensure_prefect_api
    from flows.registry import run_stage_flow

    with console.status("Menyiapkan server Prefect ..."):
        ensure_prefect_api()
    with console.status(f"Menjalankan Tahap {stage} ..."):
        return run_stage_flow(stage, str(region), inputs, store, run_id)


@app.command()
def validate(
    region: Path = typer.Option(..., "--region", help="Berkas YAML region."),
    inputs: str = typer.Option(..., "--inputs", help="Folder atau s3://bucket/prefix berisi berkas OPD."),
    report: Path = typer.Option(..., "--report", help="Tempat menulis laporan validasi (JSON)."),
    stage: int = typer.Option(3, "--stage", min=1, max=5, help="Tahap yang menentukan kontrak kolom (5 = monev)."),
) -> None:
    """Periksa berkas OPD saja (ingest + validasi) dan tulis laporan JSON. Exit 0 walau ada baris ditolak."""
    from cli.prefect_api import PrefectApiUnavailable, ensure_prefect_api

    try:
        _check_inputs(region, inputs)
        with console.status("Menyiapkan server Prefect ..."):
            ensure_prefect_api()
    except (UsageProblem, PrefectApiUnavailable) as exc:
        _fail(str(exc))
    from flows.validate import validate_inputs

    with console.status("Memeriksa berkas OPD ..."):
        summary = validate_inputs(region=str(region), inputs=inputs, stage=stage, report_path=str(report))
    console.print(
        f"[green]Laporan ditulis:[/] {report}  baris: {summary['rows_total']}, valid: {summary['rows_valid']}, "
        f"ditolak: {summary['rows_rejected']}"
    )


@app.command()
def demo(
    store: str | None = typer.Option(None, "--store", help="Tujuan hasil demo (bawaan: BIMTEK_STORE, atau outputs/)."),
) -> None:
    """Jalankan region sampel (data sintetis Padang Pariaman) melalui Tahap I-IV dan dua semester monev, ke outputs/."""
    from bimtek.core.paths import SAMPLE_DIR

    region = SAMPLE_DIR / "padang-pariaman" / "region.yaml"
    inputs_root = SAMPLE_DIR / "padang-pariaman" / "inputs"
    try:
        published = _run_stage("all", region, str(inputs_root), store, None)
        published += _run_monev_semesters(region, SAMPLE_DIR / "padang-pariaman" / "monev", store)
    except user_errors() as exc:
        _fail(str(exc))
    _exit_if_terminated()
    for item in published:
        console.print(f"[green]Selesai:[/] {item}")


@app.command(name="monev")
def monev_command(
    region: Path = typer.Option(..., "--region", help="Berkas YAML region."),
    semester: str = typer.Option(..., "--semester", help="Semester monev: 2027-S1 (Januari-Juni) atau 2027-S2."),
    inputs: str = typer.Option(
        "", "--inputs", help="Folder atau s3://bucket/prefix berisi berkas realisasi (bawaan: kotak masuk Tahap V)."
    ),
    store: str | None = typer.Option(None, "--store", help="Store berisi hasil Tahap IV dan tujuan hasil monev."),
    run_id: str | None = typer.Option(None, "--run-id", help="ID run (bawaan: waktu UTC)."),
) -> None:
    """Jalankan monev (Tahap V) satu semester: realisasi OPD dinilai terhadap masterplan Tahap IV."""
    from bimtek.core.monev import Semester, SemesterError

    try:
        term = Semester.parse(semester)
    except SemesterError as exc:
        _fail(str(exc))
    if run_id is not None:
        _check_run_id(run_id)
    try:
        if inputs:
            _check_inputs(region, inputs)
        from cli.prefect_api import ensure_prefect_api

        with console.status("Menyiapkan server Prefect ..."):
            ensure_prefect_api()
        from flows.monev import monev
        from flows.outcomes import flow_result

        with console.status(f"Menjalankan monev {term} ..."):
            result = flow_result(
                monev(
                    region=str(region), semester=str(term), inputs=inputs, store=store, run_id=run_id, return_state=True
                )
            )
    except user_errors() as exc:
        _fail(str(exc))
    console.print(
        f"[green]Selesai:[/] monev {term}: indeks {result['indeks'].replace('.', ',')}, run {result['run_id']} di "
        f"{result['run_url']} (valid {result['rows_valid']}, ditolak {result['rows_rejected']})"
    )


DEMO_SEMESTERS = ("2027-S1", "2027-S2")
"""The sample's two invented monev semesters (sample/monev.py), published in order so the second shows a trend."""


def _run_monev_semesters(region: Path, inputs_root: Path, store: str | None) -> list[str]:
    from flows.monev import monev
    from flows.outcomes import flow_result

    lines = []
    for semester in DEMO_SEMESTERS:
        with console.status(f"Menjalankan monev {semester} ..."):
            state = monev(
                region=str(region),
                semester=semester,
                inputs=str(inputs_root / semester),
                store=store,
                return_state=True,
            )
            result = flow_result(state)
        lines.append(
            f"Monev {semester}: indeks {result['indeks'].replace('.', ',')}, run {result['run_id']} di {result['run_url']}"
        )
    return lines


from cli.ops import schedules as _schedules_command  # noqa: E402
from cli.ops import server as _server_command  # noqa: E402

app.command(name="server")(_server_command)
app.command(name="schedules")(_schedules_command)


from cli.template import template  # noqa: E402

app.command(name="template")(template)


from portal.cli import akun, terima, undangan  # noqa: E402

app.command(name="undangan")(undangan)
app.command(name="terima")(terima)
app.add_typer(akun, name="akun")


from cli.pengingat import pengingat  # noqa: E402

app.command(name="pengingat")(pengingat)


from cli.synth import nasional, synth  # noqa: E402

app.command(name="synth")(synth)
app.command(name="nasional")(nasional)


from cli.answers import jawab  # noqa: E402

app.command(name="jawab")(jawab)

from cli.satu_data import satu_data  # noqa: E402

app.command(name="satu-data")(satu_data)


if __name__ == "__main__":  # pragma: no cover
    app()
