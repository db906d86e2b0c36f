"""Layer-1 tests of the translations: the checker itself, and the four
catalogues of the seeds' languages against the template."""

import sys
from pathlib import Path

import polib
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

from cwg.i18n_check import (  # noqa: E402
    LANGUAGES,
    catalogue_problems,
    merge,
    placeholders,
)

POT = REPO / "i18n" / "crm_workflow_guide.pot"


def catalogue(*entries):
    po = polib.POFile()
    for msgid, msgstr, *flags in entries:
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, flags=list(flags)))
    return po


def test_placeholders_are_counted():
    found = placeholders('Moved %(name)s to %s: <strong t-out="object.name"/> {{ x }}')
    assert found["%(name)s"] == 1
    assert found["%s"] == 1
    assert found["{{ x }}"] == 1
    assert found['t-out="object.name"'] == 1
    assert found["<strong"] == 1


@pytest.mark.parametrize(
    ("msgstr", "flags", "problem"),
    [
        ("", [], "untranslated"),
        ("Verplaatst %(naam)s", [], "placeholders differ"),
        ("Verplaatst %(name)s %(name)s", [], "placeholders differ"),
        ("Verplaatst %(name)s", ["fuzzy"], "fuzzy"),
    ],
)
def test_checker_finds_bad_translations(msgstr, flags, problem):
    pot = catalogue(("Moved %(name)s", ""))
    po = catalogue(("Moved %(name)s", msgstr, *flags))
    problems = catalogue_problems(pot, po)
    assert len(problems) == 1 and problems[0].startswith(problem)


def test_checker_finds_missing_terms_and_accepts_good_ones():
    pot = catalogue(("Moved %(name)s", ""), ("Guide", ""))
    po = catalogue(("Moved %(name)s", "%(name)s verplaatst"))
    assert catalogue_problems(pot, po) == ["missing: 'Guide'"]
    po.append(polib.POEntry(msgid="Guide", msgstr="Gids"))
    assert catalogue_problems(pot, po) == []


def test_merge_keeps_translations_and_drops_old_terms():
    pot = catalogue(("Guide", ""), ("New term", ""))
    po = catalogue(("Guide", "Gids"), ("Gone", "Weg"))
    merged = merge(pot, po)
    assert [(e.msgid, e.msgstr) for e in merged] == [
        ("Guide", "Gids"),
        ("New term", ""),
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_language_is_complete(lang):
    """Every term of the template is translated in the four languages of the
    seeds, without fuzzy entries or broken placeholders."""
    pot = polib.pofile(str(POT))
    path = REPO / "i18n" / f"{lang}.po"
    assert path.exists(), f"i18n/{lang}.po is missing"
    problems = catalogue_problems(pot, polib.pofile(str(path)))
    assert not problems, f"{lang}: {len(problems)} problems, e.g. {problems[:5]}"
