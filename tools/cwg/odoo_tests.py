"""Layer 2: a fresh database with demo data, the addon installed, its Odoo tests."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from .checks import layer1
from .common import (
    LOGS,
    NO_ODOO_HINT,
    ODOO_MAJOR,
    ODOO_TEST_IMPORTS,
    ODOO_TEST_REQUIREMENTS,
    ToolError,
    addon_source,
    link_addon,
    say,
)
from .odoo_finder import find_or_bootstrap
from .odoo_run import odoo_command, parse_odoo_log, show_offending, stream_odoo
from .postgres import drop_db, ensure_postgres, free_port, stop_private_pg
from .report import Tally


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
    try:
        odoo, why = find_or_bootstrap(args, environ)
    except ToolError as exc:
        name = f"Odoo {ODOO_MAJOR}.0 set up in .cwg/ (--bootstrap)"
        tally.check(name, False, str(exc))
        return
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
