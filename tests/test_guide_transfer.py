# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import json
import uuid

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged, users
from odoo.tools import file_open

from odoo.addons.crm_workflow_guide.crm_guides import guide_file

from .common import GuideCommon

LANGS = ("nl_NL", "nb_NO", "da_DK", "sv_SE")


def _without_keys(document, keys=("key",)):
    """The document without the guide keys (they differ between a guide and
    its copy)."""
    document = json.loads(json.dumps(document))
    for guide in document["guides"]:
        for key in keys:
            guide.pop(key, None)
        if guide.get("quotation_guide"):
            # the copy of a guide has no XML id
            guide["quotation_guide"].pop("key", None)
            guide["quotation_guide"].pop("xmlid", None)
    return document


def _renew_keys(document):
    """The document as another database sees it: guide keys never seen."""
    document = json.loads(json.dumps(document))
    new_keys = {guide["key"]: str(uuid.uuid4()) for guide in document["guides"]}
    for guide in document["guides"]:
        guide["key"] = new_keys[guide["key"]]
        ref = guide.get("quotation_guide")
        if ref and ref.get("key") in new_keys:
            ref["key"] = new_keys[ref["key"]]
    return document, new_keys


class TestGuideTransferCommon(GuideCommon):
    """The common guide with texts in other languages, the four languages of
    the seeds installed, and a guide designer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.designer = new_test_user(
            cls.env,
            login="transfer_designer",
            groups="crm_workflow_guide.crm_workflow_guide_group_designer",
            name="Transfer Designer",
        )
        for lang in LANGS:
            cls.env["res.lang"]._activate_lang(lang)
        cls.guide.with_context(lang="nl_NL").name = "Testgids"
        cls.guide.guide_stage_ids[0].with_context(
            lang="sv_SE"
        ).guidance = "<p>Ring kunden</p>"

    def _wizard(self, data, user=None, **vals):
        if isinstance(data, dict):
            data = guide_file.dump(data)
        Wizard = self.env["crm.guide.import.wizard"]
        if user:
            Wizard = Wizard.with_user(user)
        return Wizard.create(
            {"file": base64.b64encode(data), "filename": "guides.json", **vals}
        )

    def _import(self, data, user=None, **vals):
        wizard = self._wizard(data, user=user, **vals)
        wizard.action_preview()
        wizard.action_import()
        return wizard.guide_ids

    def _demo_guides(self):
        return (
            self.env["crm.guide"]
            .search([])
            .filtered(lambda guide: guide.get_external_id()[guide.id])
        )


@tagged("post_install", "-at_install")
class TestGuideTransfer(TestGuideTransferCommon):
    # ------------------------------------------------------------------
    # Export
    # ------------------------------------------------------------------

    def test_export_writes_references_not_ids(self):
        document = self.guide._guide_export_data()
        self.assertEqual(document["format_version"], guide_file.FORMAT_VERSION)
        (entry,) = document["guides"]
        self.assertEqual(entry["name"]["nl_NL"], "Testgids")
        self.assertEqual(entry["name"]["en_US"], "Test Guide")
        self.assertEqual(entry["teams"], [{"name": "Guided Team"}])
        first = entry["stages"][0]
        self.assertEqual(first["stage"]["name"], "G Lead")
        self.assertEqual(first["guidance"]["sv_SE"], "<p>Ring kunden</p>")
        step = first["steps"][0]
        self.assertEqual(step["activity_type"]["xmlid"], "mail.mail_activity_data_call")
        self.assertEqual(step["name"], {"en_US": "Qualify"})
        document_step = first["steps"][1]
        self.assertEqual(
            document_step["activity_type"]["mail_templates"][0]["xmlid"],
            "crm_workflow_guide.mail_template_proposal",
        )
        # no database id anywhere: every integer is a sequence, count or color
        text = guide_file.dump(document).decode()
        self.assertNotIn('"id"', text)
        self.assertNotIn(f": {self.stage_lead.id},", text.replace('"sequence"', ""))
        # the file reads back
        guide_file.load(guide_file.dump(document))

    def test_export_action_downloads(self):
        action = self.guide.with_user(self.salesman).action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(f"ids={self.guide.id}", action["url"])

    def test_salesman_cannot_export_guide_of_other_company(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        guide = self.env["crm.guide"].create(
            {"name": "Other guide", "company_id": other_company.id}
        )
        with self.assertRaises(AccessError):
            guide.with_user(self.salesman)._guide_export_data()
        with self.assertRaises(AccessError):
            guide.with_user(self.salesman).action_export()

    def test_export_query_count_does_not_grow_with_steps(self):
        self.env["crm.guide.step"].create(
            {
                "guide_stage_id": self.gs_quote.id,
                "name": "For the manager",
                "activity_type_id": self.type_todo.id,
                "responsible_type": "other",
                "responsible_id": self.manager.id,
            }
        )
        guides = self.guide
        for _index in range(3):
            copy = self.guide.copy()
            self.env["crm.guide.step"].create(
                [
                    {
                        "guide_stage_id": guide_stage.id,
                        "name": f"Extra {number}",
                        "activity_type_id": self.type_todo.id,
                    }
                    for guide_stage in copy.guide_stage_ids
                    for number in range(5)
                ]
            )
            guides |= copy
        guides._guide_export_data()  # keys given once
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=22):
            self.guide._guide_export_data()
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=22):
            guides._guide_export_data()

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------

    def test_round_trip_of_every_demo_guide_in_every_language(self):
        guides = self._demo_guides()
        self.assertTrue(guides)
        # every translated text in every language
        for lang in LANGS:
            for guide in guides.with_context(lang=lang):
                guide.name = f"{lang} {guide.name}"
                for stage in guide.guide_stage_ids:
                    stage.name = f"{lang} {stage.name}"
                    stage.guidance = f"<p>{lang} {stage.name}</p>"
                    for step in stage.step_ids:
                        step.write(
                            {"name": f"{lang} {step.name}", "purpose": f"{lang} why"}
                        )
        document = guides._guide_export_data()
        self.assertEqual(set(document["languages"]), {"en_US", *LANGS})
        first_step = document["guides"][0]["stages"][0]["steps"][0]
        self.assertEqual(set(first_step["name"]), {"en_US", *LANGS})
        # as another database sees it: the guide keys are new there
        renewed, new_keys = _renew_keys(document)
        imported = self._import(renewed, user=self.manager)
        self.assertEqual(len(imported), len(guides))
        self.assertEqual(set(imported.mapped("guide_key")), set(new_keys.values()))
        again = imported._guide_export_data()
        # the same file, but for the XML id of the quotation guide: the
        # imported one has none
        for guide in renewed["guides"]:
            if guide.get("quotation_guide"):
                guide["quotation_guide"].pop("xmlid", None)
        self.maxDiff = None
        self.assertEqual(again, renewed)

    def test_import_twice_creates_a_copy(self):
        document = self.guide._guide_export_data()
        copy = self._import(document, user=self.manager)
        self.assertNotEqual(copy, self.guide)
        self.assertEqual(copy.name, "Test Guide (copy)")
        self.assertEqual(copy.with_context(lang="nl_NL").name, "Testgids (kopie)")
        self.assertNotEqual(copy.guide_key, self.guide.guide_key)
        self.assertEqual(
            _without_keys(copy._guide_export_data(), ("key", "name")),
            _without_keys(document, ("key", "name")),
        )

    def test_preview_resolution(self):
        document = self.guide._guide_export_data()
        stage = document["guides"][0]["stages"][1]
        stage["stage"] = {"name": "Does Not Exist", "sequence": 5}
        step = document["guides"][0]["stages"][0]["steps"][0]
        step["activity_type"] = {
            "xmlid": "nowhere.nothing",
            "name": "Email",
            "icon": "fa-envelope",
        }
        step2 = document["guides"][0]["stages"][2]["steps"][0]
        step2["responsible_type"] = "other"
        step2["responsible"] = {"login": "nobody_here"}
        document["guides"][0]["name"]["xx_XX"] = "Xx"
        wizard = self._wizard(document, user=self.manager)
        wizard.action_preview()
        lines = {(line.kind, line.reference): line for line in wizard.line_ids}
        self.assertEqual(lines["team", "Guided Team"].resolution, "name")
        self.assertEqual(
            lines["activity_type", "Call (mail.mail_activity_data_call)"].resolution,
            "xmlid",
        )
        self.assertEqual(
            lines["activity_type", "Email (nowhere.nothing)"].resolution, "name"
        )
        missing_stage = lines["stage", "Does Not Exist"]
        self.assertEqual(missing_stage.resolution, "create")
        self.assertEqual(missing_stage.action, "create")
        user_line = lines["user", "nobody_here"]
        self.assertEqual(user_line.resolution, "missing")
        self.assertEqual(user_line.action, "drop")
        self.assertEqual(lines["language", "xx_XX"].resolution, "skipped")
        self.assertEqual(lines["guide", "Test Guide"].resolution, "exists")
        # pick an existing stage instead of creating one
        stage_extra = self.env["crm.stage"].create(
            {"name": "G Extra", "team_id": self.team.id}
        )
        missing_stage.write({"action": "pick", "stage_id": stage_extra.id})
        stage_count = self.env["crm.stage"].search_count([])
        wizard.action_import()
        guide = wizard.guide_ids
        self.assertEqual(self.env["crm.stage"].search_count([]), stage_count)
        self.assertEqual(guide.guide_stage_ids[1].stage_id, stage_extra)
        # the step of the missing user is dropped, the others are kept
        self.assertEqual(len(guide.guide_stage_ids[2].step_ids), 0)
        self.assertEqual(len(guide.guide_stage_ids[0].step_ids), 2)

    def test_missing_stage_created(self):
        document = self.guide._guide_export_data()
        document["guides"][0]["stages"][1]["stage"] = {
            "name": "Brand New",
            "sequence": 7,
        }
        guide = self._import(document, user=self.manager)
        created = guide.guide_stage_ids[1].stage_id
        self.assertEqual(created.name, "Brand New")
        self.assertEqual(created.sequence, 7)

    def test_import_is_all_or_nothing(self):
        document = self.guide._guide_export_data()
        # the second guide is refused by a designer rule (a stage twice)
        bad = json.loads(json.dumps(document["guides"][0]))
        bad["key"] = "other-key"
        bad["stages"][1]["stage"] = bad["stages"][0]["stage"]
        document["guides"].append(bad)
        wizard = self._wizard(document, user=self.manager)
        counts = [
            self.env[model].search_count([])
            for model in ("crm.guide", "crm.guide.stage", "crm.guide.step", "crm.stage")
        ]
        try:
            wizard.action_import()
        except UserError as error:
            self.assertIn("guides[1]", str(error))
        else:
            self.fail("the import should be refused")
        self.env.invalidate_all()
        self.assertEqual(
            counts,
            [
                self.env[model].search_count([])
                for model in (
                    "crm.guide",
                    "crm.guide.stage",
                    "crm.guide.step",
                    "crm.stage",
                )
            ],
        )

    # ------------------------------------------------------------------
    # Rights
    # ------------------------------------------------------------------

    def test_salesman_cannot_import(self):
        document = self.guide._guide_export_data()
        with self.assertRaises(AccessError):
            self._wizard(document, user=self.salesman)

    @users("transfer_designer")
    def test_designer_previews(self):
        document = self.guide._guide_export_data()
        wizard = self._wizard(document)
        wizard.action_preview()
        self.assertTrue(wizard.line_ids)
        # a designer who is no sales manager may not create pipeline stages
        document["guides"][0]["stages"][0]["stage"] = {"name": "Nowhere Stage"}
        wizard = self._wizard(document)
        wizard.action_preview()
        line = wizard.line_ids.filtered(lambda ln: ln.reference == "Nowhere Stage")
        self.assertEqual(line.resolution, "missing")
        self.assertEqual(line.action, "drop")
        line.action = "create"
        with self.assertRaises(UserError):
            wizard.action_import()

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------

    def _refused(self, data, expected):
        wizard = self._wizard(data, user=self.manager)
        count = self.env["crm.guide"].search_count([])
        with self.assertRaises(UserError) as caught:
            wizard.action_preview()
        self.assertIn(expected, str(caught.exception))
        with self.assertRaises(UserError):
            wizard.action_import()
        self.assertEqual(self.env["crm.guide"].search_count([]), count)
        return caught.exception

    def test_bad_input_refused(self):
        document = self.guide._guide_export_data()

        def variant(change):
            copy = json.loads(json.dumps(document))
            change(copy)
            return copy

        self._refused(b"not json at all", "not valid JSON")
        self._refused(b'{"guides": []}', "not a guide file")
        self._refused(
            variant(lambda doc: doc.update(format_version=99)),
            "format_version: the file has format version 99",
        )
        self._refused(
            variant(lambda doc: doc.update(format_version="1")), "unknown format"
        )
        self._refused(b" " * (guide_file.MAX_BYTES + 1), "too large")
        self._refused(
            variant(lambda doc: doc["guides"][0].update(evil="x")),
            "guides[0].evil: unknown key",
        )
        self._refused(
            variant(lambda doc: doc["guides"][0]["stages"][0].update(rotting_days="7")),
            "guides[0].stages[0].rotting_days: wrong type",
        )
        self._refused(
            variant(
                lambda doc: doc["guides"][0]["stages"][0].update(
                    guidance={"en_US": "<p>Hi<script>alert(1)</script></p>"}
                )
            ),
            "guides[0].stages[0].guidance.en_US",
        )
        self._refused(
            variant(
                lambda doc: doc["guides"][0]["stages"][0].update(
                    guidance={"en_US": '<img src="x" onerror="alert(1)">'}
                )
            ),
            "HTML that is not allowed",
        )
        self._refused(
            variant(lambda doc: doc["guides"][0].update(res_model="res.partner")),
            "guides[0].res_model",
        )
        self._refused(
            variant(lambda doc: doc["guides"][0].update(res_model="project.task")),
            "not installed",
        )
        self._refused(
            variant(
                lambda doc: doc["guides"][0]["teams"][0].update(
                    xmlid="base.group_system"
                )
            ),
            "guides[0].teams[0].xmlid: base.group_system is a record of res.groups",
        )
        self._refused(
            variant(
                lambda doc: doc["guides"][0]["stages"][0]["steps"][0].update(
                    delay_unit="years"
                )
            ),
            "guides[0].stages[0].steps[0].delay_unit",
        )
        self._refused(
            variant(lambda doc: doc["guides"][0]["stages"][0].update(order_state="x")),
            "guides[0].stages[0].order_state",
        )
        self._refused(
            b'{"format": "crm_workflow_guide", "format_version": NaN}', "JSON"
        )

    def test_reference_to_unreadable_record_refused(self):
        other_company = self.env["res.company"].create({"name": "Hidden Co"})
        hidden_team = self.env["crm.team"].create(
            {"name": "Hidden Team", "company_id": other_company.id}
        )
        hidden_team._export_rows([["id"]])  # gives it an XML id
        xmlid = hidden_team.get_external_id()[hidden_team.id]
        document = self.guide._guide_export_data()
        document["guides"][0]["teams"] = [{"xmlid": xmlid, "name": "Hidden Team"}]
        self._refused(document, "you may not read")

    # ------------------------------------------------------------------
    # Update in place
    # ------------------------------------------------------------------

    def test_update_in_place_keeps_history(self):
        lead = self._create_opportunities(1)
        rows = self._rows(lead)
        self.assertEqual(rows.step_id, self.step_qualify | self.step_proposal)
        document = self.guide._guide_export_data()
        entry = document["guides"][0]
        lead_stage, meeting_stage, quote_stage = entry["stages"]
        # the used step "Qualify" leaves the file, the unused "Stakeholders"
        # too; the unused stage Quote leaves it; a step is added; texts change
        lead_stage["steps"] = lead_stage["steps"][1:]
        meeting_stage["steps"] = meeting_stage["steps"][:1] + [
            dict(meeting_stage["steps"][0], key="new-step", name={"en_US": "Demo"})
        ]
        meeting_stage["steps"][0]["responsible_type"] = "other"
        meeting_stage["steps"][0]["responsible"] = {"login": "guide_manager"}
        meeting_stage["guidance"] = {
            "en_US": "<p>Listen first</p>",
            "nl_NL": "<p>Eerst luisteren</p>",
        }
        entry["stages"] = [lead_stage, meeting_stage]
        entry["name"] = {"en_US": "Test Guide v2", "nl_NL": "Testgids v2"}
        wizard = self._wizard(document, user=self.manager)
        wizard.action_preview()
        self.assertEqual(wizard.existing_count, 1)
        wizard.on_existing = "update"
        wizard.action_import()
        self.assertEqual(wizard.guide_ids, self.guide)
        self.env.invalidate_all()
        guide = self.guide
        self.assertEqual(guide.name, "Test Guide v2")
        self.assertEqual(guide.with_context(lang="nl_NL").name, "Testgids v2")
        # the used step is archived, not deleted: the lead keeps its history
        self.assertTrue(self.step_qualify.exists())
        self.assertFalse(self.step_qualify.active)
        self.assertEqual(self._rows(lead), rows)
        # the unused step and stage are gone, as the designer deletes them
        self.assertFalse(self.step_stakeholders.exists())
        self.assertFalse(self.gs_quote.exists())
        self.assertEqual(guide.guide_stage_ids, self.gs_lead | self.gs_meeting)
        self.assertEqual(self.gs_meeting.step_ids.mapped("name"), ["Meet", "Demo"])
        self.assertEqual(self.step_meet.responsible_id, self.manager)
        self.assertIn(
            "Eerst luisteren", self.gs_meeting.with_context(lang="nl_NL").guidance
        )
        # importing the same file again changes nothing
        again = self._wizard(document, user=self.manager, on_existing="update")
        again.action_import()
        self.assertEqual(
            _without_keys(guide._guide_export_data(), ()),
            _without_keys(document, ()),
        )

    def test_update_archives_a_used_stage(self):
        self._create_opportunities(1, stage=self.stage_quote)
        document = self.guide._guide_export_data()
        document["guides"][0]["stages"].pop()
        self._import(document, user=self.manager, on_existing="update")
        self.assertTrue(self.gs_quote.exists())
        self.assertFalse(self.gs_quote.active)
        self.assertEqual(self.guide.guide_stage_ids, self.gs_lead | self.gs_meeting)

    def test_readme_example_imports(self):
        with file_open("crm_workflow_guide/readme/USAGE.md") as handle:
            text = handle.read()
        example = text.split("```json\n", 1)[1].split("```", 1)[0]
        wizard = self._wizard(example.encode(), user=self.manager)
        wizard.action_preview()
        stage_line = wizard.line_ids.filtered(lambda line: line.kind == "stage")
        self.assertEqual(stage_line.resolution, "xmlid")
        wizard.action_import()
        self.assertEqual(
            wizard.guide_ids.with_context(lang="nl_NL").name, "Nieuwe klant"
        )


@tagged("post_install", "-at_install")
class TestGuideTransferDocuments(TestGuideTransferCommon):
    """Guide files carry the stakeholders switch and a step's report."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.guide.use_stakeholders = True
        cls.report = cls.env.ref(
            "crm_workflow_guide.action_report_crm_lead_offer_letter"
        )
        cls.step_proposal.report_id = cls.report

    def test_report_and_stakeholders_round_trip(self):
        document = self.guide._guide_export_data()
        (entry,) = document["guides"]
        self.assertTrue(entry["use_stakeholders"])
        report_ref = entry["stages"][0]["steps"][1]["report"]
        self.assertEqual(
            report_ref["xmlid"],
            "crm_workflow_guide.action_report_crm_lead_offer_letter",
        )
        self.assertEqual(
            report_ref["report_name"], "crm_workflow_guide.report_crm_lead_offer_letter"
        )
        copy = self._import(document, user=self.designer)
        self.assertTrue(copy.use_stakeholders)
        letter = copy.guide_stage_ids[0].step_ids.filtered("report_id")
        self.assertEqual(letter.report_id, self.report)
        # by its technical name when the XML id is unknown
        report_ref.pop("xmlid")
        copy = self._import(document, user=self.designer)
        self.assertEqual(
            copy.guide_stage_ids[0].step_ids.filtered("report_id").report_id,
            self.report,
        )

    def test_unknown_report_refused(self):
        document = self.guide._guide_export_data()
        report_ref = document["guides"][0]["stages"][0]["steps"][1]["report"]
        report_ref.update(
            xmlid="other_module.report_unknown", report_name="other_module.unknown"
        )
        guides_before = self.env["crm.guide"].search_count([])
        wizard = self._wizard(document, user=self.designer)
        try:
            wizard.action_preview()
        except UserError as error:
            self.assertIn("guides[0].stages[0].steps[1].report", str(error))
            self.assertIn("other_module.report_unknown", str(error))
        else:
            self.fail("an unknown report is refused")
        self.assertEqual(self.env["crm.guide"].search_count([]), guides_before)
