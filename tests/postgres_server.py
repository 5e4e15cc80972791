"""A throwaway PostgreSQL server for the test session, started from the machine's binaries.

`make test` needs no server set up by hand: the first test that asks for PostgreSQL starts one
in a temporary folder (as the `postgres` user when running as root, since the server refuses
root) and the session stops it at the end.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PASSWORD_GROUP = "password_login"
"""Roles in this group log in with a password over TCP (every other role is trusted)."""


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def missing() -> str | None:
    """Why no server can be started here, or None."""
    if not _binary("initdb") or not _binary("pg_ctl"):
        return "PostgreSQL binaries (initdb, pg_ctl) are not installed"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    base: Path
    port: int
    as_user: list[str]
    pg_ctl: str

    def url(self, dbname: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(
        self, dbname: str, *, locale: str | None = None, icu_locale: str | None = None
    ) -> str:
        """A new database; with `locale`, its text ordered by that libc locale, with
        `icu_locale` by that ICU locale (PostgreSQL 15 and later), rather than by the server's
        own."""
        import psycopg

        collated = ""
        if locale is not None:
            collated = f" TEMPLATE template0 LOCALE '{locale}'"
        elif icu_locale is not None:
            collated = f" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '{icu_locale}'"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"{collated}')
        return self.url(dbname)

    def version(self) -> int:
        """The server's version number (150004 for 15.4)."""
        import psycopg

        with psycopg.connect(self.url("postgres")) as conn:
            return conn.info.server_version

    def create_roles(self, *roles: str) -> None:
        """Login roles (once each: a server is shared by a test session)."""
        import psycopg
        from psycopg.sql import SQL, Identifier

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            for role in roles:
                exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
                if exists.fetchone() is None:
                    conn.execute(SQL("CREATE ROLE {} LOGIN").format(Identifier(role)))

    def create_password_role(self, role: str, password: str) -> None:
        """A login role that must give its password (over TCP)."""
        import psycopg
        from psycopg.sql import SQL, Identifier, Literal

        self.create_roles(PASSWORD_GROUP)
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
            if exists.fetchone() is None:
                conn.execute(
                    SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
                        Identifier(role), Literal(password), Identifier(PASSWORD_GROUP)
                    )
                )

    def psql(self, url: str, sql: str) -> subprocess.CompletedProcess[str]:
        """`sql` typed in psql as the role of `url` (stops at the first error)."""
        psql = _binary("psql")
        assert psql is not None, "psql is not installed"
        return subprocess.run(
            [psql, url, "-v", "ON_ERROR_STOP=1", "-c", sql],
            capture_output=True,
            text=True,
            check=False,
        )

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user, self.pg_ctl, "-D", str(self.base / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.base, ignore_errors=True)


def start(*, durable: bool = False) -> PostgresServer | str:
    """A running server, or the reason there is none; the suite's runs without fsync, a
    `durable` one (for measurements) with the server's defaults."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not initdb or not pg_ctl:
        return missing() or "PostgreSQL binaries are not installed"
    base = Path(tempfile.mkdtemp(prefix="campaign-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        as_user = [runuser, "-u", "postgres", "--"] if runuser else ["su", "postgres", "-c"]
        if not runuser:
            return "running as root without runuser"
        shutil.chown(base, "postgres")
        base.chmod(0o755)
    port = _free_port()
    data = base / "data"
    steps = [
        [
            *as_user,
            initdb,
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
        ],
        [
            *as_user,
            pg_ctl,
            "-D",
            str(data),
            "-o",
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1"
            + (
                "" if durable else " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            ),
            "-l",
            str(base / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        ],
    ]
    for number, step in enumerate(steps):
        if number == 1:  # before the server starts: members of password_login need a password
            hba = data / "pg_hba.conf"
            hba.write_text(
                f"host all +{PASSWORD_GROUP} 127.0.0.1/32 scram-sha-256\n" + hba.read_text(),
                encoding="utf-8",
            )
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            shutil.rmtree(base, ignore_errors=True)
            return f"cannot start PostgreSQL: {done.stderr.strip() or done.stdout.strip()}"
    server = PostgresServer(base, port, as_user, pg_ctl)
    deadline = time.monotonic() + 30
    while True:
        try:
            server.create_database("campaign_probe")
            return server
        except Exception as error:
            if time.monotonic() > deadline:
                server.stop()
                return f"PostgreSQL did not accept connections: {error}"
            time.sleep(0.2)
