# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import SALESMAN, GuideCommon


class TestGuideChoice(GuideCommon):
    """The type of sale is chosen when the sale starts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.second = cls.guide.copy({"name": "Existing Customer", "sequence": 5})
        cls.Lead = cls.env["crm.lead"].with_user(cls.salesman)

    def _vals(self, **more):
        return {
            "name": "Choice",
            "type": "opportunity",
            "team_id": self.team.id,
            "user_id": self.salesman.id,
            "stage_id": self.stage_lead.id,
            **more,
        }

    def _count(self):
        return self.env["crm.lead"].search_count([("name", "=", "Choice")])

    def test_default_is_the_first_guide_of_the_team(self):
        lead = self.Lead.create(self._vals())
        self.assertEqual(lead.guide_id, self.guide)

    def test_choosing_the_guide_costs_no_query_per_record(self):
        """As the salesman (tracking on): a batch created with an explicit
        guide grows by as many queries per record as the same batch letting
        the rule choose; the chosen guide is checked once for the batch (it
        exists, it is active, its layout), a fixed number of queries."""
        Lead = self.Lead.with_context(tracking_disable=False)

        def queries(count, guide=None):
            extra = {"guide_id": guide.id} if guide else {}
            vals_list = [self._vals(**extra) for __ in range(count)]
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            Lead.create(vals_list)
            self.env.flush_all()
            return self.cr.sql_log_count - before

        queries(5)  # warm-up
        rule_10, rule_20 = queries(10), queries(20)
        chosen_10, chosen_20 = queries(10, self.guide), queries(20, self.guide)
        self.assertLessEqual(chosen_20 - chosen_10, rule_20 - rule_10)
        self.assertLessEqual(chosen_10, rule_10 + 6)

    def test_chosen_guide_is_followed_from_the_start(self):
        lead = self.Lead.create(self._vals(guide_id=self.second.id))
        self.assertEqual(lead.guide_id, self.second)
        self.assertEqual(lead.guide_stage_id.guide_id, self.second)
        rows = self._rows(lead)
        self.assertEqual(rows.guide_id, self.second)
        # its first stage's automatic step is planned, not the first guide's
        self.assertEqual(
            self._guide_activities(lead).mapped("summary"),
            self.second.guide_stage_ids[0]
            .step_ids.filtered("auto_schedule")
            .mapped("summary"),
        )

    def test_the_choice_is_offered_in_the_forms(self):
        for view in ("crm.crm_lead_view_form", "crm.quick_create_opportunity_form"):
            form = Form(
                self.Lead.with_context(
                    default_type="opportunity", default_team_id=self.team.id
                ),
                view=view,
            )
            form.name = "Choice"
            self.assertEqual(form.guide_id, self.guide)
            form.guide_id = self.second
            lead = form.save()
            self.assertEqual(lead.guide_id, self.second)

    def test_guides_of_another_team_company_or_model_are_refused(self):
        other_team_guide = self.env["crm.guide"].create(
            {"name": "Other team", "team_ids": [(6, 0, self.other_team.ids)]}
        )
        other_company = self.env["res.company"].create({"name": "Other Co"})
        other_company_guide = self.env["crm.guide"].create(
            {"name": "Other company", "company_id": other_company.id}
        )
        quotation_guide = self.env["crm.guide"].create(
            {"name": "Quotes", "res_model": "sale.order"}
        )
        for guide in (other_team_guide, other_company_guide, quotation_guide):
            with self.assertRaises(ValidationError) as caught:
                self.Lead.create(self._vals(guide_id=guide.id))
            self.assertIn(guide.name, str(caught.exception))
            self.assertEqual(self._count(), 0)

    def test_archived_guide_is_refused(self):
        self.second.active = False
        with self.assertRaises(UserError) as caught:
            self.Lead.create(self._vals(guide_id=self.second.id))
        self.assertIn("archived", str(caught.exception))
        self.assertEqual(self._count(), 0)
        # nor can a record switch to it
        lead = self.Lead.create(self._vals())
        with self.assertRaises(UserError):
            lead.write({"guide_id": self.second.id})
        self.assertEqual(lead.guide_id, self.guide)

    def test_conversion_wizard_gives_the_chosen_guide(self):
        lead = self.Lead.create(self._vals(type="lead", name="Choice"))
        wizard = (
            self.env["crm.lead2opportunity.partner"]
            .with_user(self.salesman)
            .with_context(
                active_model="crm.lead", active_id=lead.id, active_ids=lead.ids
            )
            .create({"name": "convert", "action": "nothing"})
        )
        self.assertEqual(wizard.team_id, self.team)
        self.assertEqual(wizard.guide_id, self.guide, "the team's first guide")
        wizard.guide_id = self.second
        wizard.action_apply()
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.guide_id, self.second)
        self.assertEqual(self._rows(lead).filtered("activity_id").guide_id, self.second)

    def test_conversion_wizard_refuses_a_guide_of_another_team(self):
        other_team_guide = self.env["crm.guide"].create(
            {"name": "Other team", "team_ids": [(6, 0, self.other_team.ids)]}
        )
        lead = self.Lead.create(self._vals(type="lead"))
        Wizard = (
            self.env["crm.lead2opportunity.partner"]
            .with_user(self.salesman)
            .with_context(
                active_model="crm.lead", active_id=lead.id, active_ids=lead.ids
            )
        )
        with self.assertRaises(ValidationError):
            Wizard.create(
                {
                    "name": "convert",
                    "action": "nothing",
                    "guide_id": other_team_guide.id,
                }
            )
        self.assertEqual(lead.type, "lead")
        self.assertEqual(lead.guide_id, self.guide)


class TestExpectedDuration(GuideCommon):
    """The guide's expected duration sets an empty expected closing date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.guide.expected_duration_days = 30
        cls.short = cls.guide.copy(
            {"name": "Short", "sequence": 9, "expected_duration_days": 10}
        )
        cls.today = fields.Date.context_today(cls.env["crm.lead"])

    def test_empty_date_is_set_from_the_duration(self):
        leads = self._create_opportunities(2, env=self.env(user=self.salesman))
        self.assertEqual(
            set(leads.mapped("date_deadline")), {self.today + timedelta(days=30)}
        )

    def test_the_reps_date_is_never_changed(self):
        mine = self.today + timedelta(days=3)
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "Dated",
                    "type": "opportunity",
                    "team_id": self.team.id,
                    "stage_id": self.stage_lead.id,
                    "date_deadline": mine,
                }
            )
        )
        self.assertEqual(lead.date_deadline, mine)
        self.manager_switch(lead, self.short)
        self.assertEqual(lead.date_deadline, mine)

    def manager_switch(self, lead, guide):
        lead.with_user(self.manager).write({"guide_id": guide.id})
        self.assertEqual(lead.guide_id, guide)

    def test_a_record_starting_a_guide_later_gets_the_date(self):
        lead = self._create_opportunities(1, team=self.other_team)
        self.assertFalse(lead.guide_id)
        self.assertFalse(lead.date_deadline)
        lead.with_user(self.manager).write({"team_id": self.team.id})
        self.assertEqual(lead.guide_id, self.guide)
        self.assertEqual(lead.date_deadline, self.today + timedelta(days=30))

    def test_no_duration_no_date(self):
        self.guide.expected_duration_days = 0
        lead = self._create_opportunities(1)
        self.assertFalse(lead.date_deadline)

    def test_negative_or_absurd_duration_refused(self):
        for days in (-1, 10**9):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                self.guide.write({"expected_duration_days": days})
        self.guide.invalidate_recordset(flush=False)
        self.assertEqual(self.guide.expected_duration_days, 30)


