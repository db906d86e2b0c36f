# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What a newcomer sees first: the demo on Odoo's own pipeline, quotations
made outside the CRM flow left alone, the onboarding tour."""

from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged, users


@tagged("post_install", "-at_install")
class TestDemoPipeline(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_guide = cls.env.ref("crm_workflow_guide.crm_guide_sales_demo")
        cls.quotation_guide = cls.env.ref("crm_workflow_guide.crm_guide_quotation_demo")
        cls.demo_teams = cls.env.ref("sales_team.team_sales_department") | cls.env.ref(
            "sales_team.crm_team_1"
        )
        cls.salesman = new_test_user(
            cls.env,
            login="first_hour_salesman",
            groups="sales_team.group_sale_salesman",
            name="First Hour Salesman",
        )
        cls.env.ref("sales_team.team_sales_department").member_ids = [
            (4, cls.salesman.id)
        ]

    def test_guides_run_on_odoos_pipeline(self):
        odoo_stages = [self.env.ref(f"crm.stage_lead{number}") for number in (1, 2, 3)]
        self.assertEqual(
            self.sales_guide.guide_stage_ids.mapped("stage_id"),
            self.env["crm.stage"].concat(*odoo_stages),
        )
        self.assertEqual(self.sales_guide.team_ids, self.demo_teams)
        # the addon's demo adds no pipeline stage (no empty columns)
        self.assertFalse(
            self.env["ir.model.data"].search(
                [("module", "=", "crm_workflow_guide"), ("model", "=", "crm.stage")]
            )
        )

    def test_odoos_demo_opportunities_follow_the_guides(self):
        open_demo = self.env["crm.lead"].search(
            [
                ("type", "=", "opportunity"),
                ("team_id", "in", self.demo_teams.ids),
                ("stage_id.is_won", "=", False),
                ("id", "in", self._odoo_demo_lead_ids()),
            ]
        )
        self.assertTrue(open_demo)
        self.assertFalse(open_demo.filtered(lambda lead: not lead.guide_id))
        self.assertEqual(
            self.env.ref("crm.crm_case_16").guide_id,
            self.env.ref("crm_workflow_guide.crm_guide_new_customer_demo"),
        )
        self.assertEqual(
            self.env.ref("crm.crm_case_26").guide_id,
            self.env.ref("crm_workflow_guide.crm_guide_cross_sale_demo"),
        )
        # every guided card shows a stage of its guide
        self.assertFalse(open_demo.filtered(lambda lead: not lead.guide_stage_id))

    def _odoo_demo_lead_ids(self):
        return (
            self.env["ir.model.data"]
            .search([("module", "=", "crm"), ("model", "=", "crm.lead")])
            .mapped("res_id")
        )

    def test_progress_rotting_blocked_and_a_quotation(self):
        qualified = self.env.ref("crm.crm_case_13")
        qualify = qualified.guide_record_step_ids.filtered(
            lambda row: row.step_id
            == self.env.ref("crm_workflow_guide.crm_guide_sales_step_qualify_demo")
        )
        self.assertEqual(qualify.state, "done")
        self.assertGreater(qualified.guide_progress, 0)
        held = self.env.ref("crm.crm_case_15")
        self.assertTrue(held.guide_is_blocked)
        self.assertIn(
            "done",
            held.guide_record_step_ids.mapped("state"),
            "the meeting is prepared, the meeting itself holds the card",
        )
        self.assertTrue(self.env.ref("crm.crm_case_21").guide_is_rotting)
        order = self.env.ref("crm_workflow_guide.sale_order_guided_demo")
        self.assertEqual(order.guide_id, self.quotation_guide)
        self.assertTrue(order.guide_stage_id)
        opportunity = self.env.ref("crm.crm_case_22")
        prepare = opportunity.guide_record_step_ids.filtered(
            lambda row: row.step_id
            == self.env.ref("crm_workflow_guide.crm_guide_sales_step_quote_demo")
        )
        self.assertEqual(prepare.state, "done", "done by the quotation")

    @users("first_hour_salesman")
    def test_quotation_outside_the_crm_flow_is_not_guided(self):
        """Odoo's own flows (sale's tests, the shop, other modules) make
        quotations without opportunity: the demo quotation guide leaves them
        alone, so they confirm as in plain Odoo."""
        self.assertTrue(self.quotation_guide.opportunity_quotations_only)
        partner = self.env["res.partner"].create({"name": "Walk-in customer"})
        product = self.env.ref("product.product_product_4")
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [(0, 0, {"product_id": product.id})],
            }
        )
        self.assertEqual(
            order.team_id, self.env.ref("sales_team.team_sales_department")
        )
        self.assertFalse(order.guide_id)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        # from an opportunity of the sales guide: the quotation guide
        lead = self.env["crm.lead"].create(
            {
                "name": "Guided deal",
                "type": "opportunity",
                "partner_id": partner.id,
                "team_id": order.team_id.id,
                "stage_id": self.env.ref("crm.stage_lead1").id,
            }
        )
        self.assertEqual(lead.guide_id, self.sales_guide)
        quotation = self.env["sale.order"].create(
            {"partner_id": partner.id, "opportunity_id": lead.id}
        )
        self.assertEqual(quotation.guide_id, self.quotation_guide)

    @users("first_hour_salesman")
    def test_empty_quotation_outside_the_crm_flow_confirms_as_in_odoo(self):
        """sale's own access tests confirm an order without lines: outside
        the CRM flow the addon adds no rule of its own."""
        partner = self.env["res.partner"].create({"name": "Walk-in customer"})
        order = self.env["sale.order"].create({"partner_id": partner.id})
        self.assertFalse(order.guide_id)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_apply_to_open_records_keeps_the_scope(self):
        """'Apply to Open Records' of a guide for the quotations of guided
        opportunities skips the other quotations of its teams."""
        partner = self.env["res.partner"].create({"name": "Shop customer"})
        direct = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "team_id": self.env.ref("sales_team.team_sales_department").id,
            }
        )
        self.assertNotIn(direct, self.quotation_guide._apply_records())
        self.quotation_guide.action_apply_to_records()
        self.assertFalse(direct.guide_id)


@tagged("post_install", "-at_install")
class TestOnboardingTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="first_hour_rep",
            password="first_hour_rep_pwd",
            groups="sales_team.group_sale_salesman,base.group_user",
            name="First Hour Rep",
        )
        team = cls.env.ref("sales_team.team_sales_department")
        team.member_ids = [(4, cls.salesman.id)]
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "My first guided deal",
                "type": "opportunity",
                "team_id": team.id,
                "user_id": cls.salesman.id,
                "stage_id": cls.env.ref("crm.stage_lead1").id,
            }
        )

    def test_offered_after_crms_tour(self):
        """Offered like Odoo's onboarding tours: to users with onboarding on,
        once, after crm's own tour."""
        Tour = self.env["web_tour.tour"].with_user(self.salesman)
        self.salesman.tour_enabled = True
        crm_tour = self.env.ref("crm.crm_tour")
        other_tours = self.env["web_tour.tour"].search(
            [("sequence", "<", 15), ("id", "!=", crm_tour.id)]
        )
        other_tours.user_consumed_ids = [(4, self.salesman.id)]
        self.assertEqual(Tour.get_current_tour()["name"], "crm_tour")
        Tour.consume("crm_tour")
        current = Tour.get_current_tour()
        self.assertEqual(current["name"], "crm_workflow_guide_onboarding_tour")
        self.assertEqual(current["url"], "/odoo/action-crm.crm_lead_action_pipeline")
        Tour.consume("crm_workflow_guide_onboarding_tour")
        current = Tour.get_current_tour()
        self.assertFalse(
            current and current["name"] == "crm_workflow_guide_onboarding_tour"
        )

    def test_the_tour_walks_through_a_guided_opportunity(self):
        self.start_tour(
            "/odoo/action-crm.crm_lead_action_pipeline",
            "crm_workflow_guide_onboarding_tour",
            login="first_hour_rep",
        )
