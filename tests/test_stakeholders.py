# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged, users

from .common import GuideCommon


@tagged("post_install", "-at_install")
class TestStakeholders(GuideCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.guide.use_stakeholders = True
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "Stake Corp", "is_company": True})
        cls.alice, cls.bob = Partner.create(
            [
                {"name": "Alice Decider", "parent_id": cls.customer.id},
                {"name": "Bob User", "parent_id": cls.customer.id},
            ]
        )
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})
        cls.foreign = Partner.create(
            {"name": "Foreign Contact", "company_id": cls.other_company.id}
        )

    def _lead(self, user=None):
        lead = self._create_opportunities(1, user=user)
        lead.partner_id = self.customer
        return lead

    def _refused(self, attempt, exception):
        """Call ``attempt`` outside any savepoint (the test then checks the
        database): it must raise ``exception``."""
        try:
            attempt()
        except exception as error:
            return error
        self.fail(f"{exception.__name__} expected")

    def _stakeholders(self, lead):
        self.env.invalidate_all()
        return (
            self.env["crm.lead.stakeholder"].sudo().search([("lead_id", "=", lead.id)])
        )

    @users("guide_salesman")
    def test_salesman_edits_stakeholders_of_own_opportunity(self):
        lead = self._lead(self.salesman).with_env(self.env)
        self.assertTrue(lead.guide_use_stakeholders)
        with Form(lead) as form:
            with form.stakeholder_ids.new() as line:
                line.partner_id = self.alice
                line.role = "decision_maker"
                line.note = "Signs above 10k"
        self.assertEqual(lead.stakeholder_ids.partner_id, self.alice)
        lead.stakeholder_ids.role = "influencer"
        # searchable: opportunities where Alice is a stakeholder
        found = self.env["crm.lead"].search(
            [("stakeholder_ids.partner_id", "ilike", "Alice Decider")]
        )
        self.assertEqual(found, lead)
        # the contact's smart button
        alice = self.alice.with_env(self.env)
        self.assertEqual(alice.stakeholder_lead_count, 1)
        action = alice.action_open_stakeholder_leads()
        self.assertEqual(self.env["crm.lead"].search(action["domain"]), lead)
        lead.stakeholder_ids.unlink()
        self.assertFalse(self._stakeholders(lead))

    def test_other_salesman_refused_nothing_written(self):
        lead = self._lead(self.salesman)
        lead.stakeholder_ids = [(0, 0, {"partner_id": self.alice.id})]
        Stakeholder = self.env["crm.lead.stakeholder"].with_user(self.other_salesman)
        # reading: not their opportunity (record rules)
        self.assertFalse(Stakeholder.search([("lead_id", "=", lead.id)]))
        for attempt in (
            lambda: Stakeholder.create({"lead_id": lead.id, "partner_id": self.bob.id}),
            lambda: lead.stakeholder_ids.with_user(self.other_salesman).write(
                {"note": "mine"}
            ),
            lambda: lead.stakeholder_ids.with_user(self.other_salesman).unlink(),
        ):
            self._refused(attempt, AccessError)
        stakeholders = self._stakeholders(lead)
        self.assertEqual(stakeholders.partner_id, self.alice)
        self.assertFalse(stakeholders.note)

    def test_readable_but_not_writable_opportunity(self):
        # an opportunity of nobody is readable by salesmen: readable, but a
        # salesman who may not write it (here: a read-only rule) cannot edit
        lead = self._lead(self.salesman)
        lead.stakeholder_ids = [(0, 0, {"partner_id": self.alice.id})]
        self.env["ir.rule"].create(
            {
                "name": "No writing this lead",
                "model_id": self.env.ref("crm.model_crm_lead").id,
                "domain_force": f"[('id', '!=', {lead.id})]",
                "perm_read": False,
                "perm_create": False,
                "perm_unlink": False,
            }
        )
        stakeholder = lead.stakeholder_ids.with_user(self.salesman)
        self.assertEqual(stakeholder.partner_id, self.alice)
        self._refused(lambda: stakeholder.write({"note": "changed"}), AccessError)
        self.assertFalse(self._stakeholders(lead).note)

    @users("guide_salesman")
    def test_contact_of_another_company_refused(self):
        lead = self._lead(self.salesman).with_env(self.env)
        try:
            self.env["crm.lead.stakeholder"].create(
                {"lead_id": lead.id, "partner_id": self.foreign.id}
            )
        except ValidationError as error:
            self.assertIn("belongs to another company", str(error))
        else:
            self.fail("a contact of another company is refused")
        self.assertFalse(self._stakeholders(lead))

    @users("guide_salesman")
    def test_batch_creation_query_bounded(self):
        leads = self._create_opportunities(20, user=self.salesman, env=self.env)
        partners = (
            self.env["res.partner"]
            .sudo()
            .create([{"name": f"Person {i}"} for i in range(3)])
        )
        vals = [
            {"lead_id": lead.id, "partner_id": partner.id, "role": "user"}
            for lead in leads
            for partner in partners
        ]
        self.env.invalidate_all()
        with self.assertQueryCount(30):
            created = self.env["crm.lead.stakeholder"].create(vals)
            created.flush_recordset()
        self.assertEqual(len(created), 60)

    def test_merge_opportunities_keeps_stakeholders(self):
        first, second = self._lead(self.salesman), self._lead(self.salesman)
        first.stakeholder_ids = [(0, 0, {"partner_id": self.alice.id, "note": "first"})]
        second.stakeholder_ids = [
            (0, 0, {"partner_id": self.alice.id, "note": "second"}),
            (0, 0, {"partner_id": self.bob.id}),
        ]
        merged = (
            (first | second)
            .with_user(self.salesman)
            .merge_opportunity(auto_unlink=True)
        )
        self.assertEqual(
            sorted(merged.stakeholder_ids.partner_id.ids),
            sorted((self.alice | self.bob).ids),
        )
        self.assertEqual(len(merged.stakeholder_ids), 2)

    def test_merge_contacts_keeps_stakeholders(self):
        lead, other = self._lead(self.salesman), self._lead(self.salesman)
        duplicate = self.env["res.partner"].create({"name": "Alice Duplicate"})
        lead.stakeholder_ids = [
            (0, 0, {"partner_id": self.alice.id}),
            (0, 0, {"partner_id": duplicate.id}),
        ]
        other.stakeholder_ids = [(0, 0, {"partner_id": duplicate.id, "note": "keep"})]
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((self.alice | duplicate).ids, self.alice)
        self.assertEqual(lead.stakeholder_ids.partner_id, self.alice)
        self.assertEqual(other.stakeholder_ids.partner_id, self.alice)
        self.assertEqual(other.stakeholder_ids.note, "keep")

    def test_meeting_from_a_step_invites_the_stakeholders(self):
        lead = self._lead(self.salesman)
        lead.stakeholder_ids = [
            (0, 0, {"partner_id": self.alice.id}),
            (0, 0, {"partner_id": self.bob.id}),
        ]
        lead.stage_id = self.stage_meeting
        row = lead.guide_record_step_ids.filtered(
            lambda r: r.step_id == self.step_stakeholders
        )
        row.step_id.activity_type_id = self.type_meeting
        row = row.with_user(self.salesman)
        action = row.action_schedule_dialog()
        self.assertEqual(action["context"]["crm_workflow_guide_stakeholder_count"], 2)
        Activity = self.env["mail.activity"].with_user(self.salesman)
        with Form(
            Activity.with_context(**action["context"]),
            view="mail.mail_activity_view_form_popup",
        ) as dialog:
            self.assertEqual(dialog.activity_type_id, self.type_meeting)
        activity = dialog.record
        self.assertEqual(row.activity_id, activity)
        # the rep did not ask: only the assignee
        plain = activity.action_create_calendar_event()
        self.assertEqual(
            plain["context"]["default_partner_ids"], self.salesman.partner_id.ids
        )
        invited = activity.with_context(
            crm_workflow_guide_invite_stakeholders=True
        ).action_create_calendar_event()
        event = (
            self.env["calendar.event"]
            .with_user(self.salesman)
            .with_context(**invited["context"])
            .create(
                {
                    "name": "Meeting",
                    "start": "2030-01-01 10:00:00",
                    "stop": "2030-01-01 11:00:00",
                }
            )
        )
        self.assertEqual(
            event.partner_ids, self.salesman.partner_id | self.alice | self.bob
        )
