# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import ValidationError
from odoo.tests import tagged, users
from odoo.tools import mute_logger

from .common import GuideCommon


@tagged("post_install", "-at_install")
class TestGuideDesigner(GuideCommon):
    @users("guide_manager")
    def test_stage_twice_in_a_guide_refused(self):
        guide = self.guide.with_user(self.env.user)
        with self.assertRaisesRegex(ValidationError, "appears twice"):
            guide.write({"guide_stage_ids": [(0, 0, {"stage_id": self.stage_lead.id})]})

    @users("guide_manager")
    def test_stage_of_another_team_refused(self):
        other_stage = self.env["crm.stage"].create(
            {"name": "Other team stage", "team_id": self.other_team.id}
        )
        guide = self.guide.with_user(self.env.user)
        with self.assertRaisesRegex(ValidationError, "does not serve"):
            guide.write({"guide_stage_ids": [(0, 0, {"stage_id": other_stage.id})]})
        # removing a served team whose stages are used is refused as well
        with self.assertRaisesRegex(ValidationError, "does not serve"):
            guide.write({"team_ids": [(6, 0, self.other_team.ids)]})

    @users("guide_manager")
    def test_activity_type_of_another_model_refused(self):
        partner_type = (
            self.env["mail.activity.type"]
            .sudo()
            .create({"name": "Partner only", "res_model": "res.partner"})
        )
        with self.assertRaisesRegex(ValidationError, "not compatible"):
            self.gs_lead.with_user(self.env.user).write(
                {
                    "step_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Wrong doc",
                                "kind": "document",
                                "activity_type_id": partner_type.id,
                            },
                        )
                    ]
                }
            )

    @users("guide_manager")
    def test_document_template_comes_from_the_activity_type(self):
        self.assertEqual(self.step_proposal.mail_template_id, self.template)
        self.assertFalse(self.step_qualify.mail_template_id)

    @users("guide_manager")
    @mute_logger("odoo.sql_db")
    def test_negative_delay_refused(self):
        with self.assertRaisesRegex(ValidationError, "on or after"):
            self.step_qualify.with_user(self.env.user).write({"delay_count": -2})
        with self.assertRaisesRegex(ValidationError, "on or after"):
            self.step_qualify.with_user(self.env.user).write(
                {"delay_from": "before_plan_date"}
            )
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.gs_lead.with_user(self.env.user).write({"rotting_days": -1})

    @users("guide_manager")
    def test_specific_user_required(self):
        with self.assertRaisesRegex(ValidationError, "specify a responsible"):
            self.env["crm.guide.step"].create(
                {
                    "guide_stage_id": self.gs_lead.id,
                    "name": "Check the credit",
                    "responsible_type": "other",
                    "responsible_id": False,
                }
            )

    @users("guide_manager")
    def test_duplicate_and_archive(self):
        guide = self.guide.with_user(self.env.user)
        copy = guide.copy()
        self.assertEqual(copy.name, "Test Guide (copy)")
        self.assertEqual(copy.step_count, guide.step_count)
        self.assertEqual(
            copy.guide_stage_ids.mapped("stage_id"),
            guide.guide_stage_ids.mapped("stage_id"),
        )
        self.assertNotEqual(
            copy.guide_stage_ids.step_ids, guide.guide_stage_ids.step_ids
        )
        guide.action_archive()
        # new records now get the copy (the first active guide of the team)
        lead = self._create_opportunities(1)
        self.assertEqual(lead.guide_id, copy)

    @users("guide_manager")
    def test_step_count_follows_the_design(self):
        guide = self.guide.with_user(self.env.user)
        self.assertEqual(guide.step_count, 5)
        self.step_stakeholders.with_user(self.env.user).unlink()
        self.assertEqual(guide.step_count, 4)

    def test_guide_in_use_cannot_be_deleted(self):
        self._create_opportunities(1)
        with self.assertRaisesRegex(ValidationError, "archive them"):
            self.guide.with_user(self.manager).unlink()

    @users("guide_manager")
    def test_edit_guide_for_a_stage(self):
        Guide = self.env["crm.guide"]
        action = Guide.action_open_for_stage(self.stage_meeting.id)
        self.assertEqual(action["res_id"], self.guide.id)
        self.guide.copy({"name": "Twin"})
        action = Guide.action_open_for_stage(self.stage_meeting.id)
        self.assertEqual(len(Guide.search(action["domain"])), 2)
        unused = self.env["crm.stage"].sudo().create({"name": "Unused stage"})
        action = Guide.action_open_for_stage(unused.id)
        self.assertNotIn("res_id", action)
        self.assertEqual(
            action["context"]["default_guide_stage_ids"],
            [(0, 0, {"stage_id": unused.id})],
        )

    def test_preview_shows_stages_and_steps(self):
        preview = str(self.guide.preview_html)
        for text in (
            "G Lead",
            "G Meeting",
            "Qualify",
            "Proposal",
            "required",
            "blocking",
        ):
            self.assertIn(text, preview)
        self.assertLess(preview.index("G Lead"), preview.index("G Meeting"))
