"""Translations: the four languages of the seeds, complete and well-formed.

Pure functions over polib catalogues (layer 1: no Odoo needed).
"""

from __future__ import annotations

import re
from collections import Counter

LANGUAGES = ("nl", "nb", "da", "sv")

# %(name)s, %s, %d, %%; {{ expression }}; {name}; QWeb t-* attributes and
# tags of HTML terms
PLACEHOLDERS = (
    re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdifr]"),
    re.compile(r"%[sdifr]"),
    re.compile(r"\{\{.*?\}\}"),
    re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_]*\}(?!\})"),
    re.compile(r"\bt-[a-z-]+=\"[^\"]*\""),
    re.compile(r"</?[A-Za-z][A-Za-z0-9]*"),
)


def placeholders(text: str) -> Counter:
    """The placeholders and markup of ``text``, with their counts."""
    found = Counter()
    for pattern in PLACEHOLDERS:
        found.update(pattern.findall(text or ""))
    return found


def entry_problems(entry) -> list[str]:
    """What is wrong with one translated entry (empty list: nothing)."""
    problems = []
    if "fuzzy" in entry.flags:
        problems.append("fuzzy")
    if not entry.msgstr.strip():
        problems.append("untranslated")
    elif placeholders(entry.msgid) != placeholders(entry.msgstr):
        source = sorted(placeholders(entry.msgid).elements())
        target = sorted(placeholders(entry.msgstr).elements())
        problems.append(f"placeholders differ: {source} vs {target}")
    return problems


def catalogue_problems(pot, po) -> list[str]:
    """Every problem of the catalogue ``po`` against the template ``pot``."""
    translated = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    problems = []
    for entry in pot:
        if not entry.msgid:
            continue
        found = translated.get((entry.msgctxt, entry.msgid))
        if found is None:
            problems.append(f"missing: {entry.msgid[:70]!r}")
            continue
        problems += [f"{p}: {entry.msgid[:70]!r}" for p in entry_problems(found)]
    return problems


def merge(pot, po):
    """``po`` brought in step with ``pot``: translations kept, new terms
    added untranslated, terms gone from the template dropped."""
    old = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    po.clear()
    for entry in pot:
        if not entry.msgid:
            continue
        previous = old.get((entry.msgctxt, entry.msgid))
        entry = type(entry)(
            msgid=entry.msgid,
            msgctxt=entry.msgctxt,
            msgstr=previous.msgstr if previous else "",
            occurrences=entry.occurrences,
            comment=entry.comment,
            tcomment=previous.tcomment if previous else "",
            flags=[f for f in entry.flags if f != "fuzzy"],
        )
        po.append(entry)
    return po
