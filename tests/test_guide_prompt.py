# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import UserError
from odoo.tests import tagged, users

from odoo.addons.crm_workflow_guide.crm_guides.exceptions import GuideBlockedError

from .common import GuideCommon


@tagged("post_install", "-at_install")
class TestGuidePrompt(GuideCommon):
    def _prompt(self, action):
        self.assertIsInstance(action, dict, "a prompt is offered")
        self.assertEqual(action["res_model"], "crm.guide.prompt")
        return self.env["crm.guide.prompt"].browse(action["res_id"])

    @users("guide_salesman")
    def test_next_step_then_next_stage(self):
        lead = self._create_opportunities(1, stage=self.stage_meeting, env=self.env)
        meet = lead.guide_record_step_ids.filtered(
            lambda r: r.step_id == self.step_meet
        )
        prompt = self._prompt(meet.action_done())
        self.assertEqual(prompt.prompt_type, "next_step")
        self.assertEqual(prompt.record_step_id.step_id, self.step_stakeholders)
        self.assertIn("Stakeholders", prompt.message)
        prompt.action_schedule()
        stakeholders = prompt.record_step_id
        self.assertTrue(stakeholders.activity_id)
        # the stage is complete once its last step is done: offer the next stage
        stakeholders.activity_id.action_feedback()
        stage_prompt = self._prompt(
            self.env["crm.guide.record.step"].get_guide_prompt("crm.lead", lead.id)
        )
        self.assertEqual(stage_prompt.prompt_type, "next_stage")
        self.assertEqual(stage_prompt.next_guide_stage_id, self.gs_quote)
        stage_prompt.action_next_stage()
        self.assertEqual(lead.stage_id, self.stage_quote)

    @users("guide_salesman")
    def test_no_next_stage_prompt_without_auto_advance(self):
        self.guide.sudo().auto_advance = False
        lead = self._create_opportunities(1, stage=self.stage_meeting, env=self.env)
        rows = lead.guide_record_step_ids
        rows.filtered(
            lambda r: r.step_id == self.step_stakeholders
        ).action_not_applicable()
        result = rows.filtered(lambda r: r.step_id == self.step_meet).action_done()
        self.assertIs(result, True)

    @users("guide_salesman")
    def test_always_plan_next_step(self):
        lead = self._create_opportunities(1, stage=self.stage_meeting, env=self.env)
        meet = lead.guide_record_step_ids.filtered(
            lambda r: r.step_id == self.step_meet
        )
        prompt = self._prompt(meet.action_done())
        prompt.action_always_schedule()
        self.assertTrue(self.env.user.crm_guide_always_schedule_next)
        # from now on, completing a step by any way plans the next suggestion
        other = self._create_opportunities(1, stage=self.stage_meeting, env=self.env)
        self._rows(other, self.step_meet).with_env(
            self.env
        ).activity_id.action_feedback()
        self.assertTrue(self._rows(other, self.step_stakeholders).activity_id)

    def test_prompt_only_for_guided_records_the_user_may_edit(self):
        Rows = self.env["crm.guide.record.step"].with_user(self.salesman)
        partner = self.env["res.partner"].create({"name": "Not guided"})
        # crafted RPC arguments get a clear message, not a server error
        with self.assertRaisesRegex(UserError, "not a model that follows"):
            Rows.get_guide_prompt("res.partner", partner.id)
        with self.assertRaisesRegex(UserError, "not a model that follows"):
            Rows.get_guide_prompt("no.such.model", 1)
        with self.assertRaisesRegex(UserError, "not valid record ids"):
            Rows.get_guide_prompt("crm.lead", [1, 2])
        with self.assertRaisesRegex(UserError, "not valid record ids"):
            Rows.get_guide_prompt("crm.lead", "1")
        theirs = self._create_opportunities(
            1, stage=self.stage_meeting, user=self.other_salesman
        )
        self._rows(theirs, self.step_meet).activity_id.action_done()
        self.assertFalse(Rows.get_guide_prompt("crm.lead", theirs.id))
        self.assertTrue(
            Rows.with_user(self.other_salesman).get_guide_prompt("crm.lead", theirs.id)
        )

    def test_refused_move_opens_the_missing_steps(self):
        leads = self._create_opportunities(2, stage=self.stage_meeting)
        try:
            leads.with_user(self.salesman).write({"stage_id": self.stage_quote.id})
        except GuideBlockedError as error:
            message, action, button_text, _context = error.args
        else:
            self.fail("the move must be refused")
        self.assertIn("cannot move forward", message)
        self.assertEqual(button_text, "Open the missing steps")
        missing = self._open_missing(action)
        self.assertEqual(missing, self._rows(leads, self.step_meet))
        missing.action_not_applicable()
        leads.with_user(self.salesman).write({"stage_id": self.stage_quote.id})
        self.assertEqual(leads.stage_id, self.stage_quote)

    def _open_missing(self, action):
        """Run the refusal's button as the salesman: the rows it lists."""
        self.assertEqual(action["type"], "ir.actions.server")
        window = (
            self.env["ir.actions.server"]
            .browse(action["id"])
            .with_user(self.salesman)
            .with_context(**action["context"])
            .run()
        )
        return (
            self.env["crm.guide.record.step"]
            .with_user(self.salesman)
            .search(window["domain"])
        )

    def test_missing_steps_of_a_stage_never_entered(self):
        lead = self._create_opportunities(1)
        self._rows(lead, self.step_qualify).activity_id.action_done()
        self.assertFalse(self._rows(lead, self.step_meet))
        try:
            lead.with_user(self.salesman).write({"stage_id": self.stage_quote.id})
        except GuideBlockedError as error:
            self.assertIn("Meet", error.args[0])
            action = error.args[1]
        else:
            self.fail("jumping over a blocking stage never entered must be refused")
        # the button gives the stage's required step a row to close
        missing = self._open_missing(action)
        self.assertEqual(missing.step_id, self.step_meet)
        missing.action_not_applicable()
        lead.with_user(self.salesman).write({"stage_id": self.stage_quote.id})
        self.assertEqual(lead.stage_id, self.stage_quote)

    @users("guide_salesman")
    def test_after_the_last_stage_offer_won(self):
        # set up past the blocking stage (a salesman could not create it there)
        lead = self._create_opportunities(
            1, stage=self.stage_quote, env=self.env(su=True)
        ).with_env(self.env)
        follow = self._rows(lead, self.step_follow).with_env(self.env)
        prompt = self._prompt(follow.action_done())
        self.assertEqual(prompt.prompt_type, "finish")
        self.assertIn("mark it as won", prompt.message)
        action = prompt.action_finish()
        self.assertEqual(lead.stage_id, self.stage_won)
        self.assertEqual(lead.probability, 100)
        self.assertIsInstance(action, dict)
        # a won opportunity is closed: nothing more to offer
        self.assertFalse(
            self.env["crm.guide.record.step"].get_guide_prompt("crm.lead", lead.id)
        )

    @users("guide_salesman")
    def test_next_stage_after_the_last_marks_won(self):
        leads = self._create_opportunities(
            2, stage=self.stage_quote, env=self.env(su=True)
        ).with_env(self.env)
        leads.action_guide_next_stage()
        self.assertEqual(leads.stage_id, self.stage_won)
