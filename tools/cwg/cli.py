"""Developer entry point of the crm_workflow_guide Odoo 18.0 addon (stdlib only).

python3 tools/dev.py run    serve the addon with demo data on localhost:8069
python3 tools/dev.py test   static checks (layer 1) and Odoo tests (layer 2)
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess

from .checks import ensure_tools_venv
from .common import (
    EPILOG,
    LOGS,
    NO_ODOO_HINT,
    REPO,
    RUN_DB,
    STATE,
    ToolError,
    addon_source,
    link_addon,
    say,
)
from .odoo_finder import find_odoo, find_or_bootstrap
from .odoo_run import odoo_command, stream_odoo
from .odoo_tests import cmd_test
from .postgres import (
    check_db_name,
    db_exists,
    drop_db,
    ensure_postgres,
    port_is_free,
    stop_private_pg,
)


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
    odoo, why = find_or_bootstrap(args)
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
    """Install the addon in a throw-away database and run a bench/ script
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
    path = REPO / "bench" / f"{args.script.removesuffix('.py')}.py"
    if not path.is_file():
        scripts = ", ".join(sorted(p.stem for p in (REPO / "bench").glob("*.py")))
        raise ToolError(f"no bench script {path.name}; there are: {scripts}")
    script = path.read_text(encoding="utf-8")
    header = f"BENCH_RECORDS = {args.records}\nBENCH_ROUNDS = {args.rounds}\n"
    say(
        f"bench {path.stem}: {args.records} records, best of {args.rounds} rounds "
        f"(database {db})"
    )
    done = subprocess.run(
        cmd, input=header + script, env=pg.env(odoo.env()), text=True, check=False
    )
    return done.returncode


def cmd_readme(args) -> int:
    """README.rst and static/description/index.html from readme/*.md, with
    the pinned pandoc and docutils of the tools virtualenv."""
    bindir = ensure_tools_venv()
    addon_dir, _name = addon_source()
    cmd = [bindir / "python", REPO / "tools" / "cwg" / "readme.py", addon_dir]
    if args.check:
        cmd.append("--check")
    return subprocess.run([str(c) for c in cmd], check=False).returncode


def cmd_pg_stop(_args) -> int:
    say("PostgreSQL: private cluster stopped" if stop_private_pg() else "not running")
    return 0


BOOTSTRAP_HELP = (
    "when no Odoo 18 is found, set it up in .cwg/ without asking "
    "(also CWG_BOOTSTRAP=1): clone ODOO_GIT_URL, virtualenv, requirements"
)


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
    run.add_argument("--bootstrap", action="store_true", help=BOOTSTRAP_HELP)
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
    test.add_argument("--bootstrap", action="store_true", help=BOOTSTRAP_HELP)
    bench = sub.add_parser(
        "bench", help="run a bench/ script by hand (default: stage_move)", **more
    )
    bench.add_argument(
        "script",
        nargs="?",
        default="stage_move",
        help="name of a script in bench/, run in `odoo shell` after the header "
        "BENCH_RECORDS = --records, BENCH_ROUNDS = --rounds (stage_move)",
    )
    bench.add_argument("--records", type=int, default=1000, help="records (1000)")
    bench.add_argument("--rounds", type=int, default=3, help="rounds, best kept (3)")
    bench.add_argument(
        "--keep-db", action="store_true", help="reuse the bench database"
    )
    sub.add_parser("lint", help="layer 1 only (same as test --layer 1)")
    sub.add_parser("find-odoo", help="say which Odoo 18 would be used; exit 1 if none")
    sub.add_parser("pg-stop", help="stop the private PostgreSQL cluster")
    readme = sub.add_parser(
        "readme",
        help="regenerate README.rst and static/description/index.html from readme/",
    )
    readme.add_argument("--check", action="store_true", help="only report stale files")
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "lint":
        args = argparse.Namespace(
            layer=1, keep_db=False, odoo_args="", timeout=0, bootstrap=False
        )
        return cmd_test(args)
    commands = {
        "run": cmd_run,
        "test": cmd_test,
        "bench": cmd_bench,
        "find-odoo": cmd_find_odoo,
        "pg-stop": cmd_pg_stop,
        "readme": cmd_readme,
    }
    try:
        return commands[args.command](args)
    except ToolError as exc:
        say(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        say("interrupted")
        return 130
