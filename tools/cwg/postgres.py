"""PostgreSQL: a reachable server or a private throw-away cluster in .cwg/."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .common import PRIVATE_PG_PORT, PRIVATE_PG_ROLE, REPO, STATE, ToolError, say

PG_SQL = r"""
import json, sys
import psycopg2
try:
    conn = psycopg2.connect(dbname="postgres", connect_timeout=10)
    conn.autocommit = True
    cur = conn.cursor()
    rows = []
    for sql in json.loads(sys.argv[1]):
        cur.execute(sql[0], sql[1:])
        rows = cur.fetchall() if cur.description else []
except psycopg2.Error as exc:
    sys.exit(" ".join(str(exc).split()))
print(json.dumps(rows))
"""


PG_VARS = ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD")


@dataclass
class Pg:
    settings: dict
    private: bool = False
    started_here: bool = False
    data_dir: Path | None = None

    def odoo_args(self) -> list:
        flags = dict(zip(PG_VARS, ("host", "port", "user", "password"), strict=True))
        return [f"--db_{flags[k]}={v}" for k, v in self.settings.items() if v]

    def env(self, base) -> dict:
        env = dict(base)
        for key in (*PG_VARS, "PGDATABASE", "PGSERVICE"):
            env.pop(key, None)
        env.update({k: v for k, v in self.settings.items() if v})
        return env

    def describe(self) -> str:
        where = ", ".join(
            f"{k}={v}" for k, v in self.settings.items() if k != "PGPASSWORD"
        )
        kind = "private cluster " + str(self.data_dir) if self.private else "server"
        return f"PostgreSQL {kind} ({where or 'libpq defaults'})"


def pg_from_environ(environ) -> Pg:
    return Pg({k: environ[k] for k in PG_VARS if environ.get(k)})


def pg_sql(odoo, pg, statements, timeout=120):
    """Run SQL statements (each [sql, *params]) in the `postgres` database."""
    proc = subprocess.run(
        [odoo.python, "-c", PG_SQL, json.dumps(statements)],
        capture_output=True,
        text=True,
        env=pg.env(odoo.env()),
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise ToolError(f"PostgreSQL: {err}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def pg_usable(odoo, pg) -> str:
    """Empty string when the server answers and lets us create databases."""
    sql = "SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user"
    try:
        rows = pg_sql(odoo, pg, [[sql]], timeout=60)
    except (ToolError, subprocess.SubprocessError) as exc:
        return str(exc)
    if not rows or not rows[0][0]:
        return "the PostgreSQL role may not create databases"
    return ""


def check_db_name(name):
    """Only the databases this tool creates may be dropped or reused."""
    if not re.fullmatch(r"cwg_run(_[a-z0-9_]+)?|cwg_test_\d+", name):
        raise ToolError(
            f"database {name!r}: this tool only handles its own databases "
            "(cwg_run, cwg_run_<suffix>, cwg_test_<pid>)"
        )


def db_exists(odoo, pg, name) -> bool:
    check_db_name(name)
    rows = pg_sql(odoo, pg, [["SELECT 1 FROM pg_database WHERE datname = %s", name]])
    return bool(rows)


def drop_db(odoo, pg, name):
    check_db_name(name)
    pg_sql(odoo, pg, [[f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)']])
    shutil.rmtree(STATE / "data" / "filestore" / name, ignore_errors=True)


def pg_bindir() -> Path | None:
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent

    def version(path):
        try:
            return float(path.parent.parent.name)
        except ValueError:
            return 0.0

    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=version)
    return found[-1].parent if found else None


def _as_db_owner(cmd) -> list:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *map(str, cmd)]
    return [str(c) for c in cmd]


def _postgres_can_enter(directory) -> bool:
    if os.geteuid() != 0:
        return True
    cmd = ["runuser", "-u", "postgres", "--", "test", "-x", str(directory)]
    return subprocess.run(cmd, capture_output=True, check=False).returncode == 0


def _private_dirs() -> tuple[Path, Path]:
    """Data and socket directories of the private cluster, normally in .cwg/."""
    STATE.mkdir(parents=True, exist_ok=True)
    short = hashlib.sha256(str(REPO).encode()).hexdigest()[:10]
    fallback = Path(tempfile.gettempdir()) / f"cwg-pg-{short}"
    base = STATE if _postgres_can_enter(STATE) else fallback
    data, sock = base / "pgdata", base / "pgsock"
    if len(str(sock)) > 90:  # unix socket paths are limited to ~107 bytes
        sock = fallback / "pgsock"
    for directory in {data.parent, sock.parent} - {STATE}:
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(0o755)
    return data, sock


def private_pg_conf(sock_dir, port=PRIVATE_PG_PORT) -> str:
    """Settings of the throw-away cluster: unix socket only, no durability."""
    return (
        "listen_addresses = ''\n"
        f"port = {port}\n"
        f"unix_socket_directories = '{sock_dir}'\n"
        "fsync = off\n"
        "synchronous_commit = off\n"
        "full_page_writes = off\n"
    )


def _prepare_dirs(*dirs):
    for directory in dirs:
        directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres", "postgres")
            directory.chmod(0o700)


def _run_quiet(cmd, what):
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        out = (proc.stdout + proc.stderr).strip()
        raise ToolError(f"{what} failed (exit {proc.returncode}): {out[-800:]}")
    return proc


def private_pg_running(bindir, data) -> bool:
    if not (data / "PG_VERSION").is_file():
        return False
    cmd = _as_db_owner([bindir / "pg_ctl", "status", "-D", data])
    return subprocess.run(cmd, capture_output=True, check=False).returncode == 0


def start_private_pg() -> Pg:
    bindir = pg_bindir()
    if bindir is None:
        raise ToolError(
            "no PostgreSQL server answers and no initdb was found "
            "(Debian: apt-get install postgresql)"
        )
    if os.geteuid() == 0 and not shutil.which("runuser"):
        raise ToolError("running as root needs runuser to start PostgreSQL as postgres")
    data, sock = _private_dirs()
    settings = {
        "PGHOST": str(sock),
        "PGPORT": str(PRIVATE_PG_PORT),
        "PGUSER": PRIVATE_PG_ROLE,
    }
    pg = Pg(settings, private=True, data_dir=data)
    if private_pg_running(bindir, data):
        return pg
    _prepare_dirs(data, sock)
    if not (data / "PG_VERSION").is_file():
        say(f"PostgreSQL: creating a private cluster in {data}")
        initdb = [bindir / "initdb", "-D", data, "-U", PRIVATE_PG_ROLE, "-A", "trust"]
        _run_quiet(_as_db_owner([*initdb, "-E", "UTF8", "--locale=C"]), "initdb")
        with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# tools/dev.py\ninclude_if_exists = 'cwg.conf'\n")
    conf = data / "cwg.conf"
    conf.write_text(private_pg_conf(sock), encoding="utf-8")
    logfile = data.parent / "logs" / "postgres.log"
    logfile.parent.mkdir(parents=True, exist_ok=True)
    logfile.touch()
    if os.geteuid() == 0:
        shutil.chown(conf, "postgres", "postgres")
        shutil.chown(logfile, "postgres", "postgres")
    start = [bindir / "pg_ctl", "start", "-w", "-t", "60", "-D", data, "-l", logfile]
    _run_quiet(_as_db_owner(start), f"pg_ctl start (see {logfile})")
    pg.started_here = True
    say(f"PostgreSQL: private cluster started (socket {sock}, port {PRIVATE_PG_PORT})")
    return pg


def stop_private_pg() -> bool:
    bindir = pg_bindir()
    data, _sock = _private_dirs()
    if bindir is None or not private_pg_running(bindir, data):
        return False
    stop = [bindir / "pg_ctl", "stop", "-w", "-m", "fast", "-D", data]
    _run_quiet(_as_db_owner(stop), "pg_ctl stop")
    return True


def ensure_postgres(odoo, environ=None) -> Pg:
    environ = os.environ if environ is None else environ
    if environ.get("CWG_PRIVATE_PG") != "1":
        pg = pg_from_environ(environ)
        why = pg_usable(odoo, pg)
        if not why:
            return pg
        say(f"PostgreSQL: no usable server ({why}); using a private cluster")
    pg = start_private_pg()
    why = pg_usable(odoo, pg)
    if why:
        raise ToolError(f"private PostgreSQL cluster not usable: {why}")
    return pg


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
