"""Layer 1: pinned static checks and the Odoo-free tests."""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from .common import (
    LINT_REQUIREMENTS,
    LOGS,
    NODE_PACKAGE,
    NODE_TOOLS,
    REPO,
    TOOLS_VENV,
    ToolError,
    say,
)


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


def ensure_node_tools(target=NODE_TOOLS, package=NODE_PACKAGE) -> Path:
    """Install the pinned eslint and prettier into ``target`` (npm ci) when
    package-lock.json changed; return the node_modules directory."""
    npm = shutil.which("npm")
    if not npm:
        raise ToolError("npm is not installed (Debian packages: nodejs npm)")
    lock = package / "package-lock.json"
    node = subprocess.run(
        ["node", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    digest = hashlib.sha256(lock.read_bytes() + node.encode()).hexdigest()
    marker = target / ".cwg-lock-sha256"
    modules = target / "node_modules"
    if marker.is_file() and marker.read_text().strip() == digest:
        return modules
    say(f"node tools: npm ci of {lock.relative_to(REPO)} into {target} ...")
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(package / name, target / name)
    LOGS.mkdir(parents=True, exist_ok=True)
    logfile = LOGS / "node-tools.log"
    cmd = [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"]
    with open(logfile, "w", encoding="utf-8") as log:
        log.write(f"$ {shlex.join(cmd)}\n")
        log.flush()
        code = subprocess.run(
            cmd, cwd=target, stdout=log, stderr=subprocess.STDOUT, check=False
        ).returncode
    if code != 0:
        raise ToolError(f"`npm ci` failed, see {logfile}")
    marker.write_text(digest + "\n")
    return modules


def js_files(root=REPO) -> list:
    """Every JavaScript file of the addon, libraries and local state aside."""
    skip = {".cwg", "node_modules", "lib", "build", "dist", ".git"}
    return sorted(
        str(path.relative_to(root))
        for path in Path(root).rglob("*.js")
        if not skip.intersection(path.relative_to(root).parts)
    )


def js_checks(tally, env):
    try:
        modules = ensure_node_tools()
    except ToolError as exc:
        tally.check("node tools (eslint, prettier)", False, str(exc))
        return
    files = js_files()
    env = dict(env, NODE_PATH=str(modules))  # the configs require() plugins
    bindir = modules / ".bin"
    eslint = [bindir / "eslint", "--max-warnings=0", "--no-warn-ignored", *files]
    run_check(f"eslint ({len(files)} files, eslint.config.cjs)", eslint, tally, env)
    prettier = [bindir / "prettier", "--check", *files]
    run_check(f"prettier ({len(files)} files)", prettier, tally, env)


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
    # rootdir and configuration in tools/tests: the repository root is an Odoo
    # package (__init__.py) that pytest must not import, and its pyproject.toml
    # is the addon's packaging, not pytest's configuration.
    cmd += ["-c", "tools/tests/pytest.ini", "--rootdir=tools/tests"]
    cmd += ["-q", "-rfE", f"--junitxml={junit}"]
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
    readme = [bindir / "python", REPO / "tools" / "cwg" / "readme.py", "--check", link]
    run_check("README.rst, index.html generated from readme/", readme, tally, env)
    js_checks(tally, env)
    run_pytest(bindir, tally, env)
