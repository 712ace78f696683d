"""Coordinator accounts, server-side sessions and the audit log, in one small SQLite file (BIMTEK_PORTAL_DATA).

Roles (`ROLES`): `admin` sees every region and reads the audit log; `koordinator` works on the regions listed on
its account (every region when none is listed) and reads the audit lines of those regions and its own; `pembina`
(the ministry, or a province with its regions listed) opens the cohort cockpit `/nasional` (portal.cockpit) and reads
the regions' results and status without changing anything; `peninjau` (e.g. the ministry's tutor) only reads results
and status. Passwords are hashed with Argon2id (argon2-cffi, its recommended parameters); the file
holds hashes only. A session is a random token: the cookie carries it, the file keeps its SHA-256, so logout,
password change and disabling an account end it at once (ASVS V3). Nothing here is in the repository: the file
lives under the settings path, outside the project.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from bimtek.core.settings import get_settings

ROLES = ("admin", "koordinator", "pembina", "peninjau")
"""Account roles, strongest first."""
PASSWORD_MIN_LENGTH = 12
"""ASVS L1 (V2.1.1): at least 12 characters; no other composition rule."""
ACCOUNT_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")

SCHEMA = """
create table if not exists akun (
    nama text primary key, peran text not null, wilayah text not null default '',
    hash text not null, aktif integer not null default 1, dibuat text not null, diubah text not null
);
create table if not exists sesi (
    token_hash text primary key, nama text not null, dibuat text not null, berakhir text not null
);
create table if not exists audit (
    id integer primary key autoincrement, waktu text not null, nama text not null, aksi text not null,
    rincian text not null default '', alamat text not null default '', wilayah text not null default ''
);
"""
AUDIT_REGION_COLUMN = "alter table audit add column wilayah text not null default ''"
"""Audit files written before lines carried their region get the column (empty: a line of no region)."""

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("bimtek-no-such-account")
"""Verified against when an account does not exist, so a wrong name costs as long as a wrong password."""


class AccountError(ValueError):
    """An account operation that cannot be done; the message is Indonesian."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    regions: tuple[str, ...]
    """Region slugs this account may see; empty: every region."""
    active: bool

    def sees(self, region_slug: str) -> bool:
        return self.role == "admin" or not self.regions or region_slug in self.regions

    @property
    def reads_audit(self) -> bool:
        return self.role in ("admin", "koordinator")

    @property
    def accepts_runs(self) -> bool:
        """May make a run "terkini" (bimtek.store.acceptance); the read-only peninjau may not."""
        return self.role in ("admin", "koordinator")


@dataclass(frozen=True)
class AuditEntry:
    when: dt.datetime
    name: str
    action: str
    detail: str
    address: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_name(name: str) -> str:
    """An account name: 2-40 lower-case letters, digits, '.', '_' or '-'."""
    if not 2 <= len(name) <= 40 or not set(name) <= ACCOUNT_NAME_CHARS:
        raise AccountError("Nama akun harus 2-40 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung.")
    return name


