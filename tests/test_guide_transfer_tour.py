# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestGuideTransferTour(HttpCase):
    def test_export_and_import_back_as_a_copy(self):
        # a sales manager designs the guides (the designer group alone cannot
        # create the activity plan templates of the steps yet)
        new_test_user(
            self.env,
            login="tour_guide_designer",
            password="tour_guide_designer_pwd",
            groups="sales_team.group_sale_manager",
            name="Tour Guide Designer",
        )
        team = self.env["crm.team"].create({"name": "Tour Export Team"})
        stage = self.env["crm.stage"].create(
            {"name": "Tour Export Stage", "team_id": team.id}
        )
        guide = self.env["crm.guide"].create(
            {
                "name": "Tour Export Guide",
                "team_ids": [(6, 0, team.ids)],
                "guide_stage_ids": [
                    (
                        0,
                        0,
                        {
                            "stage_id": stage.id,
                            "step_ids": [
                                (
                                    0,
                                    0,
                                    {
                                        "name": "Tour call",
                                        "activity_type_id": self.env.ref(
                                            "mail.mail_activity_data_call"
                                        ).id,
                                    },
                                )
                            ],
                        },
                    )
                ],
            }
        )
        self.start_tour(
            "/odoo/action-crm_workflow_guide.crm_guide_action",
            "crm_workflow_guide_transfer_tour",
            login="tour_guide_designer",
        )
        copy = self.env["crm.guide"].search([("name", "=", "Tour Export Guide (copy)")])
        self.assertEqual(len(copy), 1)
        self.assertNotEqual(copy, guide)
        self.assertEqual(copy.guide_stage_ids.stage_id, stage)
        self.assertEqual(copy.guide_stage_ids.step_ids.name, "Tour call")

    def test_new_from_library(self):
        new_test_user(
            self.env,
            login="tour_library_designer",
            password="tour_library_designer_pwd",
            groups="sales_team.group_sale_manager",
            name="Tour Library Designer",
        )
        team = self.env["crm.team"].create({"name": "Library Tour Team"})
        self.start_tour(
            "/odoo/action-crm_workflow_guide.crm_guide_action",
            "crm_workflow_guide_library_tour",
            login="tour_library_designer",
        )
        guide = self.env["crm.guide"].search([("team_ids", "=", team.id)])
        self.assertEqual(guide.name, "New Customer")
        self.assertEqual(len(guide.guide_stage_ids), 4)
        self.assertIn(
            team, guide.guide_stage_ids.stage_id.team_id, "Negotiation was created"
        )
