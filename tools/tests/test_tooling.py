"""Layer-1 tests of tools/dev.py: they need neither Odoo nor PostgreSQL."""

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEV_PY = REPO / "tools" / "dev.py"
sys.path.insert(0, str(REPO / "tools"))

from cwg.checks import junit_counts  # noqa: E402
from cwg.cli import main  # noqa: E402
from cwg.common import ToolError, link_addon  # noqa: E402
from cwg.odoo_finder import find_odoo  # noqa: E402
from cwg.odoo_run import parse_odoo_log  # noqa: E402
from cwg.odoo_tests import no_odoo_skip  # noqa: E402
from cwg.postgres import (  # noqa: E402
    Pg,
    check_db_name,
    pg_from_environ,
    private_pg_conf,
)
from cwg.report import Tally, format_summary  # noqa: E402


def write_exe(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def fake_python(path, version=(18, 0), package_dir="/opt/fake/odoo"):
    """An 'interpreter' that answers the Odoo probe with a fixed version."""
    answer = json.dumps(
        {
            "version_info": list(version),
            "version": "{}.{}".format(*version),
            "package_dir": package_dir,
        }
    )
    return write_exe(path, f"#!/bin/sh\necho '{answer}'\n")


def copy_checkout(tmp_path, folder="checkout-xyz"):
    """A checkout of the addon in a folder that is NOT named crm_workflow_guide."""
    checkout = tmp_path / folder
    (checkout / "tools").mkdir(parents=True)
    for name in ("__manifest__.py", "__init__.py"):
        shutil.copy2(REPO / name, checkout / name)
    shutil.copy2(DEV_PY, checkout / "tools" / "dev.py")
    shutil.copytree(
        REPO / "tools" / "cwg",
        checkout / "tools" / "cwg",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return checkout


# --- linking the checkout under its technical name -------------------------


def test_checkout_with_other_name_is_linked_as_crm_workflow_guide(tmp_path):
    checkout = copy_checkout(tmp_path)
    # the copy's own tools/cwg, in a fresh interpreter: REPO is the copy
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from cwg.common import REPO, addon_source, link_addon; "
        "addon_dir, name = addon_source({}); "
        "print(REPO); print(addon_dir); print(name); "
        "print(link_addon(addon_dir, sys.argv[2], name))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, checkout / "tools", tmp_path / "addons"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    link = tmp_path / "addons" / "crm_workflow_guide"
    assert out == [str(checkout.resolve())] * 2 + ["crm_workflow_guide", str(link)]
    assert link.is_symlink()
    assert link.resolve() == checkout.resolve()
    manifest = (link / "__manifest__.py").read_text()
    assert manifest == (REPO / "__manifest__.py").read_text()
    assert sorted(p.name for p in (tmp_path / "addons").iterdir()) == [
        "crm_workflow_guide"
    ]


def test_link_is_replaced_when_the_checkout_moves(tmp_path):
    first = copy_checkout(tmp_path, "first")
    second = copy_checkout(tmp_path, "second")
    link_addon(first, tmp_path / "addons")
    link = link_addon(second, tmp_path / "addons")
    assert link.resolve() == second.resolve()


def test_link_refuses_a_folder_without_manifest(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ToolError, match="no __manifest__.py"):
        link_addon(tmp_path / "empty", tmp_path / "addons")


def test_link_never_replaces_a_real_directory(tmp_path):
    checkout = copy_checkout(tmp_path)
    (tmp_path / "addons" / "crm_workflow_guide").mkdir(parents=True)
    with pytest.raises(ToolError, match="not a symlink"):
        link_addon(checkout, tmp_path / "addons")


# --- finding Odoo 18 --------------------------------------------------------


def test_odoo_path_that_does_not_exist_is_reported(tmp_path):
    odoo, why = find_odoo({"ODOO_PATH": str(tmp_path / "nope"), "PATH": ""})
    assert odoo is None
    assert "ODOO_PATH=" in why and "does not exist" in why


def test_odoo_path_interpreter_with_odoo_18_is_used(tmp_path):
    python = fake_python(tmp_path / "py18")
    odoo, why = find_odoo({"ODOO_PATH": str(python)})
    assert why == ""
    assert odoo.version == "18.0"
    assert odoo.command == [str(python), "-m", "odoo"]
    assert odoo.package_dir == "/opt/fake/odoo"


def test_odoo_path_interpreter_with_other_major_version_is_refused(tmp_path):
    python = fake_python(tmp_path / "py17", version=(17, 0))
    odoo, why = find_odoo({"ODOO_PATH": str(python)})
    assert odoo is None
    assert "17.0" in why and "not 18.0" in why


def test_odoo_path_interpreter_that_fails_is_reported(tmp_path):
    broken = write_exe(tmp_path / "broken", "#!/bin/sh\necho boom-123 >&2\nexit 3\n")
    odoo, why = find_odoo({"ODOO_PATH": str(broken)})
    assert odoo is None
    assert "boom-123" in why and "exit 3" in why


def test_odoo_path_virtualenv_uses_its_bin_python(tmp_path):
    python = fake_python(tmp_path / "venv" / "bin" / "python")
    odoo, why = find_odoo({"ODOO_PATH": str(tmp_path / "venv")})
    assert why == ""
    assert odoo.python == str(python)


def test_odoo_path_directory_that_is_neither_venv_nor_tree(tmp_path):
    odoo, why = find_odoo({"ODOO_PATH": str(tmp_path)})
    assert odoo is None
    assert "virtualenv" in why and "odoo-bin" in why


def test_odoo_path_source_tree_runs_odoo_bin_with_tree_on_pythonpath(tmp_path):
    tree = tmp_path / "odoo-src"
    package = tree / "odoo"
    (package / "cli").mkdir(parents=True)
    (package / "addons").mkdir()
    (tree / "addons" / "web").mkdir(parents=True)
    (tree / "addons" / "web" / "__manifest__.py").write_text("{}\n")
    (package / "__init__.py").write_text("from . import release\n")
    (package / "cli" / "__init__.py").write_text("")
    (package / "release.py").write_text(
        "version_info = (18, 0, 0, 'final', 0, '')\nversion = '18.0'\n"
    )
    write_exe(tree / "odoo-bin", "#!/usr/bin/env python3\nimport odoo\n")

    odoo, why = find_odoo({"ODOO_PATH": str(tree)})

    assert why == ""
    assert odoo.command == [sys.executable, str(tree / "odoo-bin")]
    assert odoo.env({})["PYTHONPATH"] == str(tree)
    assert odoo.addons_paths() == [str(package / "addons"), str(tree / "addons")]


def test_without_odoo_path_the_odoo_script_on_path_is_used(tmp_path):
    no_odoo = write_exe(tmp_path / "plain-python", "#!/bin/sh\nexit 1\n")
    python = fake_python(tmp_path / "venv" / "bin" / "python3")
    script = write_exe(tmp_path / "bin" / "odoo", f"#!{python}\n")
    odoo, why = find_odoo({"PATH": str(tmp_path / "bin")}, python=no_odoo)
    assert why == ""
    assert odoo.command == [str(python), str(script)]


def test_without_odoo_anywhere_the_reason_names_what_was_tried(tmp_path):
    no_odoo = write_exe(tmp_path / "plain-python", "#!/bin/sh\nexit 1\n")
    (tmp_path / "empty-bin").mkdir()
    environ = {"PATH": str(tmp_path / "empty-bin")}
    odoo, why = find_odoo(environ, python=no_odoo, state=tmp_path / "no-state")
    assert odoo is None
    assert "no 'odoo' on PATH" in why and "no 'odoo-bin' on PATH" in why
    assert "no set-up in .cwg/ (--bootstrap)" in why


def test_run_without_odoo_exits_2_naming_odoo_and_odoo_path(monkeypatch, capsys):
    monkeypatch.setenv("ODOO_PATH", "/nonexistent/odoo-18")
    assert main(["run"]) == 2
    out = capsys.readouterr().out
    assert "Odoo 18.0 Community" in out and "ODOO_PATH" in out


def test_find_odoo_command_exits_1_without_odoo(monkeypatch, capsys):
    monkeypatch.setenv("ODOO_PATH", "/nonexistent/odoo-18")
    assert main(["find-odoo"]) == 1
    assert "no Odoo 18 found" in capsys.readouterr().out


def test_layer2_without_odoo_prints_one_skipped_line(capsys):
    tally = Tally()
    no_odoo_skip(tally, "ODOO_PATH=/x does not exist\nmore", {})
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith("SKIPPED: no Odoo 18 found (")
    assert "ODOO_PATH" in out[0]
    assert (tally.passed, tally.failed, tally.skipped) == (0, 0, 1)


def test_layer2_without_odoo_fails_when_required(capsys):
    tally = Tally()
    no_odoo_skip(tally, "ODOO_PATH=/x does not exist", {"REQUIRE_ODOO": "1"})
    assert (tally.passed, tally.failed, tally.skipped) == (0, 1, 0)
    assert "REQUIRE_ODOO=1" in capsys.readouterr().out


# --- reading Odoo's test log ------------------------------------------------

HEAD = "2026-01-02 03:04:05,678 4242 {level} cwg_test_1 {logger}: {msg}"


def log_line(msg, level="INFO", logger="odoo.modules.loading"):
    return HEAD.format(level=level, logger=logger, msg=msg)


def result_line(failed=0, errors=0, tests=12, level="INFO"):
    msg = (
        f"{failed} failed, {errors} error(s) of {tests} tests "
        "when loading database 'cwg_test_1'"
    )
    return log_line(msg, level, "odoo.tests.result")


CLEAN = [
    "Running as user 'root' is a security risk.",
    log_line("loading 62 modules..."),
    log_line("Starting TestGuide.test_progress ...", logger="odoo.addons.x.tests.t"),
    log_line("Starting post tests", logger="odoo.service.server"),
]


def parse(lines, returncode=0):
    return parse_odoo_log("\n".join(lines) + "\n", returncode)


def test_clean_log_counts_all_tests_as_passed():
    report = parse([*CLEAN, result_line(tests=12)])
    assert (report.tests, report.passed, report.failed, report.errors) == (
        12,
        12,
        0,
        0,
    )
    assert report.ok and report.log_clean


def test_failed_and_errored_tests_are_counted():
    failing = [
        log_line("FAIL: TestGuide.test_block", "ERROR", "odoo.addons.x.tests.t"),
        "Traceback (most recent call last):",
        '  File "t.py", line 3, in test_block',
        "AssertionError: 1 != 2",
        log_line("ERROR: TestGuide.test_boom", "ERROR", "odoo.addons.x.tests.t"),
        result_line(failed=1, errors=1, tests=5, level="ERROR"),
    ]
    report = parse([*CLEAN, *failing], returncode=1)
    assert (report.tests, report.passed, report.failed, report.errors) == (
        5,
        3,
        1,
        1,
    )
    assert not report.ok
    assert [n for n, _ in report.test_failures] == [5, 9]
    assert report.log_clean  # the failures are reported as tests, not twice


def test_skipped_tests_are_not_counted_as_passed():
    skip = log_line(
        "skipped TestTour.test_tour : Chrome executable not found",
        logger="odoo.addons.x.tests.test_tour",
    )
    report = parse([*CLEAN, skip, result_line(tests=5)])
    assert (report.tests, report.passed, report.skipped) == (5, 4, 1)
    assert report.ok


def test_error_line_outside_tests_fails_the_log_check():
    report = parse([*CLEAN, log_line("boom", "ERROR", "odoo.sql_db"), result_line()])
    assert report.passed == 12 and not report.ok
    assert [text for _, text in report.problems] == [
        log_line("boom", "ERROR", "odoo.sql_db")
    ]


def test_critical_line_fails():
    line = log_line("Failed to initialize database", "CRITICAL", "odoo.service")
    report = parse([*CLEAN, line])
    assert not report.ok and report.problems == [(5, line)]


def test_bare_traceback_fails():
    report = parse([*CLEAN, "Traceback (most recent call last):", result_line()])
    assert not report.ok
    assert report.problems == [(5, "Traceback (most recent call last):")]


def test_warning_fails_unless_allow_listed():
    warning = log_line("Field x has no string", "WARNING", "odoo.models")
    assert not parse([*CLEAN, warning, result_line()]).ok
    allowed = log_line("Running as user 'root' is a security risk.", "WARNING", "odoo")
    assert parse([*CLEAN, allowed, result_line()]).ok


def test_zero_tests_fail():
    report = parse([*CLEAN, result_line(tests=0, level="WARNING")])
    assert report.tests == 0 and not report.ok
    assert "zero tests ran" in report.notes
    assert report.problems == []  # the 0-tests line is reported once, as a note


def test_missing_result_line_fails():
    report = parse(CLEAN)
    assert not report.ok
    assert any("tests never ran" in note for note in report.notes)


def test_non_zero_exit_fails_even_with_a_clean_log():
    report = parse([*CLEAN, result_line()], returncode=255)
    assert not report.ok
    assert "Odoo exited with code 255" in report.notes


# --- summary, PostgreSQL settings, databases ---------------------------------


def test_summary_line_is_pytest_style():
    assert format_summary(7, 0) == "7 passed, 0 failed"
    assert format_summary(7, 2, 1) == "7 passed, 2 failed, 1 skipped"
    tally = Tally()
    tally.check("a", True)
    tally.check("b", False, "why")
    assert tally.summary() == "1 passed, 1 failed"


def test_pg_environment_is_passed_to_odoo():
    pg = pg_from_environ(
        {"PGHOST": "/run/pg", "PGPORT": "5433", "PGUSER": "me", "PGPASSWORD": "s"}
    )
    assert pg.odoo_args() == [
        "--db_host=/run/pg",
        "--db_port=5433",
        "--db_user=me",
        "--db_password=s",
    ]
    assert pg_from_environ({}).odoo_args() == []


def test_private_cluster_only_listens_on_its_unix_socket():
    conf = private_pg_conf("/tmp/sock", 54329)
    assert "listen_addresses = ''" in conf
    assert "port = 54329" in conf
    assert "unix_socket_directories = '/tmp/sock'" in conf


def test_private_cluster_env_replaces_caller_pg_variables():
    pg = Pg({"PGHOST": "/sock", "PGPORT": "54329", "PGUSER": "cwg"}, private=True)
    env = pg.env({"PGHOST": "/elsewhere", "PGPASSWORD": "x", "PGDATABASE": "prod"})
    assert env == {"PGHOST": "/sock", "PGPORT": "54329", "PGUSER": "cwg"}


@pytest.mark.parametrize(
    "name", ["postgres", "prod", "cwg_dev", "cwg_run; drop", "CWG_RUN", "cwg_test_x"]
)
def test_only_cwg_databases_are_touched(name):
    with pytest.raises(ToolError):
        check_db_name(name)


def test_cwg_database_names_are_accepted():
    check_db_name("cwg_run")
    check_db_name("cwg_run_demo2")
    check_db_name(f"cwg_test_{os.getpid()}")


def test_junit_counts(tmp_path):
    xml = tmp_path / "j.xml"
    xml.write_text(
        '<testsuites><testsuite tests="9" failures="1" errors="1" skipped="2">'
        "</testsuite></testsuites>"
    )
    assert junit_counts(xml) == (5, 2, 2)
