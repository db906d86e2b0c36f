# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged

from .common import GuideCommon


@tagged("post_install", "-at_install")
class TestGuidePanel(GuideCommon):
    """The Guide panel's data (crm.guide.mixin.guide_get_panel_data)."""

    def _panel(self, lead, user):
        return lead.with_user(user).guide_get_panel_data()

    def test_panel_shows_the_guide_as_the_salesperson_sees_it(self):
        lead = self._create_opportunities(1)
        self._rows(lead, self.step_qualify).activity_id.action_done()
        self._rows(lead, self.step_proposal).action_not_applicable()
        lead.write({"stage_id": self.stage_meeting.id})
        data = self._panel(lead, self.salesman)
        self.assertEqual(data["guide"]["id"], self.guide.id)
        self.assertEqual(
            [(s["name"], s["state"], s["done"], s["total"]) for s in data["stages"]],
            [
                ("G Lead", "passed", 2, 2),
                ("G Meeting", "current", 0, 2),
                ("G Quote", "next", 0, 1),
            ],
        )
        followups = {row["name"]: row for row in data["followups"]}
        self.assertEqual(followups["Qualify"]["state"], "done")
        self.assertTrue(followups["Qualify"]["can_reset"])
        self.assertFalse(followups["Qualify"]["can_done"])
        meet = followups["Meet"]
        self.assertEqual((meet["state"], meet["is_required"]), ("todo", True))
        self.assertTrue(meet["can_done"] and meet["can_not_applicable"])
        self.assertTrue(followups["Stakeholders"]["can_schedule"])
        self.assertEqual(data["documents"][0]["state"], "na")
        self.assertTrue(data["is_blocked"])
        self.assertEqual(data["next_stage"], "G Quote")
        self.assertEqual(data["progress"], 40)

    def test_no_buttons_without_write_access(self):
        # a salesman reads a colleague's opportunity (all leads) but may not
        # edit it (own documents only): the panel offers no action
        reader = self.env["res.users"].create(
            {
                "name": "Reader",
                "login": "guide_reader",
                "groups_id": [
                    (6, 0, self.env.ref("sales_team.group_sale_salesman").ids)
                ],
            }
        )
        lead = self._create_opportunities(1, stage=self.stage_meeting)
        self.env["ir.rule"].create(
            {
                "name": "reader reads all leads",
                "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "groups": [(4, self.env.ref("base.group_user").id)],
                "domain_force": "[(1, '=', 1)]",
                "perm_write": False,
                "perm_create": False,
                "perm_unlink": False,
            }
        )
        data = self._panel(lead, reader)
        self.assertFalse(data["can_write"])
        self.assertFalse(data["next_stage"])
        for row in data["followups"] + data["documents"]:
            self.assertFalse(
                any(value for key, value in row.items() if key.startswith("can_")),
                row["name"],
            )

    def test_required_step_of_another_user_has_no_close_button(self):
        self.step_follow.is_required = True
        lead = self._create_opportunities(1, stage=self.stage_quote)
        row = next(
            r
            for r in self._panel(lead, self.salesman)["followups"]
            if r["name"] == "Follow up"
        )
        self.assertFalse(row["can_done"] or row["can_not_applicable"])
        row = next(
            r
            for r in self._panel(lead, self.manager)["followups"]
            if r["name"] == "Follow up"
        )
        self.assertTrue(row["can_done"])

    def test_query_count_does_not_grow_with_steps(self):
        lead = self._create_opportunities(1, stage=self.stage_meeting)

        def count():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self._panel(lead, self.salesman)
            return self.env.cr.sql_log_count - before

        count()
        few = count()
        self.env["crm.guide.step"].create(
            [
                {"guide_stage_id": self.gs_meeting.id, "name": f"Extra {i}"}
                for i in range(15)
            ]
        )
        count()
        many = count()
        self.assertEqual(len(self._rows(lead)), 17)
        self.assertLessEqual(many, few)
