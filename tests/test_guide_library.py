# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import new_test_user, tagged

from .test_guide_transfer import LANGS, TestGuideTransferCommon, _renew_keys


@tagged("post_install", "-at_install")
class TestGuideLibrary(TestGuideTransferCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.library_team = cls.env["crm.team"].create({"name": "Library Team"})
        cls.own_stage = cls.env["crm.stage"].create(
            {"name": "Qualified", "sequence": 2, "team_id": cls.library_team.id}
        )
        cls.manager_nl = new_test_user(
            cls.env,
            login="library_manager_nl",
            groups="sales_team.group_sale_manager",
            name="Library Manager",
            lang="nl_NL",
        )

    def _from_library(self, name, user=None):
        Wizard = self.env["crm.guide.import.wizard"].with_user(user or self.manager)
        wizard = Wizard.create(
            {"source": "library", "library_file": name, "team_id": self.library_team.id}
        )
        wizard.action_preview()
        wizard.action_import()
        return wizard.guide_ids

    def test_library_lists_five_guides_with_description(self):
        wizard = (
            self.env["crm.guide.import.wizard"]
            .with_user(self.manager_nl)
            .with_context(lang=self.manager_nl.lang)
            .create({"source": "library"})
        )
        choices = dict(
            wizard._fields["library_file"]._description_selection(wizard.env)
        )
        self.assertEqual(
            set(choices),
            {
                "new_customer.json",
                "existing_customer.json",
                "renewal.json",
                "tender.json",
                "quotation.json",
            },
        )
        self.assertEqual(choices["new_customer.json"], "Nieuwe klant")
        wizard.library_file = "tender.json"
        self.assertIn("aanbesteding", wizard.library_description)

    def test_library_guides_have_advice_in_every_language(self):
        documents = self.env["crm.guide.import.wizard"]._library_documents()
        for name, document in documents.items():
            (entry,) = document["guides"]
            texts = [entry["name"], entry["description"]]
            for stage in entry["stages"]:
                texts += [stage["name"], stage["guidance"]]
                self.assertTrue(stage["steps"], f"{name}: a stage without steps")
                for step in stage["steps"]:
                    texts += [step["name"], step["purpose"]]
            for text in texts:
                self.assertEqual(set(text), {"en_US", *LANGS}, f"{name}: {text}")
            self.assertTrue(
                any(
                    step["kind"] == "document"
                    for stage in entry["stages"]
                    for step in stage["steps"]
                ),
                f"{name}: no document",
            )

    def test_new_from_library_maps_stages_onto_the_team(self):
        stage_count = self.env["crm.stage"].search_count([])
        guide = self._from_library("new_customer.json")
        self.assertEqual(guide.team_ids, self.library_team)
        stages = guide.guide_stage_ids.stage_id
        # the team's own "Qualified", Odoo's shared "New" and "Proposition",
        # a new "Negotiation" in the team's pipeline
        self.assertIn(self.own_stage, stages)
        self.assertEqual(stages.filtered(lambda s: s.name == "New").team_id.id, False)
        negotiation = stages.filtered(lambda s: s.name == "Negotiation")
        self.assertEqual(negotiation.team_id, self.library_team)
        self.assertEqual(self.env["crm.stage"].search_count([]), stage_count + 1)
        self.assertEqual(guide.with_context(lang="da_DK").name, "Ny kunde")
        self.assertIn(
            "beslisser",
            guide.guide_stage_ids[0].with_context(lang="nl_NL").guidance,
        )
        # an editable guide: the designer changes it like any other
        guide.with_user(self.manager).guide_stage_ids[0].step_ids[0].name = "Call"

    def test_every_library_guide_round_trips(self):
        documents = self.env["crm.guide.import.wizard"]._library_documents()
        for name in documents:
            guide = self._from_library(name)
            self.assertEqual(len(guide), 1, name)
            exported = guide._guide_export_data()
            renewed, _keys = _renew_keys(exported)
            again = self._import(renewed, user=self.manager)._guide_export_data()
            self.assertEqual(again, renewed, name)
