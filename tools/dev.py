#!/usr/bin/env python3
"""Developer entry point of the crm_workflow_guide Odoo 18.0 addon (stdlib only).

python3 tools/dev.py run    serve the addon with demo data on localhost:8069
python3 tools/dev.py test   static checks (layer 1) and Odoo tests (layer 2)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STATE = REPO / ".cwg"
LOGS = STATE / "logs"
ADDON_NAME = "crm_workflow_guide"
ODOO_MAJOR = 18
RUN_DB = "cwg_run"
PRIVATE_PG_PORT = 54329
PRIVATE_PG_ROLE = "cwg"
LINT_REQUIREMENTS = REPO / "tools" / "requirements-lint.txt"
ODOO_TEST_REQUIREMENTS = REPO / "tools" / "requirements-odoo-test.txt"
# import name of each package in ODOO_TEST_REQUIREMENTS
ODOO_TEST_IMPORTS = ("odoo_test_helper", "websocket")
TOOLS_VENV = STATE / "venv-tools"
NO_ODOO_HINT = (
    "install Odoo 18.0 Community and set ODOO_PATH to its Python interpreter, "
    "virtualenv or source tree"
)

# WARNING lines that say something about the machine, not about the addon.
# Keep this list short: every other WARNING fails `test`.
WARNING_ALLOWLIST = [
    # Odoo's cli/server.py when started as root (CI machines run as root).
    re.compile(r"Running as user 'root' is a security risk"),
]

EPILOG = """\
environment:
  ODOO_PATH      where Odoo 18.0 is: a Python interpreter that can `import odoo`,
                 a virtualenv directory (its bin/python is used), an Odoo source
                 tree holding odoo-bin (run with this python3), or an odoo/odoo-bin
                 script. Without it: this python3 if it imports Odoo 18, else
                 `odoo` or `odoo-bin` on PATH (with the interpreter of its shebang).
  REQUIRE_ODOO=1 `test` fails instead of skipping layer 2 when no Odoo 18 is found.
  PGHOST PGPORT PGUSER PGPASSWORD
                 PostgreSQL server to use (libpq defaults otherwise). When no server
                 answers, a private cluster is started in .cwg/pgdata on a unix
                 socket in .cwg/ (port 54329).
  CWG_PRIVATE_PG=1
                 always use the private cluster.
  CWG_ADDON_DIR, CWG_ADDON_NAME
                 test the tooling itself on another addon (default: this checkout,
                 linked as crm_workflow_guide).

files (all in .cwg/, git-ignored):
  venv-tools/    pinned layer-1 tools (tools/requirements-lint.txt), re-installed
                 when that file changes
  logs/          output of every check and Odoo run
  addons/        the link crm_workflow_guide -> this checkout, used by `run`
                 (`test` links into a temporary directory)
  pgdata/ pgsock/  the private PostgreSQL cluster, if one was needed; `test`
                 stops it at the end, `run` leaves it running (`pg-stop` stops it)
  data/          Odoo's data dir (filestores)

`test` ends with one line `N passed, N failed[, N skipped]`: each static check,
each pytest test and each Odoo test counts once, plus one check that Odoo's log
has no ERROR/CRITICAL/WARNING/Traceback. Exit status 1 when anything failed.
"""


class ToolError(Exception):
    """A problem to report in one line, without a traceback."""


def say(msg=""):
    print(msg, flush=True)


def addon_source(environ=None) -> tuple[Path, str]:
    environ = os.environ if environ is None else environ
    directory = Path(environ.get("CWG_ADDON_DIR") or REPO)
    return directory.resolve(), environ.get("CWG_ADDON_NAME") or ADDON_NAME


def link_addon(addon_dir, link_parent, name=ADDON_NAME) -> Path:
    """Link the checkout as `<link_parent>/<name>`, whatever the folder is called."""
    addon_dir = Path(addon_dir).resolve()
    if not (addon_dir / "__manifest__.py").is_file():
        raise ToolError(f"{addon_dir} has no __manifest__.py")
    link_parent = Path(link_parent)
    link_parent.mkdir(parents=True, exist_ok=True)
    link = link_parent / name
    if link.is_symlink():
        link.unlink()
    elif link.exists():
        raise ToolError(f"{link} exists and is not a symlink; remove it")
    link.symlink_to(addon_dir, target_is_directory=True)
    return link


# ---------------------------------------------------------------------------
# Finding Odoo 18
# ---------------------------------------------------------------------------

ODOO_PROBE = r"""
import json, os, sys
try:
    import odoo
    from odoo import release
    import odoo.cli  # pulls in Odoo's own dependencies (psycopg2, werkzeug, ...)
