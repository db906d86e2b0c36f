# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from odoo.addons.crm_workflow_guide.crm_guides.exceptions import GuideBlockedError

from .common import SALES_MANAGER, SALESMAN, new_users


@tagged("post_install", "-at_install")
class QuotationCommon(TransactionCase):
    """An opportunity guide (Quote stage: 'Create the quotation', done by a
    quotation) naming a quotation guide: Draft (sent document) > Sent
    (automatic call) > Verbal acceptance (blocking, required step) > Order
    (kick-off call)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.write(
            {
                "crm_guide_won_on_confirm": True,
                "crm_guide_cancel_other_quotations": False,
                "crm_guide_confirmation_email": "never",
            }
        )
        cls.manager, cls.salesman, cls.other_salesman = new_users(
            cls.env,
            ("q_manager", "Quote Manager", SALES_MANAGER),
            (
                "q_salesman",
                "Quote Salesman",
                SALESMAN,
                {"email": "q_salesman@example.com"},
            ),
            ("q_other", "Other Quote Salesman", SALESMAN),
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Quote Team",
                "user_id": cls.manager.id,
                "member_ids": [(6, 0, (cls.salesman | cls.other_salesman).ids)],
            }
        )
        Stage = cls.env["crm.stage"]
        cls.stage_quote = Stage.create(
            {"name": "Q Quote", "sequence": 201, "team_id": cls.team.id}
        )
        cls.stage_won = Stage.create(
            {"name": "Q Won", "sequence": 210, "team_id": cls.team.id, "is_won": True}
        )
        call = cls.env.ref("mail.mail_activity_data_call")
        todo = cls.env.ref("mail.mail_activity_data_todo")
        cls.send_type = cls.env.ref(
            "crm_workflow_guide.mail_activity_type_send_quotation"
        )
        cls.quotation_guide = cls.env["crm.guide"].create(
            {
                "name": "Test Quotation Guide",
                "res_model": "sale.order",
                "sequence": 0,
                "team_ids": [(6, 0, cls.team.ids)],
                "guide_stage_ids": [
                    (0, 0, {"sequence": 1, "name": "Draft", "order_state": "draft",
                            "step_ids": [(0, 0, {"name": "Send the quotation",
                                                 "kind": "document",
                                                 "activity_type_id": cls.send_type.id,
                                                 "auto_schedule": True})]}),
                    (0, 0, {"sequence": 2, "name": "Sent", "order_state": "sent",
                            "step_ids": [(0, 0, {"name": "Follow-up call",
                                                 "activity_type_id": call.id,
                                                 "delay_count": 3,
                                                 "auto_schedule": True})]}),
                    (0, 0, {"sequence": 3, "name": "Verbal acceptance",
                            "is_blocking": True,
                            "step_ids": [(0, 0, {"name": "Confirm verbal acceptance",
                                                 "activity_type_id": todo.id,
                                                 "auto_schedule": True,
                                                 "is_required": True})]}),
                    (0, 0, {"sequence": 4, "name": "Order", "order_state": "sale",
                            "step_ids": [(0, 0, {"name": "Kick-off call",
                                                 "activity_type_id": call.id,
                                                 "delay_count": 7,
                                                 "auto_schedule": True})]}),
                ],
            }
        )  # fmt: skip
        cls.draft, cls.sent, cls.verbal, cls.order_stage = (
            cls.quotation_guide.guide_stage_ids
        )
        cls.lead_guide = cls.env["crm.guide"].create(
            {
                "name": "Test Opportunity Guide",
                "sequence": 0,
                "team_ids": [(6, 0, cls.team.ids)],
                "quotation_guide_id": cls.quotation_guide.id,
                "guide_stage_ids": [
                    (0, 0, {"sequence": 1, "stage_id": cls.stage_quote.id,
                            "step_ids": [
                                (0, 0, {"name": "Create the quotation",
                                        "activity_type_id": todo.id,
                                        "auto_schedule": True,
                                        "completed_by": "sale.order"}),
                                (0, 0, {"name": "Call the decision maker",
                                        "activity_type_id": call.id,
                                        "auto_schedule": True}),
                            ]}),
                ],
            }
        )  # fmt: skip
        cls.partner = cls.env["res.partner"].create(
            {"name": "Quote Customer", "email": "customer@example.com"}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Guided Widget", "list_price": 100.0}
        )

    def _lead(self, user=None, name="Guided deal"):
        user = user or self.salesman
        return (
            self.env["crm.lead"]
            .with_user(user)
            .create(
                {
                    "name": name,
                    "type": "opportunity",
                    "partner_id": self.partner.id,
                    "team_id": self.team.id,
                    "user_id": user.id,
                    "stage_id": self.stage_quote.id,
                }
            )
        )

    def _quotation(self, lead, user=None, lines=True):
        """A quotation made from the opportunity as sale_crm makes it."""
        user = user or self.salesman
        context = lead.with_user(user).action_new_quotation()["context"]
        vals = {"partner_id": self.partner.id}
        if lines:
            vals["order_line"] = [(0, 0, {"product_id": self.product.id})]
        return (
            self.env["sale.order"].with_user(user).with_context(**context).create(vals)
        )

    def _rows(self, record):
        return (
            self.env["crm.guide.record.step"]
            .sudo()
            .search([("res_model", "=", record._name), ("res_id", "=", record.id)])
        )

    def _step_row(self, record, name):
        return self._rows(record).filtered(lambda row: row.name == name)

    def _ready(self, order):
        """Bring a quotation to Verbal acceptance with its required step done."""
        order.action_quotation_sent()
        order.guide_stage_id = self.verbal
        self._step_row(order, "Confirm verbal acceptance").activity_id.action_feedback(
            feedback="Yes"
        )
        return order


@tagged("post_install", "-at_install")
class TestQuotationGuide(QuotationCommon):
    def test_quotation_from_opportunity(self):
        lead = self._lead()
        create_step = self._step_row(lead, "Create the quotation")
        self.assertEqual(create_step.state, "todo")
        order = self._quotation(lead)
        self.assertEqual(order.opportunity_id, lead)
        self.assertEqual(order.guide_id, self.quotation_guide)
        self.assertEqual(order.guide_stage_id, self.draft)
        send = self._step_row(order, "Send the quotation")
        self.assertTrue(send.activity_id, "the document step is planned")
        self.assertEqual(send.activity_id.user_id, self.salesman)
        # the opportunity's step is done by the quotation, its activity too
        self.assertEqual(create_step.state, "done")
        self.assertFalse(create_step.activity_id.exists())
        self.assertEqual(self._step_row(lead, "Call the decision maker").state, "todo")

    def test_sale_crm_choice_kept(self):
        """Without a customer, sale_crm's wizard still asks what to do."""
        lead = self._lead()
        lead.partner_id = False
        action = lead.with_user(self.salesman).action_sale_quotations_new()
        self.assertEqual(action["res_model"], "crm.quotation.partner")

    def test_first_quotation_guide_without_opportunity_choice(self):
        self.lead_guide.quotation_guide_id = False
        order = self._quotation(self._lead())
        self.assertEqual(order.guide_id, self.quotation_guide)

    def test_entering_stage_with_existing_quotation(self):
        lead = self._lead()
        self._quotation(lead)
        rows = self._step_row(lead, "Create the quotation")
        rows.sudo().write({"state": "todo"})
        lead._guide_after_enter()
        self.assertEqual(rows.state, "done")

    def test_sending_completes_document_and_moves_to_sent(self):
        order = self._quotation(self._lead())
        action = order.with_user(self.salesman).action_quotation_send()
        composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.salesman)
            .with_context(**action["context"])
        ).save()
        composer.action_send_mail()
        self.assertEqual(order.state, "sent")
        self.assertEqual(order.guide_stage_id, self.sent)
        send = self._step_row(order, "Send the quotation")
        self.assertEqual(send.state, "done")
        self.assertTrue(send.message_id)
        call = self._step_row(order, "Follow-up call")
        self.assertTrue(call.activity_id, "the call is planned on entering Sent")

    def test_drag_into_order_stage_refused(self):
        order = self._quotation(self._lead())
        before = (order.state, order.guide_stage_id)
        with self.assertRaisesRegex(UserError, "Confirm the quotation"):
            order.with_user(self.salesman).write(
                {"guide_stage_id": self.order_stage.id}
            )
        self.assertEqual((order.state, order.guide_stage_id), before)

    def test_salesman_cannot_opt_out_of_the_guide(self):
        """Clearing or switching the guide, or creating the quotation without
        one, would let a salesman confirm past the blocking stage."""
        order = self._quotation(self._lead())
        for vals, error in (
            ({"guide_id": False}, UserError),
            ({"team_id": False}, GuideBlockedError),
        ):
            with self.assertRaises(error):
                order.with_user(self.salesman).write(vals)
            self.assertEqual(order.guide_id, self.quotation_guide)
        context = self._lead().with_user(self.salesman).action_new_quotation()
        created = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .with_context(**context["context"])
            .create({"partner_id": self.partner.id, "guide_id": False})
        )
        self.assertEqual(created.guide_id, self.quotation_guide)
        # a sales manager may
        order.with_user(self.manager).write({"guide_id": False})
        self.assertFalse(order.guide_id)

    def test_quotation_done_step_assigned_to_another(self):
        """The quotation completes the opportunity's step even when it is
        required and assigned to someone else."""
        lead = self._lead()
        row = self._step_row(lead, "Create the quotation")
        row.step_id.is_required = True
        row.sudo().user_id = self.manager
        row.activity_id.user_id = self.manager
        self._quotation(lead)
        self.assertEqual(row.state, "done")

    def test_my_quotations_views(self):
        """The salesman's My Quotations: every view loads, the kanban columns
        are the quotation guide's stages (empty ones too)."""
        order = self._quotation(self._lead())
        action = self.env.ref("crm_workflow_guide.sale_order_action_guided")
        views = [(view.view_id.id, view.view_mode) for view in action.view_ids]
        views += [(False, "form"), (False, "calendar"), (False, "activity")]
        Order = self.env["sale.order"].with_user(self.salesman)
        result = Order.get_views(views, {"search_view_id": action.search_view_id.id})
        self.assertIn("guide_stage_id", result["views"]["kanban"]["arch"])
        self.assertIn("crm_guide_panel", result["views"]["form"]["arch"])
        groups = Order.web_read_group(
            [("id", "=", order.id)], ["guide_stage_id"], ["guide_stage_id"]
        )["groups"]
        columns = [
            group["guide_stage_id"][0] for group in groups if group["guide_stage_id"]
        ]
        self.assertTrue(
            set(self.quotation_guide.guide_stage_ids.ids) <= set(columns),
            "every stage of the quotation guide is a column",
        )
        self.assertEqual(
            Order.search([("guide_is_blocked", "=", False), ("id", "=", order.id)]),
            order,
        )

    def test_designer_rules(self):
        with self.assertRaises(UserError):
            self.draft.order_state = "sent"  # twice in one guide
        with self.assertRaises(UserError):
            self.lead_guide.quotation_guide_id = self.lead_guide


