# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged, users

from .common import GuideCommon


@tagged("post_install", "-at_install")
class TestGuideDocuments(GuideCommon):
    """A document step that creates a real document (the offer letter).

    Odoo renders reports as HTML while tests run (``_render_qweb_pdf`` falls
    back to ``_render_qweb_html`` when ``test_enable`` is set, whatever
    wkhtmltopdf's state), so these tests check the HTML rendering, the
    attachment and the step's logic; the PDF itself is not produced here."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.report = cls.env.ref(
            "crm_workflow_guide.action_report_crm_lead_offer_letter"
        )
        cls.type_document = cls.env.ref(
            "crm_workflow_guide.mail_activity_type_document"
        )
        cls.step_letter = cls.env["crm.guide.step"].create(
            {
                "guide_stage_id": cls.gs_lead.id,
                "sequence": 5,
                "name": "Offer letter",
                "kind": "document",
                "activity_type_id": cls.type_document.id,
                "report_id": cls.report.id,
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Letter Customer", "email": "letter@example.com", "lang": "en_US"}
        )

    def _lead(self):
        lead = self._create_opportunities(1, env=self.env)
        lead.write({"partner_id": self.customer.id, "expected_revenue": 12345})
        return lead

    def _letter_row(self, lead):
        return lead.guide_record_step_ids.filtered(
            lambda r: r.step_id == self.step_letter
        )

    def test_report_of_another_model_refused(self):
        other = self.env.ref(
            "crm_workflow_guide.action_report_crm_config_questionnaire"
        )
        with self.assertRaisesRegex(ValidationError, "choose a report of crm.lead"):
            self.step_letter.report_id = other
        with self.assertRaisesRegex(ValidationError, "only a document step"):
            self.step_qualify.report_id = self.report

    @users("guide_salesman")
    def test_create_attaches_the_report_and_completes_the_step(self):
        lead = self._lead()
        row = self._letter_row(lead)
        self.assertEqual(row.state, "todo")
        row.action_send_document()
        self.assertEqual(row.state, "done")
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
        )
        self.assertEqual(len(attachment), 1)
        # tests render HTML (see the class): the HTML rendering is attached
        self.assertEqual(attachment.name, f"Offer Letter - {lead.name}.html")
        html = attachment.raw.decode()
        self.assertIn("Offer Letter", html)
        self.assertIn("Letter Customer", html)
        self.assertIn("12,345", html)
        self.assertIn("G Lead", html, "the guide's stage")
        self.assertIn("Guide Salesman", html)
        # posted in the chatter, the step linked to the message
        self.assertEqual(row.message_id.attachment_ids, attachment)
        self.assertIn("Document created", str(row.message_id.body))
        with self.assertRaisesRegex(UserError, "not open"):
            row.action_send_document()

    @users("guide_salesman")
    def test_planned_document_done_through_its_activity(self):
        lead = self._lead()
        row = self._letter_row(lead)
        row.action_schedule()
        activity = row.activity_id
        self.assertTrue(activity)
        row.action_send_document()
        self.assertEqual(row.state, "done")
        self.assertFalse(activity.exists(), "the activity is done (and gone)")
        self.assertTrue(row.message_id.attachment_ids)
        self.assertEqual(row.message_id.mail_activity_type_id, self.type_document)

    def test_rendered_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env["ir.module.module"]._load_module_terms(
            ["crm_workflow_guide"], ["nl_NL"], overwrite=True
        )
        self.customer.lang = "nl_NL"
        lead = self._lead()
        row = self._letter_row(lead).with_user(self.salesman)
        attachment = row._guide_render_report(
            {"res_model": "crm.lead", "res_id": lead.id}
        )
        html = attachment.raw.decode()
        self.assertIn('lang="nl-NL"', html)
        self.assertIn("Offertebrief", html)
        self.assertIn("Verwachte omzet", html)
        self.assertEqual(attachment.name, f"Offertebrief - {lead.name}.html")

    def test_other_salesman_refused_nothing_written(self):
        lead = self._lead()
        lead.user_id = self.salesman
        row = self._letter_row(lead)
        refused = None
        try:
            row.with_user(self.other_salesman).action_send_document()
        except AccessError as error:
            refused = error
        self.assertTrue(refused, "another salesman's opportunity is not theirs")
        self.env.invalidate_all()
        self.assertEqual(row.state, "todo")
        self.assertFalse(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
            )
        )
        self.assertFalse(lead.message_ids.attachment_ids)

    @users("guide_salesman")
    def test_with_template_the_composer_has_the_report(self):
        self.step_proposal.sudo().report_id = self.report
        lead = self._lead()
        row = lead.guide_record_step_ids.filtered(
            lambda r: r.step_id == self.step_proposal
        )
        action = row.action_send_document()
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer_form = Form(
            self.env["mail.compose.message"].with_context(**action["context"])
        )
        names = [
            composer_form.attachment_ids[index].name
            for index in range(len(composer_form.attachment_ids))
        ]
        self.assertIn(f"Offer Letter - {lead.name}.html", names)
        composer = composer_form.save()
        self.assertEqual(row.state, "todo", "done when sent, not when opened")
        composer.action_send_mail()
        self.assertEqual(row.state, "done")
        self.assertIn(
            f"Offer Letter - {lead.name}.html",
            row.message_id.attachment_ids.mapped("name"),
        )

    def test_demo_offer_letter_of_the_existing_customer_guide(self):
        """The demo: Open Space Design follows the Existing Customer /
        Cross-sale guide, in Proposition, whose last document is the offer
        letter; its salesperson creates it."""
        lead = self.env.ref("crm.crm_case_26")
        demo_user = lead.user_id
        self.assertTrue(demo_user.has_group("sales_team.group_sale_salesman"))
        self.assertEqual(
            lead.guide_id, self.env.ref("crm_workflow_guide.crm_guide_cross_sale_demo")
        )
        self.assertTrue(lead.guide_id.use_stakeholders)
        row = lead.guide_record_step_ids.filtered(
            lambda r: r.step_id
            == self.env.ref("crm_workflow_guide.crm_guide_cross_step_offer_letter_demo")
        )
        self.assertEqual(row.state, "todo")
        panel = lead.with_user(demo_user).guide_get_panel_data()
        (entry,) = (doc for doc in panel["documents"] if doc["id"] == row.id)
        self.assertTrue(entry["can_send"])
        row.with_user(demo_user).action_send_document()
        self.assertEqual(row.state, "done")
        self.assertEqual(
            row.message_id.attachment_ids.name, f"Offer Letter - {lead.name}.html"
        )
