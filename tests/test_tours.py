# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

# the demo sales guide runs on Odoo's own demo pipeline
DEMO_STAGES = {
    "lead": "crm.stage_lead1",
    "meeting": "crm.stage_lead2",
    "quote": "crm.stage_lead3",
}


@tagged("post_install", "-at_install")
class TestGuideTours(HttpCase):
    """The demo sales guide in a real browser, as a salesman."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="tour_salesman",
            password="tour_salesman_pwd",
            groups="sales_team.group_sale_salesman,base.group_user",
            name="Tour Salesman",
        )
        cls.team = cls.env.ref("sales_team.team_sales_department")
        cls.team.member_ids = [(4, cls.salesman.id)]
        cls.salesman.sale_team_id = cls.team
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Tour deal",
                "type": "opportunity",
                "team_id": cls.team.id,
                "user_id": cls.salesman.id,
                "stage_id": cls.env.ref("crm.stage_lead2").id,
            }
        )

    def _tour_lead(self, name, stage, customer, email):
        """An opportunity of the tour salesman in a stage of the demo guide."""
        return self.env["crm.lead"].create(
            {
                "name": name,
                "type": "opportunity",
                "team_id": self.team.id,
                "user_id": self.salesman.id,
                "partner_id": self.env["res.partner"]
                .create({"name": customer, "email": email})
                .id,
                "stage_id": self.env.ref(DEMO_STAGES[stage]).id,
            }
        )

    def test_follow_the_guide(self):
        self.assertEqual(
            self.lead.guide_id, self.env.ref("crm_workflow_guide.crm_guide_sales_demo")
        )
        self.start_tour(
            f"/odoo/crm/{self.lead.id}",
            "crm_workflow_guide_tour",
            login="tour_salesman",
        )
        self.assertEqual(self.lead.stage_id, self.env.ref("crm.stage_lead3"))
        self.assertEqual(
            set(
                self.lead.guide_record_step_ids.filtered(
                    lambda r: r.guide_stage_id.stage_id.name == "Qualified"
                ).mapped("state")
            ),
            {"done"},
        )

    @mute_logger("odoo.http")  # the refused move is expected
    def test_refused_move(self):
        self.start_tour(
            f"/odoo/crm/{self.lead.id}",
            "crm_workflow_guide_blocked_tour",
            login="tour_salesman",
        )
        meet = self.env.ref("crm_workflow_guide.crm_guide_sales_step_meet_demo")
        row = self.lead.guide_record_step_ids.filtered(lambda r: r.step_id == meet)
        self.assertEqual(row.state, "na")
        self.assertEqual(
            self.lead.stage_id,
            self.env.ref("crm.stage_lead2"),
        )

    def test_designer_from_the_pipeline(self):
        self.start_tour(
            "/odoo/action-crm.crm_lead_action_pipeline",
            "crm_workflow_guide_designer_tour",
            login="admin",
        )

    @mute_logger("odoo.http")  # the refused drop is expected
    def test_refused_kanban_drop(self):
        # the Quote column shows in the salesman's pipeline
        self._tour_lead("Deal at Quote", "quote", "Quote Customer", "q@example.com")
        self.start_tour(
            "/odoo/action-crm.crm_lead_action_pipeline",
            "crm_workflow_guide_blocked_drop_tour",
            login="tour_salesman",
        )
        self.assertEqual(
            self.lead.stage_id,
            self.env.ref("crm.stage_lead2"),
        )

    def test_from_quote_to_won(self):
        lead = self._tour_lead(
            "Tour deal at Quote", "quote", "Tour Customer", "tour.customer@example.com"
        )
        self.start_tour(
            f"/odoo/crm/{lead.id}",
            "crm_workflow_guide_to_won_tour",
            login="tour_salesman",
        )
        self.assertTrue(lead.stage_id.is_won)
        self.assertEqual(lead.probability, 100)

    def test_first_stage(self):
        lead = self._tour_lead(
            "Tour deal at Lead", "lead", "Tour Prospect", "tour.prospect@example.com"
        )
        self.start_tour(
            f"/odoo/crm/{lead.id}",
            "crm_workflow_guide_first_stage_tour",
            login="tour_salesman",
        )
        self.assertEqual(lead.stage_id, self.env.ref("crm.stage_lead2"))
        self.assertEqual(
            set(
                lead.guide_record_step_ids.filtered(
                    lambda r: r.guide_stage_id.stage_id.name == "New"
                ).mapped("state")
            ),
            {"done"},
        )


@tagged("post_install", "-at_install")
class TestGuideTourDutch(HttpCase):
    """The Guide tab in Dutch, in a real browser, as a Dutch salesman."""

    def test_guide_tab_in_dutch(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env["ir.module.module"]._load_module_terms(
            ["crm", "crm_workflow_guide"], ["nl_NL"], overwrite=True
        )
        salesman = new_test_user(
            self.env,
            login="tour_salesman_nl",
            password="tour_salesman_nl_pwd",
            groups="sales_team.group_sale_salesman,base.group_user",
            name="Verkoper",
            lang="nl_NL",
        )
        team = self.env.ref("sales_team.team_sales_department")
        team.member_ids = [(4, salesman.id)]
        lead = self.env["crm.lead"].create(
            {
                "name": "Rondleiding",
                "type": "opportunity",
                "team_id": team.id,
                "user_id": salesman.id,
                "stage_id": self.env.ref("crm.stage_lead2").id,
            }
        )
        # the first Dutch page renders the web client in a new language: warm
        # it up, so that the browser's idle second connection does not time
        # out on a loaded machine
        self.authenticate("tour_salesman_nl", "tour_salesman_nl_pwd")
        self.assertEqual(self.url_open(f"/odoo/crm/{lead.id}").status_code, 200)
        self.start_tour(
            f"/odoo/crm/{lead.id}",
            "crm_workflow_guide_nl_tour",
            login="tour_salesman_nl",
        )
        prepare = lead.guide_record_step_ids.filtered(
            lambda row: row.step_id
            == self.env.ref("crm_workflow_guide.crm_guide_sales_step_prepare_demo")
        )
        self.assertEqual(prepare.state, "done")


@tagged("post_install", "-at_install")
class TestQuoteTour(HttpCase):
    """Opportunity > New Quotation > send > guide stages > confirm > won, in a
    real browser, as a salesman, with the demo guides."""

    def test_quote_to_order(self):
        salesman = new_test_user(
            self.env,
            login="tour_quote_salesman",
            password="tour_quote_salesman_pwd",
            groups="sales_team.group_sale_salesman,base.group_user",
            name="Quote Tour Salesman",
            email="quote.salesman@example.com",
        )
        team = self.env.ref("sales_team.team_sales_department")
        team.member_ids = [(4, salesman.id)]
        self.env.company.crm_guide_confirmation_email = "ask"
        self.env["product.product"].create({"name": "Tour Widget", "list_price": 50})
        lead = self.env["crm.lead"].create(
            {
                "name": "Tour quote deal",
                "type": "opportunity",
                "team_id": team.id,
                "user_id": salesman.id,
                "partner_id": self.env["res.partner"]
                .create({"name": "Tour Buyer", "email": "buyer@example.com"})
                .id,
                "stage_id": self.env.ref("crm.stage_lead3").id,
            }
        )
        self.start_tour(
            f"/odoo/crm/{lead.id}",
            "crm_workflow_guide_quote_tour",
            login="tour_quote_salesman",
        )
        order = lead.order_ids
        self.assertEqual(order.state, "sale")
        self.assertEqual(
            order.guide_stage_id,
            self.env.ref("crm_workflow_guide.crm_guide_quotation_order_demo"),
        )
        self.assertTrue(lead.stage_id.is_won)
        self.assertEqual(lead.probability, 100)
        prepare = lead.guide_record_step_ids.filtered(
            lambda row: row.step_id
            == self.env.ref("crm_workflow_guide.crm_guide_sales_step_quote_demo")
        )
        self.assertEqual(prepare.state, "done", "done by the quotation")
        self.assertTrue(
            order.message_ids.filtered(
                lambda m: m.message_type == "comment" and "Order" in (m.subject or "")
            ),
            "the confirmation was sent",
        )

    def test_quote_rules(self):
        """A salesman gives 25 % discount and requests the approval, the team
        leader approves, the salesman sends and confirms."""
        groups = (
            "sales_team.group_sale_salesman,base.group_user,"
            "sale.group_discount_per_so_line"
        )
        salesman = new_test_user(
            self.env,
            login="tour_rules_salesman",
            password="tour_rules_salesman_pwd",
            groups=groups,
            name="Rules Tour Salesman",
            email="rules.salesman@example.com",
        )
        leader = new_test_user(
            self.env,
            login="tour_rules_leader",
            password="tour_rules_leader_pwd",
            groups=groups + ",sales_team.group_sale_salesman_all_leads",
            name="Rules Tour Leader",
            email="rules.leader@example.com",
        )
        team = self.env.ref("sales_team.team_sales_department")
        team.write({"user_id": leader.id, "member_ids": [(4, salesman.id)]})
        self.env.company.crm_guide_confirmation_email = "never"
        # the guide's own gate (the verbal acceptance) is not this tour's
        self.env.ref(
            "crm_workflow_guide.crm_guide_quotation_verbal_demo"
        ).is_blocking = False
        product = self.env["product.product"].create(
            {"name": "Rules Widget", "list_price": 50, "standard_price": 10}
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "Tour rules deal",
                "type": "opportunity",
                "team_id": team.id,
                "user_id": salesman.id,
                "partner_id": self.env["res.partner"]
                .create({"name": "Rules Buyer", "email": "rules.buyer@example.com"})
                .id,
                "stage_id": self.env.ref("crm.stage_lead3").id,
            }
        )
        context = lead.with_user(salesman).action_new_quotation()["context"]
        order = (
            self.env["sale.order"]
            .with_user(salesman)
            .with_context(**context)
            .create(
                {
                    "partner_id": lead.partner_id.id,
                    "order_line": [(0, 0, {"product_id": product.id})],
                }
            )
        )
        self.assertEqual(
            order.guide_id, self.env.ref("crm_workflow_guide.crm_guide_quotation_demo")
        )
        url = f"/odoo/action-sale.action_quotations/{order.id}"
        self.start_tour(
            url, "crm_workflow_guide_quote_rules_request_tour", login=salesman.login
        )
        self.assertEqual(order.guide_approval_state, "to_approve")
        approval = order.activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("crm_workflow_guide.mail_activity_type_quote_approval")
        )
        self.assertEqual(approval.user_id, leader)
        self.start_tour(
            url, "crm_workflow_guide_quote_rules_approve_tour", login=leader.login
        )
        self.assertEqual(order.guide_approval_state, "approved")
        self.assertEqual(order.guide_approval_user_id, leader)
        self.start_tour(
            url, "crm_workflow_guide_quote_rules_send_tour", login=salesman.login
        )
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.guide_approval_state, "approved")
