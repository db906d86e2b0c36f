# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

ADDON = Path(__file__).resolve().parents[1]


@tagged("post_install", "-at_install")
class TestTranslationTemplate(TransactionCase):
    def test_template_is_up_to_date(self):
        """i18n/crm_workflow_guide.pot holds exactly the terms Odoo's exporter
        finds in the code, views, data and demo data (refresh it with
        `python3 tools/i18n.py export`, then `merge`)."""
        reader = TranslationModuleReader(self.env.cr, modules=["crm_workflow_guide"])
        current = {
            source
            for __, __, name, __, source, __, __ in reader
            # the checkout may hold the tooling's own files (.cwg/)
            if source and "/.cwg/" not in (name or "")
        }
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
