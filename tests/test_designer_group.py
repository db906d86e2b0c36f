# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from contextlib import contextmanager

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, users
from odoo.tools import mute_logger

from .common import GuideCommon


class TestDesignerGroup(GuideCommon):
    """The Guide Designer group alone (not Sales Administrator) designs whole
    guides, and a step is never due before its stage is entered, however it
    is created."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.designer = new_test_user(
            cls.env,
            login="guide_designer_only",
            groups="crm_workflow_guide.crm_workflow_guide_group_designer",
            name="Designer Only",
        )
        # a plan of Odoo's own, not a guide's
        cls.lead_plan = cls.env["mail.activity.plan"].create(
            {
                "name": "Onboarding plan",
                "res_model": "crm.lead",
                "template_ids": [
                    (0, 0, {"activity_type_id": cls.type_todo.id, "summary": "Hi"})
                ],
            }
        )

    @contextmanager
    def _refused_too_early(self):
        # assertRaises (not assertRaisesRegex) rolls the refused write back
        with self.assertRaises(ValidationError) as refusal:
            yield
        self.assertIn("on or after", str(refusal.exception))

    def _counts(self):
        return (
            self.env["crm.guide"].search_count([]),
            self.env["crm.guide.stage"].search_count([]),
            self.env["crm.guide.step"].with_context(active_test=False).search_count([]),
            self.env["mail.activity.plan.template"].search_count([]),
        )

    def test_designer_is_not_a_sales_administrator(self):
        self.assertFalse(self.designer.has_group("sales_team.group_sale_manager"))
        self.assertTrue(
            self.designer.has_group(
                "crm_workflow_guide.crm_workflow_guide_group_designer"
            )
        )

    @users("guide_designer_only")
    def test_designer_designs_a_whole_guide(self):
        guide = self.env["crm.guide"].create(
            {
                "name": "Designed",
                "team_ids": [(6, 0, self.team.ids)],
                "guide_stage_ids": [
                    (
                        0,
                        0,
                        {
                            "stage_id": self.stage_lead.id,
                            "step_ids": [
                                (
                                    0,
                                    0,
                                    {
                                        "name": "Call",
                                        "activity_type_id": self.type_call.id,
                                        "delay_count": 2,
                                        "auto_schedule": True,
                                    },
                                )
                            ],
                        },
                    )
                ],
            }
        )
        stage = guide.guide_stage_ids
        # a stage and its steps through the designer's own forms
        with Form(stage) as stage_form:
            with stage_form.step_ids.new() as line:
                line.name = "Send the proposal"
                line.kind = "document"
                line.activity_type_id = self.type_proposal
                line.delay_count = 3
        Step = self.env["crm.guide.step"].with_context(default_guide_stage_id=stage.id)
        with Form(Step) as step_form:
            step_form.name = "Book a meeting"
            step_form.activity_type_id = self.type_meeting
            step_form.delay_count = 1
        step = step_form.save()
        self.assertEqual(
            stage.step_ids.mapped("name"),
            ["Call", "Send the proposal", "Book a meeting"],
        )
        self.assertEqual(stage.step_ids.mapped("delay_count"), [2, 3, 1])
        # change, archive and delete steps no record went through
        step.write({"delay_count": 5, "summary": "Meet them"})
        self.assertEqual(step.template_id.delay_count, 5)
        stage.step_ids[0].active = False
        step.unlink()
        self.assertFalse(step.exists())
        self.assertEqual(stage.step_ids.mapped("name"), ["Send the proposal"])

    @users("guide_designer_only")
    @mute_logger("odoo.models")
    def test_designer_cannot_edit_other_plans(self):
        template = self.lead_plan.template_ids.with_env(self.env)
        with self.assertRaises(AccessError):
            template.write({"summary": "Changed"})
        with self.assertRaises(AccessError):
            self.env["mail.activity.plan.template"].create(
                {
                    "plan_id": self.lead_plan.id,
                    "activity_type_id": self.type_todo.id,
                    "summary": "Added",
                }
            )
        with self.assertRaises(AccessError):
            template.unlink()
        self.env.invalidate_all()
        self.assertEqual(self.lead_plan.sudo().template_ids.summary, "Hi")
        self.assertEqual(len(self.lead_plan.sudo().template_ids), 1)

    @users("guide_designer_only")
    @mute_logger("odoo.sql_db")
    def test_negative_delay_refused_on_create(self):
        before = self._counts()
        step_vals = {
            "name": "Too early",
            "activity_type_id": self.type_call.id,
            "delay_count": -3,
        }
        with self._refused_too_early():
            self.env["crm.guide.step"].create(
                dict(step_vals, guide_stage_id=self.gs_lead.id)
            )
        with self._refused_too_early():
            self.env["crm.guide.step"].create(
                dict(
                    step_vals,
                    delay_count=2,
                    delay_from="before_plan_date",
                    guide_stage_id=self.gs_lead.id,
                )
            )
        with self._refused_too_early():
            self.env["crm.guide.stage"].create(
                {
                    "guide_id": self.guide.id,
                    "stage_id": self.stage_won.id,
                    "step_ids": [(0, 0, step_vals)],
                }
            )
        with self._refused_too_early():
            self.env["crm.guide"].create(
                {
                    "name": "Nested",
                    "guide_stage_ids": [
                        (
                            0,
                            0,
                            {
                                "stage_id": self.stage_lead.id,
                                "step_ids": [(0, 0, step_vals)],
                            },
                        )
                    ],
                }
            )
        # in the designer's step form
        with self._refused_too_early():
            Step = self.env["crm.guide.step"].with_context(
                default_guide_stage_id=self.gs_lead.id
            )
            with Form(Step) as step_form:
                step_form.name = "Too early"
                step_form.activity_type_id = self.type_call
                step_form.delay_count = -1
        # in the stage form's list of steps
        with self._refused_too_early():
            with Form(self.gs_lead.with_env(self.env)) as stage_form:
                with stage_form.step_ids.new() as line:
                    line.name = "Too early"
                    line.activity_type_id = self.type_call
                    line.delay_count = -1
        self.env.invalidate_all()
        self.assertEqual(self._counts(), before)

    @users("guide_manager")
    @mute_logger("odoo.sql_db")
    def test_negative_delay_refused_on_the_template(self):
        """The step's template written directly keeps the step's rule."""
        template = self.step_qualify.template_id.with_env(self.env)
        with self._refused_too_early():
            template.write({"delay_count": -1})
        with self._refused_too_early():
            template.write({"delay_from": "before_plan_date"})
        self.env.invalidate_all()
        self.assertEqual(self.step_qualify.delay_count, 2)
        self.assertEqual(self.step_qualify.delay_from, "after_plan_date")
        # other plans keep Odoo's rules
        self.lead_plan.template_ids.with_env(self.env).write(
            {"delay_count": 2, "delay_from": "before_plan_date"}
        )

    @users("guide_designer_only")
    @mute_logger("odoo.models")
    def test_a_steps_activity_stays_in_its_guide_stage(self):
        """Record rules are checked before a write only: the template of a
        guide step is not taken out of its guide stage's plan (into a plan of
        Odoo's, or another stage's, past the step's history check)."""
        step = self.step_qualify.with_env(self.env)
        plan = step.plan_id
        meeting_plan = self.gs_meeting.sudo().plan_id
        for target in (self.lead_plan, meeting_plan):
            with self.assertRaises(UserError):
                step.template_id.write({"plan_id": target.id})
            with self.assertRaises(UserError):
                step.write({"plan_id": target.id})
        self.env.invalidate_all()
        self.assertEqual(step.template_id.plan_id, plan)
        self.assertEqual(len(self.lead_plan.sudo().template_ids), 1)
        # moving a step no record went through takes its activity along
        new = self.env["crm.guide.step"].create(
            {
                "guide_stage_id": self.gs_lead.id,
                "name": "Movable",
                "activity_type_id": self.type_todo.id,
            }
        )
        new.guide_stage_id = self.gs_meeting
        self.assertEqual(new.template_id.plan_id, meeting_plan)