except BaseException as exc:
    print(json.dumps({"error": "%s: %s" % (type(exc).__name__, exc)}))
    sys.exit(0)
print(json.dumps({
    "version_info": list(release.version_info[:2]),
    "version": release.version,
    "package_dir": os.path.dirname(os.path.abspath(odoo.__file__)),
}))
"""


@dataclass
class Odoo:
    python: str
    command: list
    version: str
    package_dir: str
    pythonpath: str = ""
    found_by: str = ""

    def addons_paths(self) -> list:
        package = Path(self.package_dir)
        paths = [package / "addons"]
        tree_addons = package.parent / "addons"
        if (tree_addons / "web" / "__manifest__.py").is_file():
            paths.append(tree_addons)
        return [str(p) for p in paths if p.is_dir()]

    def env(self, base=None) -> dict:
        env = dict(os.environ if base is None else base)
        env["TZ"] = "UTC"
        env.pop("PYTHONPATH", None)
        if self.pythonpath:
            env["PYTHONPATH"] = self.pythonpath
        return env

    def describe(self) -> str:
        return (
            f"Odoo {self.version} ({self.found_by}): {shlex.join(self.command)}; "
            f"addons {','.join(self.addons_paths())}"
        )


def probe_python(python, pythonpath="") -> tuple[dict | None, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    try:
        proc = subprocess.run(
            [str(python), "-c", ODOO_PROBE],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"{python} could not be run: {exc}"
    lines = proc.stdout.strip().splitlines()
    try:
        info = json.loads(lines[-1]) if lines else None
    except ValueError:
        info = None
    if not isinstance(info, dict) or proc.returncode != 0:
        err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"{python} failed (exit {proc.returncode}): {err}"
    if "error" in info:
        return None, f"{python} cannot import odoo: {info['error']}"
    return info, ""


def _odoo_from(python, command, pythonpath, found_by) -> tuple[Odoo | None, str]:
    info, why = probe_python(python, pythonpath)
    if info is None:
        return None, why
    try:
        major = int(info["version_info"][0])
        version, package_dir = str(info["version"]), str(info["package_dir"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None, f"{python} printed an unexpected answer: {info}"
    if major != ODOO_MAJOR:
        return None, f"{python} has Odoo {version}, not {ODOO_MAJOR}.0"
    odoo = Odoo(str(python), command, version, package_dir, pythonpath, found_by)
    return odoo, ""


def _from_python(python, found_by) -> tuple[Odoo | None, str]:
    return _odoo_from(python, [str(python), "-m", "odoo"], "", found_by)


def shebang_interpreter(script) -> str | None:
    try:
        with open(script, "rb") as handle:
            first = handle.readline(512).decode("utf-8", "replace")
    except OSError:
        return None
    if not first.startswith("#!"):
        return None
    words = first[2:].split()
    if not words:
        return None
    if Path(words[0]).name == "env" and len(words) > 1:
        return shutil.which(words[-1])
    return words[0]


def _from_script(script, found_by) -> tuple[Odoo | None, str]:
    python = shebang_interpreter(script)
    if not python:
        return None, f"{script} has no usable #! interpreter line"
    tree = Path(script).resolve().parent
    pythonpath = str(tree) if (tree / "odoo" / "__init__.py").is_file() else ""
    return _odoo_from(python, [python, str(script)], pythonpath, found_by)


def _is_odoo_script(path: Path) -> bool:
    return path.name.startswith("odoo")


def _from_odoo_path(value) -> tuple[Odoo | None, str]:
    path = Path(value).expanduser()
    found_by = f"ODOO_PATH={value}"
    if not path.exists():
        return None, f"ODOO_PATH={value} does not exist"
    if path.is_dir():
        if (path / "odoo-bin").is_file():
            command = [sys.executable, str(path / "odoo-bin")]
            odoo, why = _odoo_from(sys.executable, command, str(path), found_by)
            if odoo is None:
                why += " (point ODOO_PATH at the virtualenv holding its requirements)"
            return odoo, why
        for name in ("python3", "python"):
            if (path / "bin" / name).exists():
                return _from_python(path / "bin" / name, found_by)
        return None, (
            f"ODOO_PATH={value} is neither a virtualenv (no bin/python) "
            "nor an Odoo source tree (no odoo-bin)"
        )
    if _is_odoo_script(path) and shebang_interpreter(path):
        return _from_script(path, found_by)
    if not os.access(path, os.X_OK):
        return None, f"ODOO_PATH={value} is not executable"
    return _from_python(path, found_by)


def find_odoo(environ=None, python=None) -> tuple[Odoo | None, str]:
    """Return (Odoo, "") or (None, why not)."""
    environ = os.environ if environ is None else environ
    explicit = environ.get("ODOO_PATH", "").strip()
    if explicit:
        return _from_odoo_path(explicit)
    python = python or sys.executable
    odoo, why = _from_python(python, "this python3")
    if odoo:
        return odoo, ""
    tried = [why]
    for name in ("odoo", "odoo-bin"):
        script = shutil.which(name, path=environ.get("PATH", os.defpath))
        if not script:
            tried.append(f"no '{name}' on PATH")
            continue
        odoo, why = _from_script(script, f"{name} on PATH")
        if odoo:
            return odoo, ""
        tried.append(why)
    return None, "; ".join(tried)


# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# Running Odoo
# ---------------------------------------------------------------------------


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


def odoo_command(odoo, pg, link_parent, db, extra) -> list:
    STATE.mkdir(parents=True, exist_ok=True)
    config = STATE / "odoo.conf"  # an empty config: ignore ~/.odoorc
    if not config.exists():
        config.write_text("[options]\n", encoding="utf-8")
    addons = ",".join([*odoo.addons_paths(), str(link_parent)])
    return [
        *odoo.command,
        f"--config={config}",
        f"--addons-path={addons}",
        f"--data-dir={STATE / 'data'}",
        f"--database={db}",
        *pg.odoo_args(),
        *extra,
    ]


class Progress:
    """Turns Odoo's log stream into a few short progress lines."""

    def __init__(self, every=15.0):
        self.start = time.monotonic()
        self.every = every
        self.last = 0.0
        self.phase = "starting"

    def feed(self, line):
        match = LOG_LINE.match(line)
        now = time.monotonic()
        if match and match["level"] in ("WARNING", "ERROR", "CRITICAL"):
            self.show(line.strip()[:200])
            return
        if match is None:
            if line.startswith("Traceback"):
                self.show(line.strip())
            return
        msg = match["msg"]
        if msg.startswith("Loading module "):
            self.phase = msg.strip()
        elif msg.startswith("Starting ") and ".tests" in match["logger"]:
            self.show(msg.strip())
            return
        elif match["logger"] == "odoo.tests.result" or msg.startswith("Starting post"):
            self.show(msg.strip())
            return
        if now - self.last >= self.every:
            self.show(self.phase)

    def show(self, text):
        self.last = time.monotonic()
        say(f"  [{self.last - self.start:5.0f}s] {text}")


