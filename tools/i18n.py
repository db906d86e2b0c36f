#!/usr/bin/env python3
"""Translations of the addon (nl, nb, da, sv): see readme/DEVELOP.md.

python3 tools/i18n.py export        regenerate i18n/crm_workflow_guide.pot with
                                    Odoo's exporter (needs Odoo 18, as `test`)
python3 tools/i18n.py merge         bring the four .po files in step with it
python3 tools/i18n.py missing LANG  the terms LANG still lacks (a worklist)
python3 tools/i18n.py check         fail on a missing, empty or fuzzy term or a
                                    broken placeholder in any language

merge, missing and check need polib (in .cwg/venv-tools, made by `test`).
"""

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cwg.common import ADDON_NAME, REPO, ToolError, say  # noqa: E402
from cwg.i18n_check import LANGUAGES, catalogue_problems, merge  # noqa: E402

I18N = REPO / "i18n"
POT = I18N / f"{ADDON_NAME}.pot"
HEADER_DATES = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"$', re.M)


def _polib():
    try:
        import polib
    except ImportError as exc:
        raise ToolError(
            "polib is missing: run with .cwg/venv-tools/bin/python (made by "
            "`python3 tools/dev.py test --layer 1`)"
        ) from exc
    return polib


def normalise_pot(text: str) -> str:
    """Stable exports: no dates in the header."""
    return HEADER_DATES.sub(lambda m: f'"{m[1]}: \\n"', text)


def cmd_export(_args) -> int:
    from cwg.odoo_finder import find_odoo
    from cwg.odoo_run import odoo_command
    from cwg.postgres import drop_db, ensure_postgres

    odoo, why = find_odoo()
    if odoo is None:
        raise ToolError(f"no Odoo 18 found ({why})")
    pg = ensure_postgres(odoo)
    db = "cwg_run_i18n"
    with tempfile.TemporaryDirectory() as tmp:
        # a clean copy of the tracked files (the checkout holds .cwg/ links)
        addons = Path(tmp) / "addons"
        (addons / ADDON_NAME).mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(REPO), "ls-files", "-z"],
            capture_output=True,
            check=True,
        ).stdout.split(b"\0")
        for name in filter(None, archive):
            source = REPO / name.decode()
            if source.is_file():
                target = addons / ADDON_NAME / name.decode()
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(source.read_bytes())
        out = Path(tmp) / "export.pot"
        drop_db(odoo, pg, db)
        try:
            for extra in (
                ["-i", ADDON_NAME, "--stop-after-init"],  # demo terms too
                [
                    f"--i18n-export={out}",
                    f"--modules={ADDON_NAME}",
                    "--stop-after-init",
                ],
            ):
                cmd = odoo_command(odoo, pg, addons, db, extra)
                subprocess.run(cmd, env=pg.env(odoo.env()), check=True)
        finally:
            drop_db(odoo, pg, db)
        POT.write_text(normalise_pot(out.read_text(encoding="utf-8")), "utf-8")
    say(f"exported {POT.relative_to(REPO)}")
    return 0


def cmd_merge(_args) -> int:
    polib = _polib()
    pot = polib.pofile(str(POT))
    for lang in LANGUAGES:
        path = I18N / f"{lang}.po"
        po = polib.pofile(str(path)) if path.exists() else polib.POFile()
        po.metadata = dict(pot.metadata, Language=lang)
        merge(pot, po)
        po.save(str(path))
        missing = sum(1 for entry in po if not entry.msgstr)
        say(f"{path.relative_to(REPO)}: {len(po)} terms, {missing} to translate")
    return 0


def cmd_missing(args) -> int:
    polib = _polib()
    po = polib.pofile(str(I18N / f"{args.lang}.po"))
    for entry in po:
        if not entry.msgstr or "fuzzy" in entry.flags:
            print(f"msgid {entry.msgid!r}")
    return 0


def cmd_check(_args) -> int:
    polib = _polib()
    pot = polib.pofile(str(POT))
    failed = False
    for lang in LANGUAGES:
        path = I18N / f"{lang}.po"
        problems = (
            catalogue_problems(pot, polib.pofile(str(path)))
            if path.exists()
            else [f"{path.name} is missing"]
        )
        say(f"{lang}: {len(problems)} problem(s)")
        for problem in problems[:20]:
            say(f"  {problem}")
        failed |= bool(problems)
    return 1 if failed else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python3 tools/i18n.py", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("export").set_defaults(func=cmd_export)
    sub.add_parser("merge").set_defaults(func=cmd_merge)
    missing = sub.add_parser("missing")
    missing.add_argument("lang", choices=LANGUAGES)
    missing.set_defaults(func=cmd_missing)
    sub.add_parser("check").set_defaults(func=cmd_check)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ToolError as exc:
        say(f"error: {exc}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
