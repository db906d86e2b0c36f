"""Counting checks and printing the pytest-style summary line."""

from __future__ import annotations

from dataclasses import dataclass

from .common import say


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