def stream_odoo(cmd, env, logfile, timeout) -> int:
    """Run Odoo, copy its output to logfile and show progress; return exit code."""
    logfile.parent.mkdir(parents=True, exist_ok=True)
    progress = Progress()
    with open(logfile, "w", encoding="utf-8") as log:
        log.write(f"$ {shlex.join(cmd)}\n")
        log.flush()
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
            env=env,
            cwd=REPO,
            start_new_session=True,
        )
        timed_out = threading.Event()

        def on_timeout():
            timed_out.set()
            _kill_group(proc)

        killer = threading.Timer(timeout, on_timeout)
        killer.start()
        try:
            for line in proc.stdout:
                log.write(line)
                progress.feed(line)
            code = proc.wait()
        except KeyboardInterrupt:
            _kill_group(proc)
            raise
        finally:
            killer.cancel()
        if timed_out.is_set():
            log.write(f"tools/dev.py: Odoo killed after {timeout}s\n")
            say(f"  Odoo killed after {timeout}s (--timeout)")
        return code


def _kill_group(proc):
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)


# ---------------------------------------------------------------------------
# Reading Odoo's log
# ---------------------------------------------------------------------------

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \d+ (?P<level>[A-Z]+) (?P<db>\S+) "
    r"(?P<logger>[^\s:]+): (?P<msg>.*)$"
)
RESULT = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<tests>\d+) tests"
)


