# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Sales' glue: the quote rules of a quotation guide. A quotation is valid
as many days as its guide says; one that gives more discount or less margin
than its guide allows needs an approval before it is sent, accepted on the
portal or confirmed."""

import hashlib
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, format_list
from odoo.tools.misc import formatLang

from .order_states import QUOTATION_STATES

APPROVAL_STATES = [
    ("not_needed", "Not Needed"),
    ("to_approve", "To Approve"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]
#: a quotation in these states may not be sent, accepted or confirmed
UNAPPROVED = ("to_approve", "rejected")
#: what the rules are computed from: any change takes an approved quotation
#: back to ``to_approve`` while it still breaks a rule
RULE_DEPENDS = (
    "guide_id",
    "company_id",
    "currency_id",
    "order_line.product_id",
    "order_line.product_uom_qty",
    "order_line.product_uom",
    "order_line.price_unit",
    "order_line.discount",
    "order_line.price_subtotal",
    "guide_id.approval_max_discount",
    "guide_id.approval_min_margin",
    "guide_id.company_id",
)


# The model is extended by concern, in several files of this addon.
# pylint: disable=consider-merging-classes-inherited
class SaleOrder(models.Model):
    _inherit = "sale.order"
    _guide_protected_fields = (
        "guide_progress",
        "guide_date_last_move",
        "guide_record_step_ids",
        "guide_approval_state",
        "guide_approval_reason",
        "guide_approval_user_id",
        "guide_approval_date",
        "guide_approval_key",
    )

    guide_approval_state = fields.Selection(
        APPROVAL_STATES,
        string="Approval",
        compute="_compute_guide_approval",
        store=True,
        index=True,
        copy=False,
        tracking=True,
        help="Whether the quotation breaks a quote rule of its guide (a discount "
        "above, a margin below the guide's limit) and, if so, whether it was "
        "approved.",
    )
    guide_approval_reason = fields.Text(
        "Approval Reason",
        compute="_compute_guide_approval",
        store=True,
        copy=False,
        help="The quote rules the quotation breaks, with their figures.",
    )
    guide_approval_user_id = fields.Many2one(
        "res.users", "Approved or Rejected By", copy=False, readonly=True
    )
    guide_approval_date = fields.Datetime(
        "Approved or Rejected On", copy=False, readonly=True
    )
    guide_approval_key = fields.Char(
        "Approved Figures", copy=False, readonly=True, groups="base.group_system"
    )
    guide_can_approve = fields.Boolean(
        "Can Approve", compute="_compute_guide_can_approve"
    )

    # ------------------------------------------------------------------
    # Validity
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        # valid for the guide's days from today, unless a date was given
        orders.browse(
            order.id
            for order, vals in zip(orders, vals_list, strict=True)
            if "validity_date" not in vals and order.state in QUOTATION_STATES
        )._guide_validity_on_send()
        return orders

    def _guide_validity_on_send(self):
        """Created or sent: valid for the guide's days from today (when it
        says)."""
        today = fields.Date.context_today(self)
        by_days = {}
        for order in self:
            days = order.guide_id.quote_validity_days
            if days > 0:
                by_days.setdefault(days, self.browse())
                by_days[days] |= order
        for days, orders in by_days.items():
            orders.write({"validity_date": today + timedelta(days)})

    # ------------------------------------------------------------------
    # The rules
    # ------------------------------------------------------------------

    @api.depends(*RULE_DEPENDS)
    def _compute_guide_approval(self):
        """Which rule each quotation breaks, with its figures, for the whole
        batch in a fixed number of queries (costs read per company, one
        currency rate per order); any change of what the rules read takes an
        approved or rejected quotation back to ``to_approve`` while it still
        breaks a rule."""
        quotations = self.filtered(lambda o: o.state in QUOTATION_STATES or not o.id)
        for order in self - quotations:
            # an order or a cancelled quotation keeps its history
            order.guide_approval_state = order.guide_approval_state or "not_needed"
            order.guide_approval_reason = order.guide_approval_reason
        reasons = quotations._guide_rule_breaks()
        for order in quotations:
            reason = reasons.get(order.id if order.id else order)
            order.guide_approval_reason = reason or False
            decided = order.guide_approval_state in ("approved", "rejected")
            if not reason:
                order.guide_approval_state = "not_needed"
            elif not (
                decided
                and order.sudo().guide_approval_key == order._guide_approval_figures()
            ):
                # new, or changed since it was approved or rejected
                order.guide_approval_state = "to_approve"
            else:
                order.guide_approval_state = order.guide_approval_state

    def _guide_approval_figures(self):
        """What an approval is given for: the currency and each line's
        product, quantity, unit, price and discount (read from memory)."""
        self.ensure_one()
        figures = sorted(
            (
                line.product_id.id,
                line.product_uom.id,
                round(line.product_uom_qty, 6),
                round(line.price_unit, 6),
                round(line.discount, 6),
            )
            for line in self.order_line
            if not line.display_type
        )
        return hashlib.sha256(repr((self.currency_id.id, figures)).encode()).hexdigest()

    def _guide_rule_guide(self):
        """The guide whose rules apply to this quotation: its own, unless it
        belongs to another company."""
        self.ensure_one()
        guide = self.guide_id
        if not guide or (guide.company_id and guide.company_id != self.company_id):
            return guide.browse()
        return guide if guide._guide_has_approval_rule() else guide.browse()

    def _guide_rule_breaks(self):
        """``{order id (or new record): reason}`` for the quotations that
        break a rule of their guide."""
        reasons = {}
        ruled = self.filtered(lambda o: o._guide_rule_guide())
        if not ruled:
            return reasons
        costs = ruled._guide_line_costs()
        for order in ruled:
            guide = order._guide_rule_guide()
            lines = order.order_line.filtered(lambda line: not line.display_type)
            parts = []
            max_discount = guide.approval_max_discount
            if max_discount:
                over = lines.filtered(
                    lambda line, m=max_discount: float_compare(
                        line.discount, m, precision_digits=2
                    )
                    > 0
                )
                if over:
                    top = formatLang(self.env, max(over.mapped("discount")), digits=2)
                    names = [
                        line.product_id.display_name or line.name for line in over[:5]
                    ]
                    parts.append(
                        self.env._(
                            "Discount of %(discount)s %% above the %(limit)s %% "
                            "allowed without approval (%(lines)s).",
                            discount=top,
                            limit=formatLang(self.env, max_discount, digits=2),
                            lines=format_list(self.env, names),
                        )
                    )
            min_margin = guide.approval_min_margin
            if min_margin and lines:
                untaxed = sum(lines.mapped("price_subtotal"))
                cost = sum(costs.get(line, 0.0) for line in lines)
                margin = (untaxed - cost) / untaxed * 100 if untaxed else 0.0
                if float_compare(margin, min_margin, precision_digits=2) < 0:
                    figures = {
                        "margin": formatLang(self.env, margin, digits=2),
                        "limit": formatLang(self.env, min_margin, digits=2),
                        "untaxed": formatLang(
                            self.env, untaxed, currency_obj=order.currency_id
                        ),
                        "cost": formatLang(
                            self.env, cost, currency_obj=order.currency_id
                        ),
                    }
                    parts.append(
                        self.env._(
                            "Margin of %(margin)s %% below the %(limit)s %% allowed "
                            "without approval (untaxed %(untaxed)s, cost %(cost)s).",
                            **figures,
                        )
                    )
            if parts:
                reasons[order.id if order.id else order] = "\n".join(parts)
        return reasons

    def _guide_line_costs(self):
        """``{line: cost}`` in the order's currency: sale_margin's purchase
        price when installed, else the product's cost in the order's company,
        converted once per order."""
        lines = self.order_line.filtered(
            lambda line: not line.display_type and line.product_id
        )
        if not lines:
            return {}
        if "purchase_price" in lines._fields:
            return {line: line.purchase_price * line.product_uom_qty for line in lines}
        costs = {}
        for company, orders in self.grouped("company_id").items():
            company_lines = lines.filtered(lambda line, o=orders: line.order_id in o)
            # the products' cost in that company, read for all of them at once
            products = company_lines.product_id.with_company(company)
            products.mapped("standard_price")
            for order in orders:
                rate = company.currency_id._get_conversion_rate(
                    company.currency_id,
                    order.currency_id or company.currency_id,
                    company,
                    (order.date_order or fields.Datetime.now()).date(),
                )
                for line in company_lines.filtered(
                    lambda li, o=order: li.order_id == o
                ):
                    product = line.product_id.with_company(company)
                    qty = line.product_uom_qty
                    if line.product_uom and line.product_uom != product.uom_id:
                        qty = line.product_uom._compute_quantity(
                            qty, product.uom_id, raise_if_failure=False
                        )
                    costs[line] = product.standard_price * qty * rate
        return costs

    # ------------------------------------------------------------------
    # The gates
    # ------------------------------------------------------------------

    def _guide_unapproved(self):
        return self.filtered(
            lambda o: o.state in QUOTATION_STATES
            and o.guide_approval_state in UNAPPROVED
        )

    def _guide_approval_error(self, message):
        """One message naming each unapproved quotation and its rule."""
        return UserError(
            message
            + "\n"
            + "\n".join(
                f"{order.display_name}: {order.guide_approval_reason or ''}"
                for order in self
            )
        )

    def _guide_check_approved(self, message):
        """Refuse, with ``message``, while a quotation waits for approval."""
        unapproved = self._guide_unapproved()
        if unapproved:
            raise unapproved._guide_approval_error(message)

    def _guide_check_approved_send(self):
        self._guide_check_approved(
            self.env._(
                "These quotations break a quote rule of their guide: they "
                "cannot be sent before they are approved."
            )
        )

    def _guide_check_approved_confirm(self):
        self._guide_check_approved(
            self.env._(
                "These quotations break a quote rule of their guide: none "
                "is confirmed before each is approved."
            )
        )

    def _guide_check_approved_accept(self):
        self._guide_check_approved(
            self.env._(
                "This quotation cannot be accepted online yet: the company "
                "must approve it first."
            )
        )

    def _guide_check_confirm(self, states=QUOTATION_STATES):
        self._guide_check_approved_confirm()
        return super()._guide_check_confirm(states=states)

    def action_quotation_send(self):
        self._guide_check_approved_send()
        return super().action_quotation_send()

    def action_quotation_sent(self):
        self._guide_check_approved_send()
        return super().action_quotation_sent()

    def message_post(self, **kwargs):
        if self.env.context.get("mark_so_as_sent"):
            self._guide_check_approved_send()
        return super().message_post(**kwargs)

    def message_post_with_source(self, source_ref, **kwargs):
        if self._guide_is_quotation_template(source_ref):
            self._guide_check_approved_send()
        return super().message_post_with_source(source_ref, **kwargs)

    def _guide_is_quotation_template(self, source):
        """Whether ``source`` (a template, or its xml id) sends the
        quotation itself."""
        if isinstance(source, str):
            source = self.env.ref(source, raise_if_not_found=False)
        if not source or source._name != "mail.template":
            return False
        quotation = self.env.ref(
            "sale.email_template_edi_sale", raise_if_not_found=False
        )
        return source == quotation or any(
            source == order._find_mail_template() for order in self
        )

    def write(self, vals):
        if vals.get("state") == "sent":
            self.filtered(lambda o: o.state == "draft")._guide_check_approved_send()
        result = super().write(vals)
        if vals.get("state") == "sent":
            self._guide_validity_on_send()
        return result

    def _has_to_be_signed(self):
        return super()._has_to_be_signed() and not self._guide_unapproved()

    def _has_to_be_paid(self):
        return super()._has_to_be_paid() and not self._guide_unapproved()

    # ------------------------------------------------------------------
    # Who approves
    # ------------------------------------------------------------------

    def _guide_approvers(self):
        """The user the approval activity is planned for."""
        self.ensure_one()
        guide = self.guide_id.sudo()
        if guide.approval_user_rule == "team_leader":
            return self.team_id.sudo().user_id or guide.approval_user_id
        if guide.approval_user_rule == "sales_manager":
            if guide.approval_user_id:
                return guide.approval_user_id
            group = self.env.ref("sales_team.group_sale_manager").sudo()
            managers = (
                group.all_user_ids if "all_user_ids" in group._fields else (group.users)
            )
            return managers.filtered(
                lambda u: not u.share
                and self.company_id in u.company_ids
                and u.id != self.env.ref("base.user_root").id
            )[:1]
        return guide.approval_user_id

    def _guide_may_approve(self, user=None):
        """Whether ``user`` may approve this quotation: the rule's approver,
        or a sales manager; never their own quotation unless the guide allows
        it and they are its approver."""
        self.ensure_one()
        user = user or self.env.user
        approver = self._guide_approvers()
        if user != approver and not user.has_group("sales_team.group_sale_manager"):
            return False
        if user == self.user_id:
            return bool(self.guide_id.sudo().approval_allow_self and user == approver)
        return True

    @api.depends_context("uid")
    @api.depends("guide_approval_state", "user_id", "team_id", "guide_id")
    def _compute_guide_can_approve(self):
        for order in self:
            order.guide_can_approve = (
                order.guide_approval_state == "to_approve"
                and order.state in QUOTATION_STATES
                and order._guide_may_approve()
            )

    # ------------------------------------------------------------------
    # The actions
    # ------------------------------------------------------------------

    def _guide_approval_activity_type(self):
        return self.env.ref("crm_workflow_guide.mail_activity_type_quote_approval")

    def action_guide_request_approval(self):
        """Plan the approval activity for the approver of each quotation that
        breaks a rule (the salesperson's request)."""
        self.check_access("write")
        waiting = self.filtered(
            lambda o: o.state in QUOTATION_STATES
            and o.guide_approval_state in UNAPPROVED
        )
        if not waiting or waiting != self:
            raise UserError(
                self.env._(
                    "Only a quotation that breaks a quote rule of its guide and is "
                    "not approved yet needs an approval: %(orders)s.",
                    orders=format_list(
                        self.env, (self - waiting).mapped("display_name")
                    ),
                )
            )
        activity_type = self._guide_approval_activity_type()
        planned = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", waiting.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
        planned_ids = set(planned.mapped("res_id"))
        vals_list = []
        for order in waiting:
            approver = order._guide_approvers()
            if not approver:
                raise UserError(
                    self.env._(
                        "Nobody approves the quotation %(order)s: its team has no "
                        "leader, or its guide names no approver.",
                        order=order.display_name,
                    )
                )
            if order.id in planned_ids:
                continue
            vals_list.append(
                {
                    "res_model_id": self.env["ir.model"]._get_id(self._name),
                    "res_id": order.id,
                    "activity_type_id": activity_type.id,
                    "summary": self.env._(
                        "Approve the quotation %(order)s", order=order.name
                    ),
                    "note": Markup("<p>%s</p>") % (order.guide_approval_reason or ""),
                    "user_id": approver.id,
                    "date_deadline": fields.Date.context_today(self),
                }
            )
        if vals_list:
            # planned for somebody else: the salesperson may write the order
            # (checked above), the approver's activity is the system's
            self.env["mail.activity"].sudo().create(vals_list)
        waiting.filtered(lambda o: o.guide_approval_state == "rejected").sudo().write(
            {"guide_approval_state": "to_approve"}
        )
        waiting._message_log_batch(
            {
                order.id: Markup("<p>%s</p>")
                % self.env._(
                    "Approval requested: %(reason)s",
                    reason=order.guide_approval_reason or "",
                )
                for order in waiting
            }
        )
        return True

    def action_guide_approve(self, reason=None):
        return self._guide_decide("approved", reason)

    def action_guide_reject(self, reason=None):
        if reason is None and not self.env.context.get("guide_approval_reason_given"):
            # the reason comes from a small wizard
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Reject the Quotation"),
                "res_model": "crm.guide.approval.wizard",
                "view_mode": "form",
                "target": "new",
                "context": {
                    "default_order_ids": self.ids,
                    "default_decision": "rejected",
                },
            }
        return self._guide_decide("rejected", reason)

    def _guide_decide(self, decision, reason=None):
        """Approve or reject: the approver (or a sales manager) who may read
        the quotation; logged with user, date and figures; the approval
        activity is closed."""
        if reason is not None and not isinstance(reason, str):
            raise UserError(self.env._("The reason of an approval is a text."))
        self.check_access("read")
        for order in self:
            if (
                order.state not in QUOTATION_STATES
                or order.guide_approval_state not in UNAPPROVED
            ):
                raise UserError(
                    self.env._(
                        "The quotation %(order)s has nothing to approve or reject.",
                        order=order.display_name,
                    )
                )
            if not order._guide_may_approve():
                raise AccessError(
                    self.env._(
                        "You may not approve or reject the quotation %(order)s: only "
                        "the approver of its guide's rule or a sales manager may, "
                        "never for a quotation of their own.",
                        order=order.display_name,
                    )
                )
        now = fields.Datetime.now()
        for order in self:
            order.sudo().write(
                {
                    "guide_approval_state": decision,
                    "guide_approval_user_id": self.env.uid,
                    "guide_approval_date": now,
                    "guide_approval_key": order._guide_approval_figures(),
                }
            )
        bodies = {}
        for order in self:
            text = (
                self.env._(
                    "Quotation approved by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=order.guide_approval_reason or "",
                )
                if decision == "approved"
                else self.env._(
                    "Quotation rejected by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=order.guide_approval_reason or "",
                )
            )
            body = Markup("<p>%s</p>") % text
            if reason:
                body += Markup("<p>%s</p>") % self.env._(
                    "Reason: %(reason)s", reason=reason
                )
            bodies[order.id] = body
        # logged as the system: an approver who may only read the quotation
        self.sudo()._message_log_batch(bodies, author_id=self.env.user.partner_id.id)
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", self._guide_approval_activity_type().id),
                ]
            )
        )
        if activities and not self.env.context.get("guide_approval_from_activity"):
            activities.with_context(guide_approval_from_activity=True).action_feedback(
                feedback=reason or ""
            )
        return True
