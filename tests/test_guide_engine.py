# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged, users

from .common import GuideCommon


@tagged("post_install", "-at_install")
class TestGuideEngine(GuideCommon):
    # ------------------------------------------------------------------
    # which guide applies
    # ------------------------------------------------------------------

    @users("guide_salesman")
    def test_new_record_gets_team_guide(self):
        guided = self._create_opportunities(1, env=self.env)
        self.assertEqual(guided.guide_id, self.guide)
        self.assertEqual(guided.guide_stage_id, self.gs_lead)
        unguided = self.env["crm.lead"].create(
            {"name": "No guide", "type": "opportunity", "team_id": self.other_team.id}
        )
        self.assertFalse(unguided.guide_id)
        self.assertFalse(unguided.guide_record_step_ids)
        self.assertFalse(self._guide_activities(unguided))

    def test_first_guide_by_sequence(self):
        second = self.guide.copy({"name": "Second", "sequence": 0})
        lead = self._create_opportunities(1)
        self.assertEqual(lead.guide_id, second)

    @users("guide_salesman")
    def test_create_in_stage_schedules_auto_steps(self):
        lead = self._create_opportunities(1, env=self.env)
        rows = lead.guide_record_step_ids
        self.assertEqual(rows.step_id, self.step_qualify | self.step_proposal)
        qualify = rows.filtered(lambda r: r.step_id == self.step_qualify)
        proposal = rows - qualify
        activity = qualify.activity_id
        self.assertTrue(activity, "automatic step is planned at once")
        self.assertEqual(activity.activity_type_id, self.type_call)
        self.assertEqual(activity.summary, "Qualify")
        self.assertEqual(activity.user_id, self.salesman)
        self.assertEqual(
            activity.date_deadline, fields.Date.context_today(lead) + timedelta(days=2)
        )
        self.assertEqual(qualify.date_deadline, activity.date_deadline)
        self.assertFalse(proposal.activity_id, "suggested steps are not planned")
        self.assertEqual(len(self._guide_activities(lead)), 1)

    # ------------------------------------------------------------------
    # stage entry
    # ------------------------------------------------------------------

    @users("guide_salesman")
    def test_stage_entry_from_form(self):
        lead = self._create_opportunities(1, env=self.env)
        lead.guide_record_step_ids.filtered(
            lambda r: r.step_id == self.step_qualify
        ).action_done()
        with Form(lead) as form:
            form.stage_id = self.stage_meeting
        meet = self._rows(lead, self.step_meet)
        self.assertEqual(meet.activity_id.activity_type_id, self.type_meeting)
        self.assertEqual(lead.guide_stage_id, self.gs_meeting)

    def test_kanban_drop_many_records_as_salesman(self):
        """A kanban drop or list multi-edit is a plain write on many records."""
        leads = self._create_opportunities(5, stage=self.stage_meeting)
        self._rows(leads, self.step_meet).with_user(
            self.manager
        ).action_not_applicable()
        leads.with_user(self.salesman).write({"stage_id": self.stage_quote.id})
        activities = self._guide_activities(leads, self.type_call).filtered(
            lambda a: a.summary == "Follow up"
        )
        self.assertEqual(len(activities), 5)
        # team leader rule
        self.assertEqual(activities.user_id, self.manager)
        self.assertEqual(set(activities.mapped("res_id")), set(leads.ids))

    def test_two_automatic_steps_for_the_same_person(self):
        """Two activities for the same assignee and record in one batch: the
        assignee becomes a follower once (core would insert the follower twice)."""
        self.step_stakeholders.auto_schedule = True
        leads = self._create_opportunities(2)
        leads.message_unsubscribe(partner_ids=self.salesman.partner_id.ids)
        leads.with_user(self.manager).write({"stage_id": self.stage_meeting.id})
        self.assertEqual(len(self._guide_activities(leads, self.type_meeting)), 2)
        self.assertEqual(len(self._guide_activities(leads, self.type_todo)), 2)
        for lead in leads:
            self.assertIn(self.salesman.partner_id, lead.message_partner_ids)

    def test_one_notification_per_assignee(self):
        leads = self._create_opportunities(3)
        single = self._create_opportunities(1)
        Message = self.env["mail.message"]
        to_salesman = [("partner_ids", "in", self.salesman.partner_id.ids)]
        before = Message.search(to_salesman)
        leads.with_user(self.manager).write({"stage_id": self.stage_meeting.id})
        digest = Message.search(to_salesman) - before
        self.assertEqual(len(digest), 1, "one message for three planned activities")
        self.assertEqual(digest.subject, "3 activities planned for you")
        for lead in leads:
            self.assertIn(lead.name, digest.body)
        single.with_user(self.manager).write({"stage_id": self.stage_meeting.id})
        standard = Message.search(to_salesman) - before - digest
        self.assertEqual(len(standard), 1)
        self.assertIn("assigned to you", standard.subject)

    def test_reentering_never_duplicates(self):
        self.step_meet.is_required = False
        lead = self._create_opportunities(1)
        lead.write({"stage_id": self.stage_quote.id})
        lead.write({"stage_id": self.stage_lead.id})
        lead.write({"stage_id": self.stage_quote.id})
        lead.write({"stage_id": self.stage_lead.id})
        self.assertEqual(len(self._guide_activities(lead, self.type_call)), 2)
        self.assertEqual(len(self._rows(lead, self.step_qualify)), 1)
        self.assertEqual(len(self._rows(lead, self.step_follow)), 1)
        # a cancelled automatic activity is planned again on re-entry
        self._rows(lead, self.step_follow).activity_id.unlink()
        lead.write({"stage_id": self.stage_quote.id})
        self.assertTrue(self._rows(lead, self.step_follow).activity_id)
        # a done step is not planned again, and nothing stray is left
        self._rows(lead, self.step_follow).activity_id.action_done()
        activities = self._guide_activities(lead)
        lead.write({"stage_id": self.stage_lead.id})
        lead.write({"stage_id": self.stage_quote.id})
        self.assertEqual(self._rows(lead, self.step_follow).state, "done")
        self.assertFalse(self._rows(lead, self.step_follow).activity_id)
        self.assertEqual(self._guide_activities(lead), activities)

    def test_guide_stage_write_moves_the_record(self):
        lead = self._create_opportunities(1)
        lead.write({"guide_stage_id": str(self.gs_meeting.id)})
        self.assertEqual(lead.stage_id, self.stage_meeting)
        self.assertTrue(self._rows(lead, self.step_meet).activity_id)

    # ------------------------------------------------------------------
    # step tracking
    # ------------------------------------------------------------------

    @users("guide_salesman")
    def test_activity_done_anywhere_marks_step_done(self):
        lead = self._create_opportunities(1, env=self.env)
        row = lead.guide_record_step_ids.filtered(
            lambda r: r.step_id == self.step_qualify
        )
        activity = row.activity_id
        activity.action_feedback(feedback="Budget confirmed")
        self.assertEqual(row.state, "done")
        self.assertEqual(row.done_user_id, self.env.user)
        self.assertFalse(row.activity_id, "Odoo deleted the done activity")
        self.assertEqual(row.message_id.model, "crm.lead")
        self.assertEqual(row.message_id.res_id, lead.id)
        self.assertIn("Budget confirmed", row.message_id.body)
        self.assertEqual(lead.guide_progress, 20)  # 1 of 5 steps

    @users("guide_salesman")
    def test_not_applicable_and_reset(self):
        lead = self._create_opportunities(1, env=self.env)
        row = lead.guide_record_step_ids.filtered(
            lambda r: r.step_id == self.step_qualify
        )
        activity = row.activity_id
        row.action_not_applicable()
        self.assertEqual(row.state, "na")
        self.assertFalse(activity.exists(), "its open activity is cancelled")
        self.assertEqual(lead.guide_progress, 20)
        row.action_reset()
        self.assertEqual(row.state, "todo")
        self.assertEqual(lead.guide_progress, 0)

    @users("guide_salesman")
    def test_schedule_suggested_step_once(self):
        lead = self._create_opportunities(1, stage=self.stage_meeting, env=self.env)
        row = lead.guide_record_step_ids.filtered(
            lambda r: r.step_id == self.step_stakeholders
        )
        self.assertFalse(row.activity_id)
        row.action_schedule()
        row.action_schedule()
        self.assertEqual(row.activity_id.summary, "Stakeholders")
        self.assertEqual(len(self._guide_activities(lead, self.type_todo)), 1)

    @users("guide_salesman")
    def test_schedule_dialog_prefilled_from_the_step(self):
        lead = self._create_opportunities(1, stage=self.stage_meeting, env=self.env)
        row = lead.guide_record_step_ids.filtered(
            lambda r: r.step_id == self.step_stakeholders
        )
        action = row.action_schedule_dialog()
        with Form(
            self.env["mail.activity"].with_context(**action["context"]),
            view="mail.mail_activity_view_form_popup",
        ) as dialog:
            self.assertEqual(dialog.activity_type_id, self.type_todo)
            self.assertEqual(dialog.summary, "Stakeholders")
            self.assertEqual(
                dialog.date_deadline,
                fields.Date.context_today(lead) + timedelta(days=3),
            )
            self.assertEqual(dialog.user_id, self.salesman)
            dialog.summary = "List who decides"
        activity = dialog.record
        self.assertEqual(row.activity_id, activity)
        self.assertEqual(activity.summary, "List who decides")
        with self.assertRaisesRegex(UserError, "already planned"):
            row.action_schedule_dialog()
        # marking it done completes the step like any guide activity
        activity.action_done()
        self.assertEqual(row.state, "done")

    @users("guide_salesman")
    def test_document_done_when_sent_not_when_opened(self):
        lead = self._create_opportunities(1, env=self.env)
        lead.partner_id = self.env["res.partner"].create(
            {"name": "Buyer", "email": "buyer@example.com"}
        )
        row = lead.guide_record_step_ids.filtered(
            lambda r: r.step_id == self.step_proposal
        )
        action = row.action_send_document()
        composer_form = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        )
        self.assertEqual(
            row.state, "todo", "opening the composer does not complete the step"
        )
        composer = composer_form.save()
        self.assertEqual(row.state, "todo")
        result = composer.action_send_mail()
        self.assertEqual(row.state, "done")
        # the Lead stage has no suggested follow-up left and is not complete
        self.assertEqual(result, {"type": "ir.actions.act_window_close"})
        self.assertIn("Our proposal", row.message_id.subject)

    # ------------------------------------------------------------------
    # blocking
    # ------------------------------------------------------------------

    def _at_meeting(self, count=1):
        leads = self._create_opportunities(count, stage=self.stage_meeting)
        return leads

    @users("guide_salesman")
    def test_blocking_refuses_before_writing(self):
        leads = self._at_meeting(2).with_user(self.env.user)
        done_lead = leads[0]
        self._rows(done_lead, self.step_meet).with_user(self.env.user).action_done()
        activities_before = self._guide_activities(leads)
        try:
            leads.write({"stage_id": self.stage_quote.id, "expected_revenue": 999})
        except UserError as error:
            message = str(error)
        else:
            self.fail("a forward move with open required steps must be refused")
        self.assertIn(leads[1].name, message)
        self.assertIn("Meet", message)
        self.assertNotIn(f"{done_lead.name} (", message)
        # nothing was written, not even for the record that was ready
        self.env.invalidate_all()
        self.assertEqual(leads.mapped("stage_id"), self.stage_meeting)
        self.assertEqual(leads.mapped("expected_revenue"), [0.0, 0.0])
        self.assertEqual(self._guide_activities(leads), activities_before)
        self.assertFalse(self._rows(leads, self.step_follow))

    @users("guide_salesman")
    def test_blocking_lets_backward_won_and_lost_through(self):
        leads = self._at_meeting(3).with_user(self.env.user)
        leads[0].write({"stage_id": self.stage_lead.id})
        self.assertEqual(leads[0].stage_id, self.stage_lead)
        leads[1].action_set_won()
        self.assertEqual(leads[1].stage_id, self.stage_won)
        leads[2].action_set_lost()
        self.assertFalse(leads[2].active)

    @users("guide_salesman")
    def test_blocking_applies_to_pipeline_stages_outside_the_guide(self):
        before = (
            self.env["crm.stage"]
            .sudo()
            .create(
                {"name": "Outside before", "sequence": 101, "team_id": self.team.id}
            )
        )
        after = (
            self.env["crm.stage"]
            .sudo()
            .create({"name": "Outside after", "sequence": 105, "team_id": self.team.id})
        )
        leads = self._at_meeting(2).with_user(self.env.user)
        with self.assertRaisesRegex(UserError, "cannot move forward"):
            leads[0].write({"stage_id": after.id})
        leads[1].write({"stage_id": before.id})
        self.assertEqual(leads[1].stage_id, before)
        self.assertFalse(leads[1].guide_stage_id, "a stage outside the guide")

    @users("guide_salesman")
    def test_required_step_not_applicable_unblocks(self):
        lead = self._at_meeting().with_user(self.env.user)
        self._rows(lead, self.step_meet).with_user(
            self.env.user
        ).action_not_applicable()
        lead.action_guide_next_stage()
        self.assertEqual(lead.stage_id, self.stage_quote)
        other_team_lead = self._create_opportunities(1, team=self.other_team)
        with self.assertRaisesRegex(UserError, "no next guide stage"):
            other_team_lead.with_user(self.env.user).action_guide_next_stage()

    def test_next_stage_blocked_too(self):
        lead = self._at_meeting()
        with self.assertRaisesRegex(UserError, "cannot move forward"):
            lead.with_user(self.salesman).action_guide_next_stage()

    # ------------------------------------------------------------------
    # switching guides
    # ------------------------------------------------------------------

    @users("guide_salesman")
    def test_switch_guide(self):
        self.step_meet.sudo().is_required = False
        other_guide = self.guide.sudo().copy({"name": "Cross-sale", "sequence": 50})
        lead = self._create_opportunities(1, env=self.env)
        qualify = lead.guide_record_step_ids.filtered(
            lambda r: r.step_id == self.step_qualify
        )
        qualify.action_done()
        self.assertEqual(lead.guide_progress, 20)
        proposal = lead.guide_record_step_ids.filtered(
            lambda r: r.step_id == self.step_proposal
        )
        lead.write({"stage_id": self.stage_quote.id})
        follow_activity = self._rows(lead, self.step_follow).activity_id
        self.assertTrue(follow_activity)
        lead.with_context(tracking_disable=False).write({"guide_id": other_guide.id})
        # done steps stay, open ones of the old guide are cancelled
        self.assertEqual(qualify.exists().state, "done")
        self.assertFalse(proposal.exists())
        self.assertFalse(follow_activity.exists())
        # the new guide's automatic steps of the current stage are planned
        new_follow = other_guide.guide_stage_ids.step_ids.filtered(
            lambda s: s.name == "Follow up"
        )
        self.assertTrue(self._rows(lead, new_follow).activity_id)
        self.assertEqual(lead.guide_progress, 0)
        note = lead.message_ids.filtered(lambda m: "Guide changed" in (m.body or ""))
        self.assertTrue(note)
        self.assertIn("Follow up", note[0].body)

    @users("guide_salesman")
    def test_switch_to_a_guide_of_another_team_refused(self):
        other = self.guide.sudo().copy(
            {
                "name": "Other team guide",
                "team_ids": [(6, 0, self.other_team.ids)],
                "guide_stage_ids": False,
            }
        )
        lead = self._create_opportunities(1, env=self.env)
        with self.assertRaisesRegex(ValidationError, "cannot be followed"):
            lead.write({"guide_id": other.id})

    def test_merge_removes_the_steps_of_merged_records(self):
        leads = self._create_opportunities(2)
        merged_away = leads[1]
        rows = self._rows(merged_away)
        self.assertTrue(rows)
        leads.with_user(self.salesman).merge_opportunity()
        self.assertFalse(merged_away.exists())
        self.assertFalse(rows.exists())
        # the steps of what remains are still readable by the salesman
        Rows = self.env["crm.guide.record.step"].with_user(self.salesman)
        self.assertTrue(
            Rows.search([("res_id", "=", leads[0].id), ("res_model", "=", "crm.lead")])
        )

    def test_team_change_changes_guide(self):
        lead = self._create_opportunities(1)
        lead.write({"team_id": self.other_team.id, "stage_id": self.stage_won.id})
        self.assertFalse(lead.guide_id)
        self.assertFalse(self._rows(lead).filtered(lambda r: r.state == "todo"))

    # ------------------------------------------------------------------
    # rotting
    # ------------------------------------------------------------------

    def test_rotting_as_time_passes(self):
        fresh, old, won = self._create_opportunities(3)
        past = fields.Datetime.now() - timedelta(days=8)
        (old | won).sudo().write({"guide_date_last_move": past})
        won.action_set_won()
        won.sudo().write({"guide_date_last_move": past})
        self.assertFalse(fresh.guide_is_rotting)
        self.assertTrue(old.guide_is_rotting)
        self.assertFalse(won.guide_is_rotting, "a won opportunity does not rot")
        Lead = self.env["crm.lead"].with_user(self.salesman)
        rotting = Lead.search(
            [("guide_is_rotting", "=", True), ("id", "in", (fresh | old | won).ids)]
        )
        self.assertEqual(rotting, old)
        not_rotting = Lead.search(
            [("guide_is_rotting", "=", False), ("id", "in", (fresh | old | won).ids)]
        )
        self.assertEqual(not_rotting, fresh | won)
        # a guide activity done resets the clock
        self._rows(old, self.step_qualify).activity_id.action_done()
        old.invalidate_recordset()
        self.assertFalse(old.guide_is_rotting)

    def test_blocked_and_next_step(self):
        at_meeting = self._create_opportunities(2, stage=self.stage_meeting)
        at_lead = self._create_opportunities(1)
        leads = at_meeting | at_lead
        self.assertEqual(at_lead.guide_next_step_name, "Qualify")
        self.assertEqual(
            at_lead.guide_next_step_deadline,
            self._rows(at_lead, self.step_qualify).date_deadline,
        )
        self.assertEqual(at_meeting.mapped("guide_is_blocked"), [True, True])
        self.assertFalse(at_lead.guide_is_blocked, "the lead stage does not block")
        self._rows(at_meeting[0], self.step_meet).action_not_applicable()
        at_meeting.invalidate_recordset()
        self.assertEqual(at_meeting.mapped("guide_is_blocked"), [False, True])
        self.assertEqual(at_meeting[0].guide_next_step_name, "Stakeholders")
        Lead = self.env["crm.lead"].with_user(self.salesman)
        self.assertEqual(
            Lead.search([("guide_is_blocked", "=", True), ("id", "in", leads.ids)]),
            at_meeting[1],
        )
        self.assertEqual(
            Lead.search([("guide_is_blocked", "=", False), ("id", "in", leads.ids)]),
            at_meeting[0] | at_lead,
        )

    def test_progress_is_searchable(self):
        leads = self._create_opportunities(2)
        self._rows(leads[0], self.step_qualify).activity_id.action_done()
        found = self.env["crm.lead"].search(
            [("guide_progress", ">=", 20), ("id", "in", leads.ids)]
        )
        self.assertEqual(found, leads[0])