@dataclass
class OdooReport:
    tests: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    seen_result: bool = False
    test_failures: list = field(default_factory=list)  # (line number, text)
    problems: list = field(default_factory=list)  # (line number, text)
    notes: list = field(default_factory=list)

    @property
    def passed(self) -> int:
        return max(self.tests - self.failed - self.errors - self.skipped, 0)

    @property
    def log_clean(self) -> bool:
        return not self.problems and not self.notes

    @property
    def ok(self) -> bool:
        return self.log_clean and self.failed == 0 and self.errors == 0


def _allowed(text, allowlist) -> bool:
    return any(pattern.search(text) for pattern in allowlist)


def _classify(match, line, allowlist) -> str:
    """'result', 'test' (a failing test), 'skip', 'problem' or '' for a record."""
    level, logger, msg = match["level"], match["logger"], match["msg"]
    if logger == "odoo.tests.result" and RESULT.search(msg):
        return "result"
    if level == "INFO" and ".tests" in logger and msg.startswith("skipped "):
        return "skip"
    if level in ("ERROR", "CRITICAL"):
        is_test = ".tests" in logger and msg.startswith(("FAIL:", "ERROR:"))
        return "test" if is_test else "problem"
    if level == "WARNING" and not _allowed(line, allowlist):
        return "problem"
    return ""


def parse_odoo_log(text, returncode=0, allowlist=None) -> OdooReport:
    allowlist = WARNING_ALLOWLIST if allowlist is None else allowlist
    report = OdooReport()
    current = ""
    for number, line in enumerate(text.splitlines(), 1):
        match = LOG_LINE.match(line)
        if match is None:
            if "Traceback (most recent call last)" in line and current != "test":
                report.problems.append((number, line))
            continue
        current = _classify(match, line, allowlist)
        if current == "result":
            found = RESULT.search(match["msg"])
            report.seen_result = True
            report.failed += int(found["failed"])
            report.errors += int(found["errors"])
            report.tests += int(found["tests"])
        elif current == "test":
            report.test_failures.append((number, line))
        elif current == "skip":
            report.skipped += 1
        elif current == "problem":
            report.problems.append((number, line))
    if not report.seen_result:
        report.notes.append(
            "no 'N failed, N error(s) of N tests' line: tests never ran"
        )
    elif report.tests == 0:
        report.notes.append("zero tests ran")
    if returncode != 0 and not (report.failed or report.errors):
        report.notes.append(f"Odoo exited with code {returncode}")
    return report


def show_offending(text, entries, limit=30, context=12):
    lines = text.splitlines()
    for number, line in entries[:limit]:
        say(f"    {number}: {line[:300]}")
        for follow in lines[number : number + context]:
            if LOG_LINE.match(follow):
                break
            say(f"    {'':{len(str(number))}}  {follow[:300]}")
    if len(entries) > limit:
        say(f"    ... and {len(entries) - limit} more")


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


@dataclass
class Tally:
    passed: int = 0
    failed: int = 0
    skipped: int = 0

    def check(self, name, ok, output="", logfile=None):
        if ok:
            self.passed += 1
            say(f"PASS  {name}")
            return
        self.failed += 1
        say(f"FAIL  {name}")
        shown = output.strip().splitlines()
        for line in shown[:60]:
            say(f"    {line[:300]}")
        if len(shown) > 60:
            say(f"    ... {len(shown) - 60} more lines")
        if logfile:
            say(f"    (full output: {logfile})")

    def summary(self) -> str:
        return format_summary(self.passed, self.failed, self.skipped)


def format_summary(passed, failed, skipped=0) -> str:
    line = f"{passed} passed, {failed} failed"
    return line + (f", {skipped} skipped" if skipped else "")


# ---------------------------------------------------------------------------
# Layer 1: static checks and tooling tests
# ---------------------------------------------------------------------------


