# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import SALESMAN, new_company_user, new_users
from .test_quotation import QuotationCommon

#: checking the rules of a quotation, whatever its number of lines
RULE_QUERIES = 11


@tagged("post_install", "-at_install")
class TestQuoteRules(QuotationCommon):
    """The quotation guide allows 20 % discount and asks 30 % margin; its
    team leader (the sales manager of the team) approves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the Verbal acceptance gate is not what these tests are about
        cls.verbal.is_blocking = False
        cls.quotation_guide.write(
            {
                "quote_validity_days": 10,
                "approval_max_discount": 20.0,
                "approval_min_margin": 30.0,
                "approval_user_rule": "team_leader",
            }
        )
        cls.product.standard_price = 50.0
        (cls.leader,) = new_users(cls.env, ("q_leader", "Quote Leader", SALESMAN))
        cls.team.user_id = cls.leader
        cls.leader.groups_id = [
            (4, cls.env.ref("sales_team.group_sale_salesman_all_leads").id)
        ]

    def _order(self, discount=0.0, user=None):
        order = self._quotation(self._lead(user=user), user=user)
        order.order_line.discount = discount
        return order

    def _db(self, order):
        self.env.invalidate_all()
        return order.sudo().read(["state", "guide_approval_state"])[0]

    def test_validity_from_guide(self):
        order = self._order()
        today = fields.Date.context_today(order)
        self.assertEqual(order.validity_date, today + timedelta(days=10))
        order.validity_date = today + timedelta(days=3)
        self.assertEqual(
            order.validity_date, today + timedelta(days=3), "the rep may change it"
        )

    def test_discount_rule_reason_and_gates(self):
        order = self._order(discount=25.0)
        self.assertEqual(order.guide_approval_state, "to_approve")
        self.assertIn("25.00", order.guide_approval_reason)
        self.assertIn("20.00", order.guide_approval_reason)
        for action in (
            "action_quotation_send",
            "action_quotation_sent",
            "action_confirm",
        ):
            with self.assertRaisesRegex(UserError, order.name):
                getattr(order, action)()
            self.assertEqual(self._db(order)["state"], "draft")
        with self.assertRaises(UserError):
            order.message_post_with_source("sale.email_template_edi_sale")
        self.assertFalse(order.sudo()._has_to_be_signed())
        self.assertFalse(order.sudo()._has_to_be_paid())

    def test_compliant_needs_nothing(self):
        order = self._order(discount=10.0)
        self.assertEqual(order.guide_approval_state, "not_needed")
        self.assertFalse(order.guide_approval_reason)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_margin_rule(self):
        self.product.standard_price = 80.0  # 20 % margin < 30 %
        order = self._order()
        self.assertEqual(order.guide_approval_state, "to_approve")
        self.assertIn("20.00", order.guide_approval_reason)
        self.assertIn("80.00", order.guide_approval_reason)
        order.order_line.price_unit = 200.0  # 60 %: compliant again
        self.assertEqual(order.guide_approval_state, "not_needed")

    def test_request_approve_then_change(self):
        order = self._order(discount=25.0)
        order.action_guide_request_approval()
        activity = order.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("crm_workflow_guide.mail_activity_type_quote_approval")
        )
        self.assertEqual(activity.user_id, self.leader)
        # the salesman never approves their own quotation
        with self.assertRaises(AccessError):
            order.action_guide_approve()
        with self.assertRaises(AccessError):
            activity.with_user(self.salesman).action_feedback(feedback="me")
        self.assertEqual(self._db(order)["guide_approval_state"], "to_approve")
        order.with_user(self.leader).action_guide_approve(reason="Key account")
        self.assertEqual(order.guide_approval_state, "approved")
        self.assertEqual(order.guide_approval_user_id, self.leader)
        self.assertFalse(activity.exists(), "the approval activity is done")
        self.assertTrue(
            order.message_ids.filtered(lambda m: "Key account" in (m.body or ""))
        )
        # a later change that still breaks the rule: approval again
        order.order_line.product_uom_qty = 3
        self.assertEqual(order.guide_approval_state, "to_approve")
        with self.assertRaises(UserError):
            order.action_confirm()
        order.with_user(self.leader).action_guide_approve()
        order.action_quotation_sent()
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.guide_approval_state, "approved", "history kept")

    def test_approve_from_activity(self):
        order = self._order(discount=25.0)
        order.action_guide_request_approval()
        activity = order.with_user(self.leader).activity_ids.filtered(
            lambda a: a.user_id == self.leader
        )
        activity.action_feedback(feedback="OK for this one")
        self.assertEqual(order.guide_approval_state, "approved")

    def test_reject_with_reason(self):
        order = self._order(discount=25.0)
        order.action_guide_request_approval()
        action = order.with_user(self.leader).action_guide_reject()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.leader)
            .with_context(**action["context"])
            .create({"reason": "Too cheap"})
        )
        wizard.action_confirm()
        self.assertEqual(order.guide_approval_state, "rejected")
        with self.assertRaises(UserError):
            order.action_confirm()
        order.action_cancel()
        order.action_draft()
        self.assertEqual(self._db(order)["guide_approval_state"], "rejected")

    def test_rpc_cannot_write_approval(self):
        order = self._order(discount=25.0)
        for vals in (
            {"guide_approval_state": "approved"},
            {"guide_approval_reason": False},
            {
                "guide_approval_state": "approved",
                "order_line": [(1, order.order_line.id, {"discount": 5})],
            },
        ):
            with self.assertRaises(UserError):
                order.write(vals)
        self.assertEqual(self._db(order)["guide_approval_state"], "to_approve")
        self.assertEqual(order.order_line.discount, 25.0)

    def test_other_salesman_and_manager(self):
        order = self._order(discount=25.0)
        with self.assertRaises(AccessError):
            order.with_user(self.other_salesman).action_guide_approve()
        # a sales manager may approve (not their own)
        order.with_user(self.manager).action_guide_approve()
        self.assertEqual(order.guide_approval_state, "approved")

    def test_self_approval(self):
        self.team.user_id = self.salesman
        order = self._order(discount=25.0)
        with self.assertRaises(AccessError):
            order.action_guide_approve()
        self.quotation_guide.approval_allow_self = True
        order.action_guide_approve()
        self.assertEqual(order.guide_approval_state, "approved")

    def test_batch_confirm_one_unapproved_confirms_none(self):
        orders = self._order(discount=5.0) | self._order(discount=25.0)
        with self.assertRaises(UserError):
            orders.action_confirm()
        self.assertEqual(set(orders.sudo().mapped("state")), {"draft"})
        with self.assertRaises(UserError):
            orders.write({"state": "sale"})
        self.env.invalidate_all()
        self.assertEqual(set(orders.sudo().mapped("state")), {"draft"})

    def test_other_company_rules_never_apply(self):
        self.quotation_guide.company_id = self.env.company
        other = self.env["res.company"].create({"name": "Other Quote Co"})
        user = new_company_user(self.env, "q_other_co", SALESMAN, other)
        order = (
            self.env["sale.order"]
            .with_user(user)
            .with_company(other)
            .create(
                {
                    "partner_id": self.partner.id,
                    "order_line": [
                        (0, 0, {"product_id": self.product.id, "discount": 50})
                    ],
                }
            )
        )
        self.assertNotEqual(order.guide_id, self.quotation_guide)
        self.assertEqual(order.guide_approval_state, "not_needed")
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        # nor may the other company's user approve this company's quotation
        mine = self._order(discount=25.0)
        with self.assertRaises(AccessError):
            mine.with_user(user).action_guide_approve()
        self.assertEqual(self._db(mine)["guide_approval_state"], "to_approve")

    def test_portal_accept_refused(self):
        order = self._order(discount=25.0)
        order.require_signature = True
        with self.assertRaisesRegex(UserError, order.name):
            order.sudo()._guide_check_approved_accept()
        self.assertFalse(order.sudo()._has_to_be_signed())

    def test_rule_queries_do_not_grow(self):
        """Checking the rules of a quotation costs the same queries for 20
        and for 200 lines."""
        product2 = self.env["product.product"].create(
            {"name": "W2", "standard_price": 1.0}
        )

        def order_of(count):
            return self.env["sale.order"].create(
                {
                    "partner_id": self.partner.id,
                    "team_id": self.team.id,
                    "user_id": self.salesman.id,
                    "order_line": [
                        (0, 0, {"product_id": (self.product if i % 2 else product2).id,
                                "discount": 25.0 if i == 1 else 5.0})
                        for i in range(count)
                    ],
                }
            ).with_user(self.salesman)  # fmt: skip

        for order in (order_of(20), order_of(200)):
            self.assertEqual(order.guide_approval_state, "to_approve")
            # the registry's caches of a first call (record rules)
            self.env.invalidate_all()
            order._guide_rule_breaks()
            self.env.invalidate_all()
            with self.assertQueryCount(RULE_QUERIES):
                reasons = order._guide_rule_breaks()
            self.assertIn(order.id, reasons)


@tagged("post_install", "-at_install")
class TestQuoteRulesPortal(HttpCase):
    """The customer, on the portal, cannot accept or pay a quotation that
    waits for its approval."""

    @mute_logger("odoo.http")  # the refused payment is expected
    def test_portal_accept_and_pay_refused(self):
        guide = self.env["crm.guide"].create(
            {
                "name": "Portal rules guide",
                "res_model": "sale.order",
                "sequence": -5,
                "approval_max_discount": 10.0,
                "guide_stage_ids": [(0, 0, {"name": "Draft", "order_state": "draft"})],
            }
        )
        partner = self.env["res.partner"].create(
            {"name": "Portal Buyer", "email": "portal.buyer@example.com"}
        )
        product = self.env["product.product"].create(
            {"name": "Portal Widget", "list_price": 10.0}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "guide_id": guide.id,
                "require_signature": True,
                "order_line": [(0, 0, {"product_id": product.id, "discount": 30.0})],
            }
        )
        self.assertEqual(order.guide_approval_state, "to_approve")
        token = order._portal_ensure_token()
        for suffix, params in (
            ("accept", {"name": "Buyer", "signature": "R0lGODlhAQABAAAAACw="}),
            ("transaction", {"access_token": token}),
        ):
            response = self.url_open(
                f"/my/orders/{order.id}/{suffix}?access_token={token}",
                data=json.dumps({"jsonrpc": "2.0", "params": params}),
                headers={"Content-Type": "application/json"},
            )
            answer = response.json()
            text = json.dumps(answer.get("result") or answer.get("error"))
            self.assertIn(order.name, text)
            self.assertIn("approve", text)
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.signature)
        self.assertFalse(order.transaction_ids)
