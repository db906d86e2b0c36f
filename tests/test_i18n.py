# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import fnmatch
import os
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

ADDON = Path(__file__).resolve().parents[1]


class AddonTermsReader(TranslationModuleReader):
    """Odoo's exporter for this addon only, without walking the checkout's
    tool directories (``.cwg/`` holds virtualenvs and a link back to the
    checkout: Odoo's walk follows links, so it would loop through them): the
    terms of the Python files, the web client's JS and QWeb files, and (by
    the parent class) of the views and data."""

    def _export_translatable_resources(self):
        module_path = next(
            path for path in (os.path.join(p, "crm_workflow_guide")
                              for p, __ in self._path_list)
            if os.path.isdir(path)
        )  # fmt: skip
        base = os.path.dirname(module_path)
        for root, dirs, files in os.walk(module_path, followlinks=True):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for fname in fnmatch.filter(files, "*.py"):
                self._babel_extract_terms(
                    fname, base, root, "python",
                    extract_keywords={"_": None, "_lt": None},
                )  # fmt: skip
            if fnmatch.fnmatch(root, "*/static/src*"):
                for fname in fnmatch.filter(files, "*.js"):
                    self._babel_extract_terms(
                        fname, base, root, "javascript", extract_keywords={"_t": None}
                    )
                for fname in fnmatch.filter(files, "*.xml"):
                    self._babel_extract_terms(
                        fname, base, root, "odoo.tools.translate:babel_extract_qweb"
                    )


@tagged("post_install", "-at_install")
class TestTranslationTemplate(TransactionCase):
    def test_template_is_up_to_date(self):
        """i18n/crm_workflow_guide.pot holds exactly the terms Odoo's exporter
        finds in the code, views, data and demo data (refresh it with
        `python3 tools/i18n.py export`, then `merge`)."""
        reader = AddonTermsReader(self.env.cr, modules=["crm_workflow_guide"])
        current = {source for __, __, __, __, source, __, __ in reader if source}
        template = polib.pofile(str(ADDON / "i18n" / "crm_workflow_guide.pot"))
        committed = {entry.msgid for entry in template if entry.msgid}
        new, stale = sorted(current - committed), sorted(committed - current)
        self.assertFalse(
            new or stale,
            f"the translation template is out of date: {len(new)} new terms "
            f"{new[:10]}, {len(stale)} stale terms {stale[:10]}",
        )


@tagged("post_install", "-at_install")
class TestTranslationsLoad(TransactionCase):
    def test_the_four_languages_load(self):
        """Each language of the seeds loads (no warning in the log: layer 2
        fails on any) and translates the guide's screens and messages."""
        Module = self.env["ir.module.module"]
        action = self.env.ref("crm_workflow_guide.crm_guide_action")
        for code in ("nl_NL", "nb_NO", "da_DK", "sv_SE"):
            self.env["res.lang"]._activate_lang(code)
            Module._load_module_terms(["crm_workflow_guide"], [code], overwrite=True)
            translated = action.with_context(lang=code).name
            self.assertTrue(translated)
            self.assertNotEqual(translated, "Workflow Guides", code)
            message = (
                self.env["crm.lead"]
                .with_context(lang=code)
                .env._("Open the missing steps")
            )
            self.assertNotEqual(message, "Open the missing steps", code)