def requirements_digest(path=LINT_REQUIREMENTS) -> str:
    digest = hashlib.sha256(Path(path).read_bytes())
    digest.update(f"{sys.version}|{sys.executable}".encode())
    return digest.hexdigest()


def ensure_tools_venv(venv=TOOLS_VENV, requirements=LINT_REQUIREMENTS) -> Path:
    """Create or refresh the tools virtualenv; return its bin directory."""
    marker = venv / ".cwg-requirements-sha256"
    digest = requirements_digest(requirements)
    bindir = venv / "bin"
    if marker.is_file() and marker.read_text().strip() == digest:
        if (bindir / "python").exists():
            return bindir
    say(f"tools venv: installing {requirements.name} into {venv} ...")
    LOGS.mkdir(parents=True, exist_ok=True)
    logfile = LOGS / "venv-tools.log"
    with open(logfile, "w", encoding="utf-8") as log:
        steps = [
            [sys.executable, "-m", "venv", "--clear", str(venv)],
            [
                str(bindir / "python"),
                *("-m", "pip", "install", "--disable-pip-version-check", "-q"),
                *("-r", str(requirements)),
            ],
        ]
        for step in steps:
            log.write(f"$ {shlex.join(step)}\n")
            log.flush()
            code = subprocess.run(
                step, stdout=log, stderr=subprocess.STDOUT, check=False
            ).returncode
            if code != 0:
                raise ToolError(f"`{shlex.join(step)}` failed, see {logfile}")
    marker.write_text(digest + "\n")
    return bindir


