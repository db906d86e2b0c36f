"""Running Odoo and judging its log."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

from .common import REPO, STATE, WARNING_ALLOWLIST, say


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
