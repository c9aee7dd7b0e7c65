"""A throwaway PostgreSQL cluster in a temporary directory, on a unix socket only.

The distribution's server binaries (Debian's `postgresql`, installed by tests/setup-system.sh)
run as an unprivileged user when the tests run as root, since initdb refuses root. Clients
authenticate with SCRAM passwords read from a PGPASSFILE, as a store or head office would.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

SUPERUSER = "camscan_admin"
START_TIMEOUT = 60


def server_bin() -> Path | None:
    """$CAMSCAN_PG_BIN if set (None unless it holds initdb), else the newest installed PostgreSQL
    server's bin directory, or None."""
    chosen = os.environ.get("CAMSCAN_PG_BIN")
    if chosen:
        return Path(chosen) if (Path(chosen) / "initdb").is_file() else None
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(found[-1]).parent if found else None


def _version(path: str) -> int:
    part = Path(path).parts[-3]
    return int(part) if part.isdigit() else 0


def _free_port() -> int:
    # The port only names the socket file (no TCP listener); any unused number will do.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """A running cluster: its directory, socket, port and the passwords file clients read."""

    bin: Path
    root: Path
    port: int
    passwords: dict[str, str] = field(default_factory=dict)
    running: bool = False
    durable: bool = False  # fsync on (benchmarks); tests trade durability for speed

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def pgpass(self) -> Path:
        return self.root / "pgpass"

    def url(self, user: str = SUPERUSER, database: str = "postgres") -> str:
        """A password-free URL: the socket directory and port ride in the query."""
        return f"postgresql://{user}@/{database}?host={self.root}&port={self.port}"

    def env(self) -> dict[str, str]:
        """Environment for clients: the passwords file, nothing else."""
        return {"PGPASSFILE": str(self.pgpass)}

    def _as_owner(self, argv: list[str]) -> list[str]:
        if os.geteuid() != 0:
            return argv
        return ["runuser", "-u", _owner(), "--", *argv]

    def init(self) -> None:
        pwfile = self.root / "pw"
        password = secrets.token_hex(12)
        pwfile.write_text(password + "\n")
        self.passwords[SUPERUSER] = password
        if os.geteuid() == 0:
            entry = pwd.getpwnam(_owner())
            for path in (self.root, pwfile):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        subprocess.run(
            self._as_owner([
                str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
                f"--pwfile={pwfile}", "--auth=scram-sha-256", "-E", "UTF8", "--no-sync",
                "--locale=C",
            ]),
            check=True, capture_output=True, timeout=START_TIMEOUT,
        )  # fmt: skip
        pwfile.unlink()
        self.write_pgpass()

    def start(self) -> None:
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{self.root}' -p {self.port}"
            " -c max_connections=50"
        )
        if not self.durable:
            options += " -c fsync=off -c full_page_writes=off"
        else:
            options += " -c shared_buffers=512MB -c max_wal_size=4GB"
        subprocess.run(
            self._as_owner([
                str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-w",
                "-t", str(START_TIMEOUT), "-l", str(self.root / "server.log"), "start",
            ]),
            check=True, capture_output=True, timeout=START_TIMEOUT + 10,
        )  # fmt: skip
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; mode "immediate" is a crash (no shutdown checkpoint)."""
        if not self.running:
            return
        subprocess.run(
            self._as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w",
                            "stop"]),
            check=False, capture_output=True, timeout=START_TIMEOUT,
        )  # fmt: skip
        self.running = False

    def write_pgpass(self) -> None:
        lines = [f"*:*:*:{user}:{pw}" for user, pw in self.passwords.items()]
        self.pgpass.write_text("\n".join(lines) + "\n")
        self.pgpass.chmod(0o600)

    def add_login(self, role: str) -> None:
        """Give an existing role a password and put it in the passwords file."""
        password = secrets.token_hex(12)
        with self.connect() as conn:
            conn.execute(
                psycopg.sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(
                    psycopg.sql.Identifier(role), psycopg.sql.Literal(password)
                )
            )
        self.passwords[role] = password
        self.write_pgpass()

    def connect(self, user: str = SUPERUSER, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host=str(self.root), port=self.port, user=user, dbname=database,
            password=self.passwords[user], autocommit=True,
        )  # fmt: skip

    def create_database(self, name: str) -> str:
        with self.connect() as conn:
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
        return name

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def _owner() -> str:
    """The unprivileged account that owns the cluster when the tests run as root."""
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("no unprivileged account (postgres or nobody) to run PostgreSQL as")


def new_cluster(durable: bool = False, parent: str | None = None) -> Cluster:
    """Initialise and start a cluster in a fresh temporary directory."""
    bin_dir = server_bin()
    if bin_dir is None:
        raise FileNotFoundError("no PostgreSQL server in /usr/lib/postgresql/*/bin")
    root = Path(tempfile.mkdtemp(prefix="camscan-pg-", dir=parent))
    cluster = Cluster(bin_dir, root, _free_port(), durable=durable)
    try:
        cluster.init()
        cluster.start()
    except BaseException:
        cluster.destroy()
        raise
    return cluster