class TestChainedSteps(GuideCommon):
    """A step may wait for the previous step of its stage."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Meeting: Meet (automatic) > Stakeholders (suggested) > Recap, which
        # waits for Stakeholders and is due two days after it
        cls.recap = cls.env["crm.guide.step"].create(
            {
                "guide_stage_id": cls.gs_meeting.id,
                "sequence": 3,
                "name": "Recap",
                "activity_type_id": cls.type_todo.id,
                "delay_count": 2,
                "wait_previous": True,
                "auto_schedule": True,
            }
        )
        cls.today = fields.Date.context_today(cls.env["crm.lead"])

    def _enter_meeting(self, count=1):
        leads = self._create_opportunities(count)
        leads.write({"stage_id": self.stage_meeting.id})
        return leads.with_user(self.salesman)

    def test_chained_step_waits_then_is_planned(self):
        self.assertEqual(self.recap.delay_from, "previous_step")
        lead = self._enter_meeting()
        recap_row = self._rows(lead, self.recap)
        self.assertEqual(recap_row.state, "todo")
        self.assertFalse(recap_row.activity_id, "not planned before its previous step")
        self.assertFalse(recap_row.date_deadline)
        panel = lead.guide_get_panel_data()
        recap_line = next(s for s in panel["followups"] if s["name"] == "Recap")
        self.assertTrue(recap_line["is_waiting"])
        self.assertIn("Stakeholders", recap_line["due_rule"])
        # the previous step set aside: the recap is planned, due two days later
        self._rows(lead, self.step_stakeholders).with_user(
            self.salesman
        ).action_not_applicable()
        recap_row.invalidate_recordset()
        self.assertTrue(recap_row.activity_id)
        self.assertEqual(recap_row.date_deadline, self.today + timedelta(days=2))
        self.assertEqual(
            recap_row.activity_id.date_deadline, self.today + timedelta(days=2)
        )
        self.assertEqual(recap_row.activity_id.user_id, self.salesman)

    def test_suggested_chained_step_is_offered_with_its_due_date(self):
        self.recap.auto_schedule = False
        lead = self._enter_meeting()
        stakeholders = self._rows(lead, self.step_stakeholders).with_user(self.salesman)
        stakeholders.action_schedule()
        # the stakeholders step is planned, the recap still waits: not offered
        self.assertFalse(lead._guide_next_suggested_rows())
        stakeholders.activity_id.action_feedback()
        recap_row = self._rows(lead, self.recap)
        self.assertFalse(recap_row.activity_id, "suggested: offered, not planned")
        self.assertEqual(recap_row.date_deadline, self.today + timedelta(days=2))
        self.assertEqual(lead._guide_next_suggested_rows()[lead.id], recap_row)
        # planned later, it keeps the due date its previous step gave it
        recap_row.date_deadline = self.today + timedelta(days=5)
        recap_row.with_user(self.salesman).action_schedule()
        self.assertEqual(
            recap_row.activity_id.date_deadline, self.today + timedelta(days=5)
        )

    def test_first_step_of_a_stage_counts_from_the_stage_entry(self):
        self.step_meet.write({"wait_previous": True, "delay_count": 1})
        lead = self._enter_meeting()
        meet = self._rows(lead, self.step_meet)
        self.assertTrue(meet.activity_id, "the first step is planned on entry")
        self.assertEqual(meet.date_deadline, self.today + timedelta(days=1))

    def test_chain_in_a_batch(self):
        leads = self._enter_meeting(3)
        self._rows(leads, self.step_stakeholders).with_user(
            self.manager
        ).action_not_applicable()
        rows = self._rows(leads, self.recap)
        self.assertEqual(len(rows.activity_id), 3)

    def test_words_match_the_engine(self):
        self.assertIn("Planned when Stakeholders is done", self.recap.due_rule)
        self.recap.auto_schedule = False
        self.assertIn("Offered when Stakeholders is done", self.recap.due_rule)
        self.assertIn("after the salesperson plans it", self.step_stakeholders.due_rule)
        self.assertIn("enters the stage", self.step_meet.due_rule)
        self.assertIn("Offered when Stakeholders", self.guide.preview_html)

    def test_only_guide_steps_can_wait_for_the_previous_step(self):
        plan = self.env["mail.activity.plan"].create(
            {"name": "Plain plan", "res_model": "crm.lead"}
        )
        with self.assertRaises(ValidationError):
            self.env["mail.activity.plan.template"].create(
                {
                    "plan_id": plan.id,
                    "activity_type_id": self.type_todo.id,
                    "summary": "Plain",
                    "delay_from": "previous_step",
                }
            )

    def test_chained_step_adds_one_query_at_most_to_marking_done(self):
        """Marking the previous step's activity done, as the salesman, with
        tracking on: with the next step chained (offered: its due date set)
        at most one query more than with a step that does not wait."""
        self.recap.auto_schedule = False
        leads = self._enter_meeting(3).with_context(tracking_disable=False)
        stakeholders = self._rows(leads, self.step_stakeholders).with_user(
            self.salesman
        )
        for row in stakeholders:
            row.action_schedule()
        activities = [row.activity_id.with_user(self.salesman) for row in stakeholders]
        self.env.flush_all()
        self.env.invalidate_all()
        # warm-up
        activities[0].action_feedback()
        self.env.flush_all()

        def count(activity):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            activity.action_feedback()
            self.env.flush_all()
            return self.cr.sql_log_count - before

        chained = count(activities[1])
        self.recap.wait_previous = False
        self.env.flush_all()
        self.guide._guide_prefetch_layout()
        plain = count(activities[2])
        self.assertLessEqual(chained, plain + 1)
        self.assertTrue(self._rows(leads[1], self.recap).date_deadline)
        self.assertFalse(self._rows(leads[2], self.recap).date_deadline)


@tagged("post_install", "-at_install")
class TestSaleTypeTour(HttpCase):
    """The demo cross-sale in a browser, as a salesman."""

    def test_sale_type_tour(self):
        salesman = new_test_user(
            self.env,
            login="sale_type_salesman",
            password="sale_type_salesman_pwd",
            groups=f"{SALESMAN},base.group_user",
            name="Sale Type Salesman",
        )
        team = self.env.ref("sales_team.team_sales_department")
        team.member_ids = [(4, salesman.id)]
        salesman.sale_team_id = team
        self.start_tour(
            "/odoo/action-crm.crm_lead_action_pipeline",
            "crm_workflow_guide_sale_type_tour",
            login="sale_type_salesman",
        )
        lead = self.env["crm.lead"].search([("name", "=", "Tour cross-sale")])
        cross = self.env.ref("crm_workflow_guide.crm_guide_cross_sale_demo")
        self.assertEqual(lead.guide_id, cross)
        today = fields.Date.context_today(lead)
        self.assertEqual(
            lead.date_deadline, today + timedelta(days=cross.expected_duration_days)
        )
        needs = lead.guide_record_step_ids.filtered(
            lambda r: r.step_id
            == self.env.ref("crm_workflow_guide.crm_guide_cross_step_needs_demo")
        )
        self.assertEqual(needs.activity_id.date_deadline, today + timedelta(days=2))
        letter = lead.guide_record_step_ids.filtered(
            lambda r: r.step_id
            == self.env.ref("crm_workflow_guide.crm_guide_cross_step_offer_letter_demo")
        )
        self.assertEqual(letter.state, "done")
        # no wkhtmltopdf in tests: Odoo renders the HTML, attached to the record
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
        )
        self.assertTrue(attachment)
        self.assertTrue(
            any(name.startswith("Offer Letter") for name in attachment.mapped("name"))
        )