def capture(cmd, env=None):
    """Run ``cmd`` in the repository; return (process, stdout + stderr)."""
    proc = subprocess.run(
        [str(c) for c in cmd],
        capture_output=True,
        text=True,
        errors="replace",
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return proc, proc.stdout + proc.stderr


def run_check(name, cmd, tally, env=None):
    logfile = LOGS / f"check-{re.sub(r'[^a-z0-9]+', '-', name.lower())}.log"
    proc, output = capture(cmd, env)
    logfile.write_text(f"$ {shlex.join(map(str, cmd))}\n{output}", encoding="utf-8")
    tally.check(name, proc.returncode == 0, output, logfile)
    return proc


def junit_counts(path) -> tuple[int, int, int]:
    """(passed, failed, skipped) from a pytest junit XML file."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = failed = skipped = 0
    for suite in suites:
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return total - failed - skipped, failed, skipped


def run_pytest(bindir, tally, env):
    junit = LOGS / "pytest-junit.xml"
    junit.unlink(missing_ok=True)
    cmd = [bindir / "python", "-m", "pytest", "-p", "no:cacheprovider"]
    site = list(bindir.parent.glob("lib/python*/site-packages/pytest_odoo*"))
    if site:
        cmd += ["-p", "no:odoo"]
    # rootdir tools/tests: the repository root is an Odoo package (__init__.py)
    # that pytest must not import.
    cmd += ["-q", "-rfE", "--rootdir=tools/tests", f"--junitxml={junit}"]
    cmd.append("tools/tests")
    say("RUN   pytest tools/tests")
    proc, output = capture(cmd, env)
    (LOGS / "pytest.log").write_text(output, encoding="utf-8")
    if not junit.is_file():
        tally.check("pytest tools/tests", False, output, LOGS / "pytest.log")
        return
    passed, failed, skipped = junit_counts(junit)
    tally.passed += passed
    tally.failed += failed
    tally.skipped += skipped
    verdict = "FAIL" if failed else "PASS"
    say(f"{verdict}  pytest: {passed} passed, {failed} failed, {skipped} skipped")
    if failed:
        for line in output.strip().splitlines()[-40:]:
            say(f"    {line[:300]}")
    elif proc.returncode != 0:
        tally.check("pytest exit code", False, output, LOGS / "pytest.log")


def po_files(module) -> list:
    files = []
    for folder in ("i18n", "i18n_extra"):
        files += sorted((module / folder).glob("*.po"))
        files += sorted((module / folder).glob("*.pot"))
    return files


def layer1(tally, link):
    say("== Layer 1: static checks and tooling tests")
    try:
        bindir = ensure_tools_venv()
    except ToolError as exc:
        tally.check("tools virtualenv", False, str(exc))
        return
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    rc_file = REPO / ".pylintrc-mandatory"
    skip = "|".join(re.escape(f"{link}/{d}/") for d in ("tools", "bench", ".cwg"))
    checks = [
        ("ruff check", [bindir / "ruff", "check", "--no-fix", "--no-cache", "."]),
        (
            "ruff format --check",
            [bindir / "ruff", "format", "--check", "--no-cache", "."],
        ),
        (
            "pylint-odoo (.pylintrc-mandatory)",
            [
                bindir / "pylint",
                f"--rcfile={rc_file}",
                "--output-format=text",
                f"--ignore-paths=^({skip})",
                link,
            ],
        ),
        (
            "oca-checks-odoo-module",
            [bindir / "oca-checks-odoo-module", link / "__manifest__.py"],
        ),
    ]
    for name, cmd in checks:
        run_check(name, cmd, tally, env)
    files = po_files(link)
    if files:
        po_cmd = [bindir / "oca-checks-po", "--disable=po-pretty-format", *files]
        run_check("oca-checks-po", po_cmd, tally, env)
    else:
        tally.check("oca-checks-po (no .po/.pot files)", True)
    run_pytest(bindir, tally, env)


# ---------------------------------------------------------------------------
# Layer 2: the addon's Odoo tests
# ---------------------------------------------------------------------------


def no_odoo_skip(tally, why, environ) -> None:
    why = " ".join(why.split())
    if environ.get("REQUIRE_ODOO") == "1":
        say(f"FAIL  no Odoo 18 found ({why}) and REQUIRE_ODOO=1; {NO_ODOO_HINT}")
        tally.failed += 1
        return
    say(f"SKIPPED: no Odoo 18 found ({why}); {NO_ODOO_HINT}")
    tally.skipped += 1


def layer2(tally, args, link, environ):
    say("== Layer 2: Odoo tests")
    odoo, why = find_odoo(environ)
    if odoo is None:
        no_odoo_skip(tally, why, environ)
        return
    say(odoo.describe())
    name = link.name
    db = f"cwg_test_{os.getpid()}"
    pg = None
    try:
        ensure_odoo_test_packages(odoo)
        pg = ensure_postgres(odoo, environ)
        say(pg.describe())
        drop_db(odoo, pg, db)
        extra = [
            *("-i", name, "--test-enable", f"--test-tags=/{name}"),
            *("--stop-after-init", "--log-level=test", "--max-cron-threads=0"),
            *("--http-interface=127.0.0.1", f"--http-port={free_port()}"),
            *shlex.split(args.odoo_args or ""),
        ]
        cmd = odoo_command(odoo, pg, link.parent, db, extra)
        logfile = LOGS / f"odoo-test-{db}.log"
        say(f"Odoo: installing {name} with demo data in {db} and running its tests")
        say(f"  log: {logfile}")
        code = stream_odoo(cmd, pg.env(odoo.env()), logfile, args.timeout)
        judge_odoo_run(tally, logfile, code)
    except ToolError as exc:
        tally.check("Odoo tests could run", False, str(exc))
    finally:
        cleanup_layer2(odoo, pg, db, args.keep_db)


def ensure_odoo_test_packages(odoo, requirements=ODOO_TEST_REQUIREMENTS):
    """Install the tests' own packages into Odoo's Python when it lacks them
    (a missing websocket-client makes Odoo skip every browser tour)."""
    probe = (
        "import importlib.util, sys; "
        "sys.exit(any(importlib.util.find_spec(m) is None for m in %r))"
    )
    check = subprocess.run(
        [odoo.python, "-c", probe % (ODOO_TEST_IMPORTS,)],
        env=odoo.env(),
        capture_output=True,
        check=False,
    )
    if check.returncode == 0:
        return
    say(f"Odoo's Python lacks test packages: installing {requirements.name}")
    done = subprocess.run(
        [odoo.python, "-m", "pip", "install", "-q", "-r", str(requirements)],
        env=odoo.env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ToolError(
            f"could not install {requirements.name} into {odoo.python}: "
            f"{done.stderr.strip()[-800:]}"
        )


def judge_odoo_run(tally, logfile, code):
    text = logfile.read_text(encoding="utf-8", errors="replace")
    report = parse_odoo_log(text, code)
    tally.passed += report.passed
    tally.failed += report.failed + report.errors
    tally.skipped += report.skipped
    verdict = "PASS" if not (report.failed or report.errors) else "FAIL"
    say(
        f"{verdict}  Odoo tests: {report.tests} run, {report.failed} failed, "
        f"{report.errors} error(s), {report.skipped} skipped"
    )
    if report.test_failures:
        show_offending(text, report.test_failures)
    name = "Odoo log clean (no ERROR/CRITICAL/WARNING/Traceback, tests ran, exit 0)"
    tally.check(name, report.log_clean, "\n".join(report.notes))
    if report.problems:
        show_offending(text, report.problems)
    if not report.ok:
        say(f"    (full log: {logfile})")


def cleanup_layer2(odoo, pg, db, keep_db):
    if pg is None:
        return
    try:
        if keep_db:
            say(f"kept database {db} ({pg.describe()})")
        else:
            drop_db(odoo, pg, db)
    except (ToolError, subprocess.SubprocessError) as exc:
        say(f"warning: could not drop {db}: {exc}")
    if pg.started_here and not keep_db:
        stop_private_pg()
        say("PostgreSQL: private cluster stopped")


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------


def cmd_test(args, environ=None) -> int:
    environ = os.environ if environ is None else environ
    tally = Tally()
    addon_dir, name = addon_source(environ)
    link_parent = Path(tempfile.mkdtemp(prefix="cwg-addons-"))
    LOGS.mkdir(parents=True, exist_ok=True)
    try:
        link = link_addon(addon_dir, link_parent, name)
        say(f"addon: {name} -> {addon_dir}")
        if args.layer in (None, 1):
            layer1(tally, link)
        if args.layer in (None, 2):
            layer2(tally, args, link, environ)
    except ToolError as exc:
        tally.check("tooling", False, str(exc))
    finally:
        shutil.rmtree(link_parent, ignore_errors=True)
    say(tally.summary())
    return 1 if tally.failed else 0


def cmd_find_odoo(_args) -> int:
    odoo, why = find_odoo()
    if odoo is None:
        say(f"no Odoo 18 found ({' '.join(why.split())}); {NO_ODOO_HINT}")
        return 1
    say(odoo.describe())
    return 0


def install_for_run(odoo, pg, link, db, keep_db) -> None:
    exists = db_exists(odoo, pg, db)
    if exists and not keep_db:
        say(f"dropping database {db}")
        drop_db(odoo, pg, db)
    flag = "-u" if exists and keep_db else "-i"
    action = "updating" if flag == "-u" else "installing (with demo data)"
    say(f"Odoo: {action} {link.name} in database {db}")
    logfile = LOGS / f"odoo-run-install-{db}.log"
    say(f"  log: {logfile}")
    cmd = odoo_command(
        odoo, pg, link.parent, db, [flag, link.name, "--stop-after-init"]
    )
    code = stream_odoo(cmd, pg.env(odoo.env()), logfile, 3600)
    if code != 0:
        text = logfile.read_text(encoding="utf-8", errors="replace")
        tail = "\n".join(text.splitlines()[-30:])
        raise ToolError(f"installation failed (exit {code}); last lines:\n{tail}")


def cmd_run(args) -> int:
    odoo, why = find_odoo()
    if odoo is None:
        say(f"no Odoo 18 found ({' '.join(why.split())})")
        say(f"`run` needs Odoo 18.0 Community: {NO_ODOO_HINT}.")
        return 2
    check_db_name(args.db)
    if not port_is_free(args.port):
        raise ToolError(f"port {args.port} is busy; choose another with --port")
    say(odoo.describe())
    addon_dir, name = addon_source()
    for old in (STATE / "addons").glob("*"):
        if old.is_symlink() and old.name != name:
            old.unlink()  # a link left by an earlier CWG_ADDON_NAME
    link = link_addon(addon_dir, STATE / "addons", name)
    pg = ensure_postgres(odoo)
    say(pg.describe())
    install_for_run(odoo, pg, link, args.db, args.keep_db)
    serve = [
        *("--http-interface=127.0.0.1", f"--http-port={args.port}"),
        f"--db-filter=^{args.db}$",
        *shlex.split(args.odoo_args or ""),
    ]
    cmd = odoo_command(odoo, pg, link.parent, args.db, serve)
    say("")
    say(f"Odoo is starting on http://localhost:{args.port}  (database {args.db})")
    say("Log in with admin / admin. Stop with Ctrl+C.")
    if pg.private:
        say(
            "The private PostgreSQL cluster keeps running after Odoo stops; "
            "stop it with: python3 tools/dev.py pg-stop"
        )
    say("")
    os.chdir(REPO)
    os.execvpe(cmd[0], cmd, pg.env(odoo.env()))
    return 0  # not reached


def cmd_bench(args) -> int:
    """Install the addon in a throw-away database and run bench/stage_move.py
    in ``odoo shell`` (by hand: it prints times and ratios, asserts nothing)."""
    odoo, why = find_odoo()
    if odoo is None:
        say(f"no Odoo 18 found ({' '.join(why.split())})")
        return 2
    db = "cwg_run_bench"
    addon_dir, name = addon_source()
    link = link_addon(addon_dir, STATE / "addons", name)
    pg = ensure_postgres(odoo)
    install_for_run(odoo, pg, link, db, args.keep_db)
    cmd = odoo_command(odoo, pg, link.parent, db, ["--log-level=warn"])
    # sub-commands come first: odoo shell --config=... --database=...
    cmd = [*odoo.command, "shell", *cmd[len(odoo.command) :]]
    script = (REPO / "bench" / "stage_move.py").read_text(encoding="utf-8")
    header = f"BENCH_RECORDS = {args.records}\nBENCH_ROUNDS = {args.rounds}\n"
    say(f"bench: {args.records} records, best of {args.rounds} rounds (database {db})")
    done = subprocess.run(
        cmd, input=header + script, env=pg.env(odoo.env()), text=True, check=False
    )
    return done.returncode


def cmd_pg_stop(_args) -> int:
    say("PostgreSQL: private cluster stopped" if stop_private_pg() else "not running")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python3 tools/dev.py",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    more = {"epilog": EPILOG, "formatter_class": argparse.RawDescriptionHelpFormatter}
    run = sub.add_parser("run", help="serve the addon with demo data on :8069", **more)
    run.add_argument("--port", type=int, default=8069, help="HTTP port (8069)")
    run.add_argument(
        "--db", default=RUN_DB, help="database, cwg_run or cwg_run_<suffix> (cwg_run)"
    )
    run.add_argument(
        "--keep-db", action="store_true", help="reuse the database (update the addon)"
    )
    run.add_argument(
        "--odoo-args", help='extra Odoo options: --odoo-args="--log-level=debug"'
    )
    test = sub.add_parser(
        "test", help="layer 1 static checks + layer 2 Odoo tests", **more
    )
    test.add_argument("--layer", type=int, choices=(1, 2), help="run one layer only")
    test.add_argument("--keep-db", action="store_true", help="keep the test database")
    test.add_argument(
        "--odoo-args", help='extra Odoo options: --odoo-args="--log-level=debug"'
    )
    test.add_argument(
        "--timeout", type=int, default=3600, help="seconds for the Odoo run (3600)"
    )
    bench = sub.add_parser("bench", help="run bench/stage_move.py by hand", **more)
    bench.add_argument("--records", type=int, default=1000, help="records (1000)")
    bench.add_argument("--rounds", type=int, default=3, help="rounds, best kept (3)")
    bench.add_argument(
        "--keep-db", action="store_true", help="reuse the bench database"
    )
    sub.add_parser("lint", help="layer 1 only (same as test --layer 1)")
    sub.add_parser("find-odoo", help="say which Odoo 18 would be used; exit 1 if none")
    sub.add_parser("pg-stop", help="stop the private PostgreSQL cluster")
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "lint":
        args = argparse.Namespace(layer=1, keep_db=False, odoo_args="", timeout=0)
        return cmd_test(args)
    commands = {
        "run": cmd_run,
        "test": cmd_test,
        "bench": cmd_bench,
        "find-odoo": cmd_find_odoo,
        "pg-stop": cmd_pg_stop,
    }
    try:
        return commands[args.command](args)
    except ToolError as exc:
        say(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        say("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
