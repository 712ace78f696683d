"""The one place for configuration: environment variables (BIMTEK_*) or a TOML file named by BIMTEK_CONFIG.

Locations are URLs: a plain path is a local folder, `s3://bucket/prefix` is any S3-compatible store reached
through boto3 (endpoint and credentials from the standard AWS environment, e.g. AWS_ENDPOINT_URL). No secret is
ever read from this file: credentials come from the environment or Prefect blocks.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_FIELDS = ("smtp_password", "whatsapp_token", "portal_secret")
"""Settings read from the environment only (BIMTEK_SMTP_PASSWORD, BIMTEK_WHATSAPP_TOKEN, BIMTEK_PORTAL_SECRET):
never from the settings file."""
SMTP_TLS_MODES = ("none", "starttls", "tls")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BIMTEK_", extra="ignore")

    store: str = "outputs"
    """Where published runs go: a folder or s3://bucket/prefix."""
    quick_win_count: int = 3
    """How many quick wins Tahap IV proposes when no final choice file is given."""
    short_term_years: int = 1
    """Roadmap: the first N years of the period are the short term."""
    medium_term_years: int = 4
    """Roadmap: the N years after the short term are the medium term; the rest is long term."""
    reject_alert_share: float = 0.2
    """A run whose share of rejected rows exceeds this emits a warning event and ends "Perlu perbaikan"."""
    accept_needs_fix: bool = False
    """False: a run that ends "Perlu perbaikan" is published but does not become "terkini" (latest.json) until a
    coordinator accepts it (portal or `bimtek terima`). True: it becomes "terkini" at once, as any other run."""
    presign_expiry_seconds: int = 15 * 60
    """Lifetime of presigned links to deliverables in an S3 store (minutes: a link that leaks soon stops working)."""
    document_formats: str = "pdf,docx"
    """Formats made from every HTML book besides the HTML itself (comma-separated subset of pdf,docx; empty: none)."""
    task_runner: str = "thread"
    """Task runner of the per-file fan-out: "thread" (Prefect's ThreadPoolTaskRunner) or "dask" (prefect-dask)."""
    threads: int | None = None
    """Thread pool size for the "thread" runner (None: Prefect's default)."""
    dask_address: str | None = None
    """With "dask": an existing cluster's scheduler (tcp://host:8786) shared by workers on several machines."""
    dask_workers: int | None = None
    """With "dask" and no address: processes of the local cluster (default: CPUs, at most 4)."""
    regions: str = "regions,sample"
    """Folders (comma-separated) holding the registered region files: `*.yaml` and `*/region.yaml`."""
    portal_url: str = "http://127.0.0.1:4300"
    """Public base URL of the portal: deliverable links in Prefect artifacts and invitation links start with it."""
    portal_port: int = 4300
    """Port `bimtek server` starts the portal on."""
    upload_max_bytes: int = 10 * 1024 * 1024
    """Largest file an OPD may upload through the portal (bytes)."""
    upload_suffixes: str = ".xlsx,.csv,.json"
    """File types an OPD may upload (comma-separated suffixes)."""
    invite_days: int = 30
    """Validity of an OPD upload link made by `bimtek undangan` (days)."""
    portal_data: str = "~/.bimtek/portal"
    """Folder of the portal's own files (accounts, sessions and audit log in portal.sqlite3; the check cache);
    outside the repository. Keep it private to the user running the portal."""
    session_minutes: int = 8 * 60
    """A coordinator's session ends this long after login (logout, password change and disabling end it sooner)."""
    password_min_score: int = 3
    """Account passwords: the least zxcvbn score (0-4) accepted; 3 refuses common and leaked passwords
    (`password1234`), repeats and keyboard walks (portal.accounts.check_password)."""
    login_max_failures: int = 5
    """Wrong logins on one account name or from one address within `login_window_seconds` before a lock."""
    login_window_seconds: int = 15 * 60
    """Window over which wrong logins are counted."""
    login_lock_seconds: int = 60
    """First lock after too many wrong logins (doubles at each further lock, up to an hour)."""
    upload_workers: int = 2
    """Workers checking OPD uploads (the check never runs on the portal's event loop)."""
    upload_pool: str = "process"
    """"process": checks in worker processes (pages never share the interpreter lock with a check); "thread"."""
    upload_nice: int = 10
    """Niceness of the check processes (0-19): on a host with few cores the portal's pages are served before a
    check; a check only waits while pages are being served."""
    upload_queue_max: int = 120
    """Uploads waiting or being checked at once; one more is refused with "antrean penuh" (try again later)."""
    upload_wait_seconds: float = 3.0
    """How long the upload request waits for its check before answering with the progress page instead."""

    # E-mail to the OPD and the Tim Pelaksana (issue 26): nothing is sent while smtp_host or smtp_from is unset.
    smtp_host: str | None = None
    """SMTP server that sends reminders, feedback letters and the coordinator's digest (None: no e-mail)."""
    smtp_port: int = 587
    """Its port (587 with starttls, 465 with tls, 25 or a local relay with none)."""
    smtp_from: str | None = None
    """Sender address of every message (e.g. "Tim Smart City <smartcity@kab.go.id>")."""
    smtp_user: str | None = None
    """Login name on the SMTP server (None: send without logging in)."""
    smtp_password: SecretStr | None = None
    """Its password: environment only (BIMTEK_SMTP_PASSWORD), never from the settings file."""
    smtp_tls: str = "starttls"
    """"none", "starttls" (upgrade the plain connection) or "tls" (implicit TLS, usually port 465)."""
    smtp_timeout_seconds: float = 30.0
    """How long one SMTP connection or command may take before the send is logged as failed."""
    portal_secret: SecretStr | None = None
    """The portal's signing key (BIMTEK_PORTAL_SECRET, environment only; portal/security.py checks its strength):
    a stage run signs the accept link of the coordinator's digest with it (none: the digest points to the portal)."""
    accept_link_hours: int = 48
    """Lifetime of the "Jadikan terkini" link in the coordinator's digest (single use; login still required)."""
    whatsapp_token: SecretStr | None = None
    """WhatsApp Business Cloud API token (environment only, BIMTEK_WHATSAPP_TOKEN; a region's own token:
    BIMTEK_WHATSAPP_TOKEN_<SLUG>, e.g. BIMTEK_WHATSAPP_TOKEN_PADANG_PARIAMAN). None: no WhatsApp message."""
    whatsapp_phone_id: str | None = None
    """The sending number's phone-number id in WhatsApp Business."""
    whatsapp_template: str = "pengingat_bimtek"
    """Name of the approved message template of reminders (body parameters: OPD, stage, deadline, link)."""
    whatsapp_language: str = "id"
    """Language code the template was approved in."""
    whatsapp_base_url: str | None = None
    """Graph API base URL (None: pywa's default, graph.facebook.com); tests point it at a loopback server."""

    cache: str | None = None
    """Where task results are cached for incremental reruns (default `<store>/.cache`); "off" turns caching off."""
    gantt_max_programs: int = 40
    """A roadmap Gantt with more programs than this shows one row per element with the programs per year."""
    book_max_program_rows: int = 2_000
    """Most programs one table of a book lists (best `peringkat` first); a line under the table says how many more
    there are and that the complete list is in roadmap/roadmap.xlsx and roadmap/roadmap.csv. Counts, budgets and
    charts always cover every program."""
    book_max_listed_rows: int = 1_500
    """Most program rows all the program tables of one book list together (Buku 2 has nine: six dimensions, the
    annex, other candidates, proposals that are not candidates). When they would list more, each table lists an
    equal share (1 500 / 9 = 166 rows), with the same "... program lainnya" line under it: the PDF of a book
    listing 16 000 rows took over 2 GB to lay out and is not a book anyone reads."""
    national_parallel_regions: int = 4
    """`nasional --books`: most regions whose stage runs are out on the work pool at once (flows/dispatch.py)."""
    national_max_region_rows: int = 30
    """Most regions the national document lists one by one; above it, the regions with the most and the fewest
    programs (half each) and a line pointing to nasional/per_daerah.csv and the workbook, which hold every region."""
    server_startup_timeout_seconds: float | None = None
    """CLI without PREFECT_API_URL: how long the temporary Prefect server may take to start before the command
    stops with a `Galat:` line (None: PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, 120 by default)."""

    # Input limits: a file over one of them is reported "unreadable" with an Indonesian message (see
    # bimtek/limits.py); the stage goes on with the other files. Defaults keep one stage under ~1.5 GiB RSS.
    max_file_bytes: int = 25 * 1024 * 1024
    """Largest input file read (bytes); larger files are refused before they are read."""
    max_rows_per_sheet: int = 50_000
    """Most data rows one table (CSV, JSON list or worksheet) may hold."""
    max_columns_per_sheet: int = 500
    """Most columns one table may hold."""
    max_stage_rows: int = 250_000
    """Most data rows one stage run reads over all its files: a file that would pass it is reported "unreadable"
    (stage budget) and the stage goes on with the files read before it (bounds memory for any inbox)."""
    max_xlsx_expanded_bytes: int = 200 * 1024 * 1024
    """Most bytes an .xlsx may expand to (sum of the uncompressed sizes its zip declares), checked before parsing."""
    max_json_depth: int = 20
    """Deepest nesting of arrays/objects a JSON input may have."""
    max_region_bytes: int = 256 * 1024
    """Largest region YAML file read."""
    max_period_years: int = 30
    """Longest region period (end - start + 1 years)."""
    max_budget: int = 10**15
    """Plausible budget ceiling of one program row (Rupiah): above it the row is rejected by the `budget` rule."""
    plausible_apbd_share: float = 0.05
    """Plausibility against the region's scale (issue 23): one amount above this share of the region's APBD
    (region file `apbd`) is held as a question ("perlu konfirmasi") with the reading that would make it plausible
    offered, not published. 0.05 of a kabupaten APBD of Rp 1,65 triliun is Rp 82,5 miliar for one program."""
    min_budget: int = 1_000_000
    """Plausible budget floor of one program row (Rupiah): a budget of 0 or below it is rejected by the `budget`
    rule (an amount written in thousands or millions without saying so is the usual cause)."""

    @field_validator("smtp_tls")
    @classmethod
    def _smtp_tls(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in SMTP_TLS_MODES:
            raise ValueError(f"BIMTEK_SMTP_TLS harus salah satu dari {', '.join(SMTP_TLS_MODES)}, bukan '{value}'")
        return value

    @property
    def smtp_configured(self) -> bool:
        """True when e-mail can be sent (a server and a sender address are set)."""
        return bool(self.smtp_host and self.smtp_from)

    @property
    def region_folders(self) -> list[Path]:
        """The folders of `regions`, in order; relative ones are taken from the project root (the workers' cwd)."""
        from bimtek.core.paths import PROJECT_ROOT

        folders = [Path(part.strip()).expanduser() for part in self.regions.split(",") if part.strip()]
        return [folder if folder.is_absolute() else PROJECT_ROOT / folder for folder in folders]

    @property
    def allowed_suffixes(self) -> tuple[str, ...]:
        """The upload suffixes, lower-cased with their dot."""
        return tuple("." + s.strip().lower().lstrip(".") for s in self.upload_suffixes.split(",") if s.strip())

    @property
    def formats(self) -> set[str]:
        """The document formats asked for, lower-cased."""
        return {f.strip().lower() for f in self.document_formats.split(",") if f.strip()}


def _file_values() -> dict:
    path = os.environ.get("BIMTEK_CONFIG")
    if not path:
        return {}
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return data.get("bimtek", data)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the config file, overridden by BIMTEK_* environment variables."""
    file_values = {
        k: v for k, v in _file_values().items() if f"BIMTEK_{k.upper()}" not in os.environ and k not in SECRET_FIELDS
    }
    return Settings(**file_values)
