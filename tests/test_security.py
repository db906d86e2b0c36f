# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged, users

from .common import SALESMAN, GuideCommon, new_company_user


@tagged("post_install", "-at_install")
class TestSecurity(GuideCommon):
    def test_groups_and_implications(self):
        designer = self.env.ref("crm_workflow_guide.crm_workflow_guide_group_designer")
        admin_group = self.env.ref("crm_workflow_guide.crm_workflow_guide_group_admin")
        self.assertIn(designer, admin_group.implied_ids)
        # sales managers design guides, plain salesmen do not
        self.assertTrue(
            self.manager.has_group(
                "crm_workflow_guide.crm_workflow_guide_group_designer"
            )
        )
        self.assertFalse(
            self.salesman.has_group(
                "crm_workflow_guide.crm_workflow_guide_group_designer"
            )
        )
        self.assertTrue(
            self.env.ref("base.user_admin").has_group(
                "crm_workflow_guide.crm_workflow_guide_group_admin"
            )
        )

    def test_menu_visible_to_designers_only(self):
        menu = self.env.ref("crm_workflow_guide.crm_guide_menu")
        self.assertEqual(
            menu.action, self.env.ref("crm_workflow_guide.crm_guide_action")
        )
        visible_manager = (
            self.env["ir.ui.menu"].with_user(self.manager)._visible_menu_ids()
        )
        visible_salesman = (
            self.env["ir.ui.menu"].with_user(self.salesman)._visible_menu_ids()
        )
        self.assertIn(menu.id, visible_manager)
        self.assertNotIn(menu.id, visible_salesman)

    @users("guide_salesman")
    def test_salesman_reads_but_cannot_design(self):
        guide = self.guide.with_user(self.env.user)
        self.assertEqual(
            guide.guide_stage_ids.step_ids.mapped("name"),
            [
                "Qualify",
                "Proposal",
                "Meet",
                "Stakeholders",
                "Follow up",
            ],
        )
        with self.assertRaises(AccessError):
            self.env["crm.guide"].create({"name": "Mine"})
        with self.assertRaises(AccessError):
            guide.write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            guide.guide_stage_ids[0].step_ids[0].write({"is_required": False})
        with self.assertRaises(AccessError):
            guide.guide_stage_ids[0].unlink()

    @users("guide_manager")
    def test_manager_designs(self):
        guide = self.env["crm.guide"].create(
            {
                "name": "Manager Guide",
                "team_ids": [(6, 0, self.team.ids)],
                "guide_stage_ids": [(0, 0, {"stage_id": self.stage_lead.id})],
            }
        )
        guide.guide_stage_ids.write(
            {"step_ids": [(0, 0, {"name": "Call", "auto_schedule": True})]}
        )
        self.assertEqual(guide.step_count, 1)

    @users("guide_salesman")
    def test_salesman_cannot_write_step_states_over_rpc(self):
        lead = self._create_opportunities(1, env=self.env)
        row = lead.guide_record_step_ids.filtered(
            lambda r: r.step_id == self.step_qualify
        )
        self.assertEqual(row.state, "todo")
        with self.assertRaises(AccessError):
            row.write({"state": "done"})
        with self.assertRaises(AccessError):
            self.env["crm.guide.record.step"].create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                    "res_id": lead.id,
                    "step_id": self.step_meet.id,
                }
            )
        with self.assertRaises(UserError):
            lead.write({"guide_progress": 100})
        with self.assertRaises(UserError):
            lead.write({"guide_record_step_ids": [(1, row.id, {"state": "done"})]})
        row.invalidate_recordset()
        self.assertEqual(row.state, "todo")
        self.assertEqual(lead.guide_progress, 0)

    def test_salesman_sees_steps_of_readable_records_only(self):
        # "own documents" salesmen only read their own leads: same for their steps
        mine = self._create_opportunities(1, user=self.salesman)
        theirs = self._create_opportunities(1, user=self.other_salesman)
        Rows = self.env["crm.guide.record.step"].with_user(self.salesman)
        visible = Rows.search([("res_model", "=", "crm.lead")])
        self.assertEqual(
            set(visible.mapped("res_id")) & {mine.id, theirs.id}, {mine.id}
        )
        row_theirs = self._rows(theirs)[:1].with_user(self.salesman)
        with self.assertRaises(AccessError):
            row_theirs.read(["state"])
        # and cannot act on another's steps
        with self.assertRaises(AccessError):
            row_theirs.action_not_applicable()
        self.assertEqual(self._rows(theirs)[:1].state, "todo")

    def test_multi_company_guides(self):
        company_b = self.env["res.company"].create({"name": "Guide Company B"})
        user_b = new_company_user(self.env, "guide_salesman_b", SALESMAN, company_b)
        guide_b = self.env["crm.guide"].create(
            {"name": "B Guide", "company_id": company_b.id}
        )
        visible = self.env["crm.guide"].with_user(user_b).search([])
        self.assertIn(guide_b, visible)
        self.assertNotIn(self.guide, visible, "the guide of company A is not shared")
        self.assertNotIn(
            guide_b, self.env["crm.guide"].with_user(self.salesman).search([])
        )
        # a lead of company B never gets company A's guide
        team_b = self.env["crm.team"].create(
            {"name": "Team B", "company_id": company_b.id}
        )
        lead_b = (
            self.env["crm.lead"]
            .with_user(user_b)
            .with_company(company_b)
            .create({"name": "B lead", "team_id": team_b.id, "type": "opportunity"})
        )
        self.assertEqual(lead_b.guide_id, guide_b)
        # a guide of company B written by a salesman of company A: refused
        # (they may not read it, or it serves another company), nothing
        # written
        lead_a = self._create_opportunities(1).with_user(self.salesman)
        with self.assertRaises(UserError):  # AccessError or ValidationError
            lead_a.write({"guide_id": guide_b.id})
        self.assertEqual(lead_a.sudo().guide_id, self.guide)
