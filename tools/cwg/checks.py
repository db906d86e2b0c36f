"""Layer 1: pinned static checks and the Odoo-free tests."""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from .common import LINT_REQUIREMENTS, LOGS, REPO, TOOLS_VENV, ToolError, say


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
