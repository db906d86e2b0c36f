# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Sales' glue: confirming a quotation passes its guide, wins the
opportunity it came from, cancels its other quotations and e-mails the
confirmation, as the company's settings say."""

from markupsafe import Markup

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import format_list

from .. import engine
from .order_states import (
    CONFIRM_CHECKED,
    QUOTATION_STATES,
    format_names,
)


# The model is extended by concern, in several files of this addon.
# pylint: disable=consider-merging-classes-inherited
class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _guide_confirm_gates(self, states=QUOTATION_STATES, guides=None):
        """``{order id: blocking guide stages}`` a confirmation must have
        passed: every blocking stage of the guide before its order stage (the
        whole guide when it has none), wherever the quotation stands. A
        quotation created, copied or imported in a later stage, e-mailed past
        a blocking stage or set back to a quotation after its confirmation
        still has them ahead of its order. ``guides``: ``{order id: guide}``
        to use instead of the orders' own."""
        gates = {}
        gates_of = {}  # per guide: the same for a whole batch
        for order in self:
            guide = guides[order.id] if guides is not None else order.guide_id
            if not guide or order.state not in states:
                continue
            if guide not in gates_of:
                order_stage = guide._guide_stage_in_state("sale")
                gates_of[guide] = guide.guide_stage_ids.filtered(
                    lambda gs, o=order_stage: gs.is_blocking
                    and (not o or engine.is_forward(gs._sort_key(), o._sort_key()))
                )
            if gates_of[guide]:
                gates[order.id] = gates_of[guide]
        return gates

    def _guide_check_confirm(self, states=QUOTATION_STATES):
        """Refuse, before anything is written, to confirm quotations while a
        blocking stage of their guide has required steps open; one refused
        quotation refuses the batch."""
        blocked = self._guide_blocked_moves(self._guide_confirm_gates(states))
        if self.env.su:
            # the customer signing or paying online (portal flows run as the
            # system): their acceptance is the confirmation; what the guide
            # still asked is said on the order, for the salesperson and team
            if blocked:
                self.browse(list(blocked))._guide_log_accepted_open(blocked)
            return
        if blocked:
            raise self._guide_blocking_error(
                blocked,
                intro=self.env._(
                    "These quotations cannot be confirmed yet: required steps of "
                    "the blocking stages of their guide are neither done nor "
                    "marked not applicable."
                ),
            )
        # quote to order: confirming wins the opportunity and moves the guide,
        # so a quotation of the CRM flow sells something; a quotation made
        # outside it confirms as in plain Odoo
        empty = self.filtered(
            lambda order: order.state in states
            and (order.guide_id or order.opportunity_id)
            and not order.order_line.filtered(lambda line: not line.display_type)
        )
        if empty:
            raise UserError(
                self.env._(
                    "These quotations have no product lines; add what you sell "
                    "before confirming them: %(orders)s",
                    orders=format_list(self.env, empty.mapped("display_name")),
                )
            )

    def _guide_log_accepted_open(self, blocked):
        """Orders confirmed by the customer online while required steps of
        their guide were open (``blocked``: ``{order id: steps}``)."""
        self._message_log_batch(
            {
                order.id: Markup("<p>%s</p>")
                % self.env._(
                    "Confirmed by the customer online while required steps of "
                    "its guide were open: %(steps)s.",
                    steps=self._guide_steps_label(blocked[order.id]),
                )
                for order in self
            }
        )

    def action_confirm(self):
        # two users confirming the same quotation at once: the second waits,
        # then Odoo retries its request and finds it confirmed
        self._guide_lock_records()
        self._guide_check_confirm()
        # the check holds for the write of the state within this call only
        # (kept on the cursor: nothing a client can send)
        checked = self.env.cr.cache.setdefault(CONFIRM_CHECKED, set())
        checked.update(self.ids)
        try:
            self._guide_subscribe_customers()
            result = super().action_confirm()
        finally:
            checked.difference_update(self.ids)
        confirmed = self.filtered(lambda order: order.state == "sale")
        action = confirmed._guide_after_confirm()
        if isinstance(action, dict) and result is True:
            return action
        return result

    def _guide_subscribe_customers(self):
        """Odoo's confirmation makes each customer follow their order, one
        order at a time (five queries an order for quotations not sent by
        e-mail); done here once per customer for the whole batch, so that
        Odoo's loop finds them following. Only once Odoo's own checks pass:
        a refused confirmation adds no follower."""
        if any(order._confirmation_error_message() for order in self):
            return
        self.order_line._validate_analytic_distribution()
        new = self.filtered(
            lambda order: order.partner_id
            and order.partner_id not in order.message_partner_ids
        )
        for partner, orders in new.grouped("partner_id").items():
            orders.message_subscribe(partner_ids=partner.ids)

    def _guide_after_confirm(self):
        """The opportunities are won, their other quotations cancelled, and
        the confirmation e-mailed, as each company's settings say. Returns
        the e-mail composer when the setting asks and one order was confirmed
        by a user."""
        self._guide_close_opportunities()
        email = self.filtered(
            lambda order: order.company_id.crm_guide_confirmation_email == "always"
        )
        if email and not self.env.context.get("send_email"):
            # Odoo sends at once when asked with ``send_email``; otherwise
            # through the mail queue
            email.with_context(
                mail_notify_force_send=False
            )._guide_send_confirmation_queued()
        if (
            len(self) == 1
            and not self.env.su
            and not self.env.context.get("send_email")
            and self.company_id.crm_guide_confirmation_email == "ask"
        ):
            return self.action_quotation_send()
        return None

    def _guide_send_confirmation_queued(self):
        for order in self:
            template = order._get_confirmation_template()
            if template:
                order.message_post_with_source(
                    template,
                    email_layout_xmlid="mail.mail_notification_layout_with_responsible_signature",
                    subtype_xmlid="mail.mt_comment",
                )

    def _guide_close_opportunities(self):
        """Mark the confirmed orders' opportunities won (Odoo's won flow),
        close their open guide activities with a chatter note, and cancel
        their other open quotations, as each company's settings say; only
        the opportunities and quotations the user may edit."""
        orders = self.filtered(
            lambda order: order.opportunity_id
            and order.company_id.crm_guide_won_on_confirm
        )
        leads = orders.opportunity_id._filtered_access("write")
        won = leads._guide_set_won()
        order_of = {order.opportunity_id.id: order for order in orders}
        cancelling = self.filtered(
            lambda order: order.opportunity_id
            and order.company_id.crm_guide_cancel_other_quotations
        ).opportunity_id
        others = (
            cancelling.sudo()
            .order_ids.filtered(lambda o: o.state in QUOTATION_STATES and o not in self)
            .with_env(self.env)
        )._filtered_access("write")
        if others:
            others._action_cancel()
        if not won:
            return
        # the won write above already dated the opportunities' last guide move
        closed = won._guide_close_open_steps()
        others_by_lead = others.grouped("opportunity_id")
        bodies = {}
        for lead in won:
            order = order_of[lead.id]
            body = Markup("<p>%s</p>") % self.env._(
                "Won: the order %(order)s was confirmed.", order=order.name
            )
            if lead.id in closed:
                body += Markup("<p>%s</p>") % self.env._(
                    "Guide activities closed: %(activities)s.",
                    activities=format_names(self.env, closed[lead.id]),
                )
            cancelled = others_by_lead.get(lead)
            if cancelled:
                body += Markup("<p>%s</p>") % self.env._(
                    "Other quotations cancelled: %(orders)s.",
                    orders=format_names(self.env, cancelled.mapped("name")),
                )
            bodies[lead.id] = body
        won._message_log_batch(bodies)