@tagged("post_install", "-at_install")
class TestQuoteToOrder(QuotationCommon):
    def test_confirm_refused_while_required_step_open(self):
        lead = self._lead()
        order = self._quotation(lead)
        order.guide_stage_id = self.verbal
        activities = self.env["mail.activity"].search(
            [("res_model", "in", ("sale.order", "crm.lead")),
             ("res_id", "in", (order.id, lead.id))]
        )  # fmt: skip
        with self.assertRaises(GuideBlockedError) as caught:
            order.with_user(self.salesman).action_confirm()
        message = str(caught.exception)
        self.assertIn(order.name, message)
        self.assertIn("Confirm verbal acceptance", message)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.guide_stage_id, self.verbal)
        self.assertFalse(lead.stage_id.is_won)
        self.assertEqual(
            self.env["mail.activity"].search(
                [("res_model", "in", ("sale.order", "crm.lead")),
                 ("res_id", "in", (order.id, lead.id))]
            ),
            activities,
        )  # fmt: skip

    def test_confirm_from_draft_passes_the_blocking_stage(self):
        """Confirming from Draft passes Verbal acceptance, never entered: its
        required step counts as open."""
        order = self._quotation(self._lead())
        with self.assertRaises(GuideBlockedError):
            order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_rpc_state_write_refused(self):
        order = self._quotation(self._lead())
        with self.assertRaises(GuideBlockedError):
            order.with_user(self.salesman).write({"state": "sale"})
        self.assertEqual(order.state, "draft")

    def test_cancelled_quotation_written_back_to_order_refused(self):
        """A blocked quotation cancelled, then written back to an order over
        RPC, passes its guide like a confirmation."""
        order = self._quotation(self._lead())
        order.with_user(self.salesman).write({"state": "cancel"})
        with self.assertRaises(GuideBlockedError):
            order.with_user(self.salesman).write({"state": "sale"})
        self.env.invalidate_all()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.guide_stage_id, self.draft)
        # past its guide, it may
        order.with_user(self.salesman).write({"state": "draft"})
        self._ready(order)
        order.with_user(self.salesman).write({"state": "sale"})
        self.assertEqual(order.guide_stage_id, self.order_stage)

    def test_order_stage_of_another_guide_refused(self):
        """Neither a quotation enters the order stage of another quotation
        guide, nor a confirmed order a quotation stage of another guide."""
        other = self.env["crm.guide"].create(
            {
                "name": "Other Quotation Guide",
                "res_model": "sale.order",
                "sequence": 5,
                "team_ids": [(6, 0, self.team.ids)],
                "guide_stage_ids": [
                    (0, 0, {"sequence": 1, "name": "Q", "order_state": "draft"}),
                    (0, 0, {"sequence": 2, "name": "Ordered", "order_state": "sale"}),
                ],
            }
        )  # fmt: skip
        other_draft, other_order = other.guide_stage_ids
        free = self._quotation(self._lead())
        self._ready(free)
        for user in (self.salesman, self.manager):
            with self.assertRaisesRegex(UserError, "Confirm the quotation"):
                free.with_user(user).write({"guide_stage_id": other_order.id})
            self.env.invalidate_all()
            self.assertEqual(
                (free.state, free.guide_id, free.guide_stage_id),
                ("sent", self.quotation_guide, self.verbal),
            )
        free.with_user(self.salesman).action_confirm()
        for vals in ({"guide_stage_id": other_draft.id}, {"guide_id": other.id}):
            with self.assertRaisesRegex(UserError, "stays in the stages after"):
                free.with_user(self.salesman).write(vals)
            self.env.invalidate_all()
            self.assertEqual(free.guide_stage_id, self.order_stage)

    def test_no_guide_by_default_only_for_managers(self):
        """``default_guide_id`` False (or 0) in the context: a salesperson's
        quotation still follows its team's guide; a manager's follows none."""
        lead = self._lead()
        context = lead.with_user(self.salesman).action_new_quotation()["context"]
        line = [(0, 0, {"product_id": self.product.id})]
        for default in (False, 0):
            order = (
                self.env["sale.order"]
                .with_user(self.salesman)
                .with_context(**context, default_guide_id=default)
                .create({"partner_id": self.partner.id, "order_line": line})
            )
            self.assertEqual(order.guide_id, self.quotation_guide)
            with self.assertRaises(GuideBlockedError):
                order.with_user(self.salesman).action_confirm()
            self.assertEqual(order.state, "draft")
        order = (
            self.env["sale.order"]
            .with_user(self.manager)
            .with_context(default_guide_id=0)
            .create({"partner_id": self.partner.id, "team_id": self.team.id})
        )
        self.assertFalse(order.guide_id)

    def test_confirmed_order_keeps_its_guide(self):
        """A confirmed order moved to a team with another quotation guide
        keeps its guide and stays in its order stage."""
        other_team = self.env["crm.team"].create(
            {"name": "Other Quote Team", "member_ids": [(6, 0, self.salesman.ids)]}
        )
        self.env["crm.guide"].create(
            {
                "name": "Other Team's Quotation Guide",
                "res_model": "sale.order",
                "team_ids": [(6, 0, other_team.ids)],
                "guide_stage_ids": [
                    (0, 0, {"sequence": 1, "name": "Q", "order_state": "draft"}),
                ],
            }
        )  # fmt: skip
        order = self._ready(self._quotation(self._lead()))
        order.with_user(self.salesman).action_confirm()
        order.with_user(self.salesman).write({"team_id": other_team.id})
        self.assertEqual(
            (order.guide_id, order.guide_stage_id),
            (self.quotation_guide, self.order_stage),
        )

    def test_create_past_the_guide_refused(self):
        """Over RPC or by import: neither a quotation created in the order
        stage nor an order created confirmed skips the blocking stage."""
        lead = self._lead()
        context = lead.with_user(self.salesman).action_new_quotation()["context"]
        Order = self.env["sale.order"].with_user(self.salesman).with_context(**context)
        line = [(0, 0, {"product_id": self.product.id})]
        count = self.env["sale.order"].search_count([])
        with self.assertRaises(UserError) as caught:
            Order.create(
                {"partner_id": self.partner.id, "order_line": line,
                 "guide_stage_id": self.order_stage.id}
            )  # fmt: skip
        self.assertIn("past a blocking stage", str(caught.exception))
        with self.assertRaises(GuideBlockedError):
            Order.create(
                {"partner_id": self.partner.id, "order_line": line, "state": "sale"}
            )
        self.assertEqual(self.env["sale.order"].search_count([]), count)

    def test_batch_with_one_refused_confirms_none(self):
        ready = self._ready(self._quotation(self._lead(name="Ready")))
        blocked = self._quotation(self._lead(name="Blocked"))
        with self.assertRaises(GuideBlockedError) as caught:
            (ready | blocked).with_user(self.salesman).action_confirm()
        self.assertIn(blocked.name, str(caught.exception))
        self.assertNotIn(ready.name, str(caught.exception))
        self.assertEqual((ready | blocked).mapped("state"), ["sent", "draft"])
        self.assertFalse(ready.opportunity_id.stage_id.is_won)

    def test_customers_follow_their_orders_once(self):
        """Quotations confirmed without being e-mailed: each customer follows
        their own orders once (Odoo's rule; the addon subscribes them once per
        customer for a batch)."""
        other = self.env["res.partner"].create({"name": "Second Customer"})
        customers = self.partner | other
        orders = self.env["sale.order"]
        for index, customer in enumerate((self.partner, other, other)):
            order = self._quotation(self._lead(name=f"Unsent {index}"))
            order.sudo().write({"guide_id": False, "partner_id": customer.id})
            orders |= order
        self.assertFalse(orders.message_partner_ids & customers)
        orders.with_user(self.salesman).action_confirm()
        self.env.invalidate_all()
        self.assertEqual(orders.mapped("state"), ["sale"] * 3)
        for order in orders:
            followers = order.message_follower_ids.filtered(
                lambda follower: follower.partner_id in customers
            )
            self.assertEqual(followers.partner_id, order.partner_id)
            self.assertEqual(len(followers), 1)

    def test_refused_confirmation_adds_no_follower(self):
        order = self._quotation(self._lead())
        order.sudo().guide_id = False
        cancelled = self._quotation(self._lead(name="Cancelled"))
        cancelled._action_cancel()
        # no savepoint (``assertRaises`` would roll back): what was written
        # before the refusal stays visible
        refused = None
        try:
            (order | cancelled).with_user(self.salesman).action_confirm()
        except UserError as error:
            refused = error
        self.assertIn("not in a state requiring confirmation", str(refused))
        self.env.invalidate_all()
        self.assertEqual(order.state, "draft")
        self.assertNotIn(self.partner, order.message_partner_ids)

    def _negotiation(self):
        """A stage after the blocking one, before the order stage."""
        self.order_stage.sequence = 6
        return self.env["crm.guide.stage"].create(
            {"guide_id": self.quotation_guide.id, "sequence": 5,
             "name": "Negotiation"}
        )  # fmt: skip

    def test_standing_past_the_gate_confirms_nothing(self):
        """A quotation standing after the blocking stage without having
        passed it (put there by a guide designer, or by any other way) is
        not confirmed: confirming counts every blocking stage before the
        order, wherever the quotation stands; a salesman cannot create it
        there."""
        negotiation = self._negotiation()
        lead = self._lead()
        context = lead.with_user(self.salesman).action_new_quotation()["context"]
        vals = {"partner_id": self.partner.id, "guide_stage_id": negotiation.id,
                "order_line": [(0, 0, {"product_id": self.product.id})]}  # fmt: skip
        with self.assertRaises(UserError) as caught:
            self.env["sale.order"].with_user(self.salesman).with_context(
                **context
            ).create(vals)
        self.assertIn("past a blocking stage", str(caught.exception))
        order = (
            self.env["sale.order"].with_user(self.manager).with_context(**context)
        ).create(vals)
        self.assertEqual(order.guide_stage_id, negotiation)
        with self.assertRaisesRegex(GuideBlockedError, "Confirm verbal acceptance"):
            order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertFalse(lead.stage_id.is_won)
        with self.assertRaises(UserError) as caught:
            order.with_user(self.salesman).copy({"guide_stage_id": negotiation.id})
        self.assertIn("past a blocking stage", str(caught.exception))

    def test_sending_never_jumps_a_blocking_stage(self):
        """A blocking stage before the stage entered when the quotation is
        sent: the quotation is sent, its guide stage waits, and confirming
        is refused until the stage's required step is closed."""
        self.draft.is_blocking = True
        check = self.env["crm.guide.step"].create(
            {"guide_stage_id": self.draft.id, "name": "Check the credit",
             "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
             "is_required": True}
        )  # fmt: skip
        order = self._quotation(self._lead())
        order.with_user(self.salesman).action_quotation_sent()
        self.assertEqual(order.state, "sent")
        self.assertEqual(order.guide_stage_id, self.draft)
        with self.assertRaisesRegex(GuideBlockedError, "Check the credit"):
            order.with_user(self.salesman).write({"guide_stage_id": self.sent.id})
        with self.assertRaisesRegex(GuideBlockedError, "Check the credit"):
            order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sent")
        rows = self._rows(order).filtered(lambda row: row.step_id == check)
        rows.with_user(self.salesman).action_done()
        order.with_user(self.salesman).write({"guide_stage_id": self.sent.id})
        self.assertEqual(order.guide_stage_id, self.sent)

    def test_quotation_again_leaves_the_order_stage(self):
        """Cancelled, then set back to draft: the quotation leaves the order
        stage, and confirming it again passes the blocking stage again."""
        lead = self._lead()
        order = self._ready(self._quotation(lead))
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.guide_stage_id, self.order_stage)
        order.with_user(self.salesman).with_context(
            disable_cancel_warning=True
        ).action_cancel()
        self.assertEqual(order.guide_stage_id, self.order_stage, "history kept")
        order.with_user(self.salesman).action_draft()
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.guide_stage_id, self.draft)
        self._step_row(order, "Confirm verbal acceptance").with_user(
            self.salesman
        ).action_reset()
        with self.assertRaisesRegex(GuideBlockedError, "Confirm verbal acceptance"):
            order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_confirmed_order_guide_not_cleared(self):
        order = self._ready(self._quotation(self._lead()))
        order.with_user(self.salesman).action_confirm()
        kickoff = self._step_row(order, "Kick-off call").activity_id
        with self.assertRaisesRegex(UserError, "keep their guide"):
            order.with_user(self.salesman).write({"guide_id": False})
        self.assertEqual(order.guide_id, self.quotation_guide)
        self.assertTrue(kickoff.exists())
        order.with_user(self.manager).write({"guide_id": False})
        self.assertFalse(order.guide_id)

    def test_other_salesmans_opportunity_untouched(self):
        """Linking one's quotation to an opportunity one may not edit closes
        none of its steps or activities and writes nothing in its chatter."""
        lead = self._lead(user=self.other_salesman)
        row = self._step_row(lead, "Create the quotation")
        activity = row.activity_id
        messages = lead.message_ids
        self.assertFalse(lead.with_user(self.salesman).has_access("read"))
        order = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .create(
                {"partner_id": self.partner.id, "team_id": self.team.id,
                 "opportunity_id": lead.id}
            )
        )  # fmt: skip
        own = self._quotation(self._lead(name="Own"))
        own.with_user(self.salesman).write({"opportunity_id": lead.id})
        self.env.invalidate_all()
        self.assertEqual(order.opportunity_id, lead)
        self.assertEqual(row.state, "todo")
        self.assertTrue(activity.exists())
        self.assertEqual(lead.message_ids, messages)

    def test_cancel_when_the_opportunity_is_another_salesmans(self):
        """The salesman still cancels his own quotation; no lost offer for an
        opportunity he may not edit, nor while a colleague's quotation he does
        not see is open."""
        lead = self._lead()
        order = self._quotation(lead)
        lead.user_id = self.other_salesman
        result = order.with_user(self.salesman).action_cancel()
        self.assertIs(result, True)
        self.assertEqual(order.state, "cancel")
        lead = self._lead(name="Shared deal")
        mine = self._quotation(lead)
        colleague = self._quotation(lead)
        colleague.user_id = self.other_salesman
        self.assertFalse(colleague.with_user(self.salesman).has_access("read"))
        self.assertIs(mine.with_user(self.salesman).action_cancel(), True)
        colleague.sudo().with_context(disable_cancel_warning=True).action_cancel()
        mine.action_draft()
        action = mine.with_user(self.salesman).action_cancel()
        self.assertEqual(action["res_model"], "crm.lead.lost")

    def test_bad_ids_are_refused_clearly(self):
        Order = self.env["sale.order"].with_user(self.salesman)
        for ids in ([True], [[1]]):
            for method in (
                "action_confirm",
                "action_guide_next_stage",
                "action_cancel",
            ):
                with self.assertRaisesRegex(UserError, "ids"):
                    getattr(Order.browse(ids), method)()
        with self.assertRaisesRegex(UserError, "ids"):
            Order.browse([True]).guide_get_panel_data()

    def test_guide_not_left_by_a_recomputed_team(self):
        """Odoo recomputes a quotation's team from its salesperson (and
        customer): a blocked quotation does not leave its guide that way."""
        outsider = new_test_user(
            self.env, login="q_outsider", groups="sales_team.group_sale_salesman"
        )
        self.env["crm.team"].create(
            {"name": "Unguided Quote Team", "member_ids": [(6, 0, outsider.ids)]}
        )
        order = self._quotation(self._lead())
        activities = order.activity_ids
        with self.assertRaises(GuideBlockedError) as caught:
            order.with_user(self.salesman).write({"user_id": outsider.id})
        # the message says what Odoo would do: another team
        self.assertIn("Unguided Quote Team", str(caught.exception))
        self.env.invalidate_all()
        self.assertEqual(
            (order.user_id, order.team_id, order.guide_id),
            (self.salesman, self.team, self.quotation_guide),
        )
        self.assertEqual(order.activity_ids, activities)
        # past its gate, it may follow its new team (which has no guide)
        ready = self._ready(self._quotation(self._lead(name="Ready")))
        ready.with_user(self.salesman).write({"user_id": outsider.id})
        self.assertFalse(ready.guide_id)

    def test_cancelled_or_confirmed_keeps_its_guide(self):
        """Cancel, clear the guide, back to draft, confirm: the guide cannot
        be cleared on the way, nor after writing a confirmed order back."""
        order = self._quotation(self._lead())
        order.with_user(self.salesman).with_context(
            disable_cancel_warning=True
        ).action_cancel()
        with self.assertRaisesRegex(UserError, "keep their guide"):
            order.with_user(self.salesman).write({"guide_id": False})
        confirmed = self._ready(self._quotation(self._lead(name="Confirmed")))
        confirmed.with_user(self.salesman).action_confirm()
        confirmed.with_user(self.salesman).write({"state": "draft"})
        with self.assertRaisesRegex(UserError, "keep their guide"):
            confirmed.with_user(self.salesman).write({"guide_id": False})
        self.assertEqual(confirmed.guide_id, self.quotation_guide)

    def test_confirm_wins_opportunity_and_plans_post_sale(self):
        lead = self._lead()
        order = self._ready(self._quotation(lead))
        call = self._step_row(lead, "Call the decision maker")
        call_activity = call.activity_id
        self.assertTrue(call_activity)
        result = order.with_user(self.salesman).action_confirm()
        self.assertIs(result, True)  # setting "never": no composer
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.guide_stage_id, self.order_stage)
        kickoff = self._step_row(order, "Kick-off call")
        self.assertTrue(kickoff.activity_id)
        self.assertEqual(
            kickoff.activity_id.date_deadline,
            order.guide_date_last_move.date() + __import__("datetime").timedelta(7),
        )
        self.assertTrue(lead.stage_id.is_won)
        self.assertEqual(lead.probability, 100)
        self.assertEqual(call.state, "na")
        self.assertFalse(call_activity.exists())
        note = lead.message_ids.filtered(lambda m: order.name in (m.body or ""))
        self.assertTrue(note, "the opportunity says why it was won")
        self.assertIn("Call the decision maker", note[0].body)

    def test_won_setting_off(self):
        self.company.crm_guide_won_on_confirm = False
        lead = self._lead()
        self._ready(self._quotation(lead)).with_user(self.salesman).action_confirm()
        self.assertFalse(lead.stage_id.is_won)

    def test_cancel_other_quotations_setting(self):
        lead = self._lead()
        first, second = self._quotation(lead), self._quotation(lead)
        self._ready(first).with_user(self.salesman).action_confirm()
        self.assertEqual(second.state, "draft", "setting off: kept")
        self.company.crm_guide_cancel_other_quotations = True
        lead2 = self._lead(name="Second deal")
        third, fourth = self._quotation(lead2), self._quotation(lead2)
        self.assertTrue(fourth.activity_ids, "its guide activities")
        self._ready(third).with_user(self.salesman).action_confirm()
        self.assertEqual(fourth.state, "cancel")
        # a cancelled quotation leaves no guide activity to do
        self.assertFalse(fourth.activity_ids)
        self.assertEqual(self._step_row(fourth, "Send the quotation").state, "na")
        self.assertIn("Send the quotation", fourth.message_ids[0].body)

    def test_email_ask_opens_composer(self):
        self.company.crm_guide_confirmation_email = "ask"
        order = self._ready(self._quotation(self._lead()))
        action = order.with_user(self.salesman).action_confirm()
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.assertEqual(
            action["context"]["default_template_id"],
            order._get_confirmation_template().id,
        )
        self.assertEqual(order.state, "sale")

    def test_email_always_queued_for_a_batch(self):
        self.company.crm_guide_confirmation_email = "always"
        orders = self._ready(self._quotation(self._lead(name="A"))) | self._ready(
            self._quotation(self._lead(name="B"))
        )
        mails_before = self.env["mail.mail"].sudo().search_count([])
        result = orders.with_user(self.salesman).action_confirm()
        self.assertIs(result, True)
        mails = self.env["mail.mail"].sudo().search([], order="id desc", limit=2)
        self.assertEqual(
            self.env["mail.mail"].sudo().search_count([]), mails_before + 2
        )
        self.assertEqual(set(mails.mapped("state")), {"outgoing"}, "queued")
        self.assertEqual(set(mails.mapped("model")), {"sale.order"})
        self.assertEqual(set(mails.mapped("res_id")), set(orders.ids))

    def test_email_never(self):
        order = self._ready(self._quotation(self._lead()))
        mails_before = self.env["mail.mail"].sudo().search_count([])
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails_before)

    def test_cancelling_every_quotation_offers_lost(self):
        lead = self._lead()
        first, second = self._quotation(lead), self._quotation(lead)
        self.assertIs(first.with_user(self.salesman).action_cancel(), True)
        action = second.with_user(self.salesman).action_cancel()
        self.assertEqual(action["res_model"], "crm.lead.lost")
        self.assertEqual(action["context"]["active_ids"], lead.ids)
        self.assertTrue(lead.active, "offered, never forced")

    def test_bad_input(self):
        lead = self._lead()
        empty = self._quotation(lead, lines=False)
        empty.with_user(self.manager).guide_id = False
        with self.assertRaisesRegex(UserError, "no product lines"):
            empty.with_user(self.salesman).action_confirm()
        self.assertEqual(empty.state, "draft")
        cancelled = self._quotation(lead)
        cancelled._action_cancel()
        with self.assertRaises(UserError):
            cancelled.with_user(self.salesman).action_confirm()
        self.assertEqual(cancelled.state, "cancel")

    def test_salesman_confirms_only_what_he_may_edit(self):
        self.salesman.groups_id = [
            (3, self.env.ref("sales_team.group_sale_salesman_all_leads").id)
        ]
        order = self._ready(self._quotation(self._lead(user=self.other_salesman),
                                            user=self.other_salesman))  # fmt: skip
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sent")

    def test_portal_acceptance_is_not_refused(self):
        """The customer signing online (sale's portal runs as the system)."""
        order = self._quotation(self._lead())
        order.sudo().action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.guide_stage_id, self.order_stage)
        # what the guide still asked is said on the order
        note = order.message_ids.filtered(lambda m: "online" in (m.body or ""))
        self.assertEqual(len(note), 1, "the open required steps are said")
        self.assertIn("Confirm verbal acceptance (Verbal acceptance)", note.body)
        ready = self._ready(self._quotation(self._lead(name="Ready")))
        ready.sudo().action_confirm()
        self.assertFalse(
            ready.message_ids.filtered(lambda m: "online" in (m.body or ""))
        )