def check_password(password: str, name: str = "") -> str:
    """`password` when it is long enough and not easy to guess (ASVS V2.1.7): zxcvbn, which knows common and leaked
    passwords, names, keyboard walks, repeats and dates, must rate it at least BIMTEK_PASSWORD_MIN_SCORE (0-4);
    the account name counts as a known word."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise AccountError(f"Kata sandi terlalu pendek; minimal {PASSWORD_MIN_LENGTH} karakter.")
    if len(password) > 256:
        raise AccountError("Kata sandi terlalu panjang; maksimal 256 karakter.")
    minimum = get_settings().password_min_score
    score = zxcvbn(password, user_inputs=[word for word in (name, "bimtek", "smart city", "portal") if word])
    if score["score"] < minimum:
        raise AccountError(
            "Kata sandi terlalu mudah ditebak (mirip kata sandi umum, pengulangan atau urutan huruf/angka). "
            "Pakai beberapa kata yang tidak berkaitan, mis. tiga atau empat kata dengan tanda hubung."
        )
    return password


class AccountStore:
    """The accounts, sessions and audit log of one portal (one SQLite file; safe across threads)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._db() as db:
            db.executescript(SCHEMA)
            if "wilayah" not in {row[1] for row in db.execute("pragma table_info(audit)")}:
                db.execute(AUDIT_REGION_COLUMN)
        self.path.chmod(0o600)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = sqlite3.connect(self.path, timeout=10)
            try:
                with db:
                    yield db
            finally:
                db.close()

    # ----------------------------------------------------------------------------------------------- accounts

    def create(self, name: str, role: str, password: str, regions: tuple[str, ...] = ()) -> Account:
        check_name(name)
        if role not in ROLES:
            raise AccountError(f"Peran '{role}' tidak dikenal; pilih {', '.join(ROLES)}.")
        digest = _hasher.hash(check_password(password, name))
        stamp = _now().isoformat()
        try:
            with self._db() as db:
                db.execute(
                    "insert into akun (nama, peran, wilayah, hash, aktif, dibuat, diubah) values (?, ?, ?, ?, 1, ?, ?)",
                    (name, role, ",".join(regions), digest, stamp, stamp),
                )
        except sqlite3.IntegrityError:
            raise AccountError(f"Akun '{name}' sudah ada.") from None
        return self.get(name)  # type: ignore[return-value]

    def get(self, name: str) -> Account | None:
        with self._db() as db:
            row = db.execute("select nama, peran, wilayah, aktif from akun where nama = ?", (name,)).fetchone()
        return _account(row) if row else None

    def accounts(self) -> list[Account]:
        with self._db() as db:
            rows = db.execute("select nama, peran, wilayah, aktif from akun order by nama").fetchall()
        return [_account(row) for row in rows]

    def _require(self, name: str) -> None:
        if self.get(name) is None:
            raise AccountError(f"Akun '{name}' tidak ada.")

    def set_password(self, name: str, password: str) -> None:
        """New password; every session of the account ends."""
        self._require(name)
        digest = _hasher.hash(check_password(password, name))
        with self._db() as db:
            db.execute("update akun set hash = ?, diubah = ? where nama = ?", (digest, _now().isoformat(), name))
            db.execute("delete from sesi where nama = ?", (name,))

    def set_active(self, name: str, active: bool) -> None:
        """Enable or disable an account; disabling ends its sessions."""
        self._require(name)
        with self._db() as db:
            db.execute("update akun set aktif = ?, diubah = ? where nama = ?", (int(active), _now().isoformat(), name))
            if not active:
                db.execute("delete from sesi where nama = ?", (name,))

    def set_role(self, name: str, role: str, regions: tuple[str, ...]) -> None:
        self._require(name)
        if role not in ROLES:
            raise AccountError(f"Peran '{role}' tidak dikenal; pilih {', '.join(ROLES)}.")
        with self._db() as db:
            db.execute(
                "update akun set peran = ?, wilayah = ?, diubah = ? where nama = ?",
                (role, ",".join(regions), _now().isoformat(), name),
            )

    def verify(self, name: str, password: str) -> Account | None:
        """The account when the name exists, is active and the password matches; None otherwise (same cost)."""
        with self._db() as db:
            row = db.execute("select hash, aktif from akun where nama = ?", (name,)).fetchone()
        digest, active = (row[0], bool(row[1])) if row else (_DUMMY_HASH, False)
        try:
            _hasher.verify(digest, password)
        except (VerificationError, InvalidHashError):
            return None
        if not row or not active:
            return None
        if _hasher.check_needs_rehash(digest):
            with self._db() as db:
                db.execute("update akun set hash = ? where nama = ?", (_hasher.hash(password), name))
        return self.get(name)

    # ----------------------------------------------------------------------------------------------- sessions

    def open_session(self, name: str, lifetime: dt.timedelta) -> str:
        """A new session token (the cookie value); only its hash is kept."""
        token = secrets.token_urlsafe(32)
        now = _now()
        with self._db() as db:
            db.execute("delete from sesi where berakhir < ?", (now.isoformat(),))
            db.execute(
                "insert into sesi (token_hash, nama, dibuat, berakhir) values (?, ?, ?, ?)",
                (_token_hash(token), name, now.isoformat(), (now + lifetime).isoformat()),
            )
        return token

    def session_account(self, token: str | None) -> Account | None:
        """The active account a live session token belongs to, None for an unknown, ended or expired one."""
        if not token:
            return None
        with self._db() as db:
            row = db.execute(
                "select a.nama, a.peran, a.wilayah, a.aktif from sesi s join akun a on a.nama = s.nama "
                "where s.token_hash = ? and s.berakhir > ? and a.aktif = 1",
                (_token_hash(token), _now().isoformat()),
            ).fetchone()
        return _account(row) if row else None

    def close_session(self, token: str | None) -> None:
        if token:
            with self._db() as db:
                db.execute("delete from sesi where token_hash = ?", (_token_hash(token),))

    # ----------------------------------------------------------------------------------------------- audit

    def log(self, name: str, action: str, detail: str = "", address: str = "", region: str = "") -> None:
        """One audit line: who did what, when, from where, and in which region (`region` "": no region, e.g. a
        login or an account change)."""
        with self._db() as db:
            db.execute(
                "insert into audit (waktu, nama, aksi, rincian, alamat, wilayah) values (?, ?, ?, ?, ?, ?)",
                (_now().isoformat(), name, action, detail[:500], address, region),
            )

    def audit(self, limit: int = 200, reader: Account | None = None) -> list[AuditEntry]:
        """The newest audit lines first; for a `reader` other than an admin only the lines it may read: its own,
        and those of the regions it sees (`Account.sees`). Lines of no region of other accounts (logins, account
        changes) are the admin's only."""
        query, arguments = "select waktu, nama, aksi, rincian, alamat from audit", []
        if reader is not None and reader.role != "admin":
            query += " where nama = ?"
            arguments.append(reader.name)
            if reader.regions:
                query += f" or wilayah in ({', '.join('?' for _ in reader.regions)})"
                arguments.extend(reader.regions)
            else:
                query += " or wilayah != ''"
        with self._db() as db:
            rows = db.execute(f"{query} order by id desc limit ?", (*arguments, limit)).fetchall()  # noqa: S608
        return [AuditEntry(dt.datetime.fromisoformat(r[0]), r[1], r[2], r[3], r[4]) for r in rows]


def _account(row: tuple) -> Account:
    name, role, regions, active = row
    return Account(name=name, role=role, regions=tuple(r for r in regions.split(",") if r), active=bool(active))