@tagged("post_install", "-at_install")
class TestQuoteToOrderQueries(QuotationCommon):
    def _orders(self, count, guided):
        orders = self.env["sale.order"]
        for index in range(count):
            lead = self._lead(name=f"Batch {index}")
            if not guided:
                lead.guide_id = False
            order = self._quotation(lead)
            if guided:
                self._ready(order)
            else:
                order.sudo().guide_id = False
                order.action_quotation_sent()
            orders |= order
        return orders

    def _count(self, orders):
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        orders.with_user(self.salesman).action_confirm()
        self.env.flush_all()
        return self.env.cr.sql_log_count - start

    def test_confirmation_queries_do_not_grow_per_record(self):
        # warm the caches on both sides first
        self._count(self._orders(2, False))
        self._count(self._orders(2, True))
        plain = (
            self._count(self._orders(10, False)),
            self._count(self._orders(20, False)),
        )
        guided = (
            self._count(self._orders(10, True)),
            self._count(self._orders(20, True)),
        )
        plain_growth, guided_growth = plain[1] - plain[0], guided[1] - guided[0]
        # Odoo's own count wobbles by a query or two between runs (sequences,
        # followers); a query per order would add ten
        self.assertLess(
            guided_growth - max(plain_growth, 0),
            5,
            f"guided confirmation grows by {guided_growth} queries per 10 orders, "
            f"plain Odoo by {plain_growth} (counts: guided {guided}, plain {plain})",
        )
