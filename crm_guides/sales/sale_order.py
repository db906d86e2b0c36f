# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Sales' glue on quotations: they follow guides of their own.

A quotation guide's stages are the quotation's own status
(``_guide_stage_field = None``); a guide stage may say which state of the
order makes quotations enter it by themselves (``order_state``): *Sent* when
the quotation is e-mailed, the order stage when it is confirmed. Confirming
is in ``sale_order_confirmation.py``."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_list

from .. import engine
from .order_states import (
    CONFIRM_CHECKED,
    CONFIRMING,
    KEEPS_GUIDE_STATES,
    QUOTATION_STATES,
    REOPENABLE_STATES,
    format_names,
)


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["crm.guide.mixin", "sale.order"]
    _guide_stage_field = None
    _guide_team_field = "team_id"
    _guide_user_field = "user_id"
    _guide_company_field = "company_id"

    guide_stage_id = fields.Many2one(group_expand="_read_group_guide_stage_ids")

    @api.model
    def _read_group_guide_stage_ids(self, guide_stages, domain):
        """Kanban columns: the stages of the active quotation guides."""
        return guide_stages | self.env["crm.guide.stage"].search(
            [("guide_id.res_model", "=", self._name), ("guide_id.active", "=", True)]
        )

    # ------------------------------------------------------------------
    # Which guide
    # ------------------------------------------------------------------

    def _guide_depends(self):
        return [*super()._guide_depends(), "opportunity_id"]

    def _guide_keeps_guide(self):
        # a confirmed or cancelled order keeps its guide (its history) when
        # its team or company changes
        return self.filtered(
            lambda order: order.guide_id and order.state in KEEPS_GUIDE_STATES
        )

    def _guide_preferred_guide(self):
        # a quotation made from an opportunity follows its guide's choice
        self.ensure_one()
        return self.opportunity_id.guide_id.sudo().quotation_guide_id

    @api.model
    def _guide_candidates(self):
        # a guide for the quotations of guided opportunities is given by the
        # opportunity's guide only (``_guide_preferred_guide``), never by the
        # team
        return (
            super()
            ._guide_candidates()
            .filtered(lambda guide: not guide.opportunity_quotations_only)
        )

    # ------------------------------------------------------------------
    # Engine hooks
    # ------------------------------------------------------------------

    def _guide_is_closed(self):
        self.ensure_one()
        return self.state == "cancel"

    @api.model
    def _guide_open_domain(self):
        return [("state", "!=", "cancel")]

    def _guide_is_exempt_move(self, target):
        # the guide follows the order's own state (sent, confirmed): confirming
        # is checked on its own (``_guide_check_confirm``)
        if target.order_state == "sale":
            # being confirmed in this write: checked just before
            # (``_guide_check_confirm``)
            confirming = self.env.cr.cache.get(CONFIRMING, ())
            if all(order.id in confirming for order in self):
                return True
        # confirmed orders following their state into the order stage (a
        # quotation's own moves, sending included, pass the gates)
        return target.order_state == "sale" and all(
            order.state == "sale" for order in self
        )

    @api.model
    def _guide_user_is_manager(self):
        return super()._guide_user_is_manager() or self.env.user.has_group(
            "sales_team.group_sale_manager"
        )

    def _guide_check_model_rules(self, vals):
        if vals.get("guide_stage_id"):
            self._guide_check_order_stage(vals["guide_stage_id"], vals.get("state"))
        elif vals.get("guide_id"):
            # another guide: the order starts at its first stage
            switching = self.filtered(
                lambda order: order.guide_id.id != vals["guide_id"]
            )
            first = self.env["crm.guide"].browse(vals["guide_id"]).guide_stage_ids[:1]
            if switching and first:
                switching._guide_check_order_stage(first.id, vals.get("state"))
        self._guide_check_leaving(vals)
        return super()._guide_check_model_rules(vals)

    def _guide_leaving_blocked(self, before):
        # a quotation is kept by every blocking stage before its order stage
        return self._guide_blocked_moves(
            self._guide_confirm_gates(
                states=REOPENABLE_STATES,
                guides={order.id: before[order.id][0] for order in self},
            )
        )

    # ------------------------------------------------------------------
    # Moves: only confirming brings a quotation to its order stage
    # ------------------------------------------------------------------

    def _guide_order_stage(self):
        """The guide stage confirmed orders enter (post-sale follow-ups)."""
        self.ensure_one()
        return self.guide_id._guide_stage_in_state("sale")

    def _guide_check_leaving(self, vals):
        """A salesperson cannot take a quotation out of its guide (clear or
        switch the guide, change the team or company) while a blocking stage
        on its way to the order has required steps open: confirming it would
        then skip them."""
        scope = {"guide_id", self._guide_team_field, self._guide_company_field}
        if scope.isdisjoint(vals) or self._guide_can_leave_guide():
            return
        if "guide_id" in vals and not vals["guide_id"]:
            # as at creation: a salesperson's quotation follows its guide, and
            # a confirmed order keeps it (its post-sale steps, its history)
            guided = self.filtered("guide_id")
            if guided:
                raise UserError(
                    self.env._(
                        "Quotations and orders keep their guide: only guide "
                        "designers and sales managers can take them out of it "
                        "(%(orders)s).",
                        orders=format_list(self.env, guided.mapped("display_name")),
                    )
                )
        predicted = self._guide_predict(vals)
        leaving = self.filtered(
            lambda order: order.guide_id and predicted[order.id][0] != order.guide_id
        )
        # a cancelled quotation may become a quotation again
        blocked = leaving._guide_blocked_moves(
            leaving._guide_confirm_gates(states=REOPENABLE_STATES)
        )
        if blocked:
            raise leaving._guide_blocking_error(blocked, leaving=True)

    def _guide_check_order_stage(self, guide_stage_id, state=None):
        """Only confirming brings a quotation to the order stage (and after);
        a confirmed order stays there. ``state``: the state written with the
        stage, if any."""
        target = self.env["crm.guide.stage"].browse(guide_stage_id)
        # the order stage of the guide the orders will follow (the target's)
        order_stage = target.guide_id._guide_stage_in_state("sale")
        if not order_stage:
            return
        after_sale = not engine.is_forward(target._sort_key(), order_stage._sort_key())
        for order in self:
            order_state = state or order.state
            if after_sale and order_state != "sale":
                raise UserError(
                    self.env._(
                        "Confirm the quotation %(order)s to bring it to the stage "
                        "%(stage)s: confirming checks its guide and makes it an "
                        "order.",
                        order=order.display_name,
                        stage=target.name,
                    )
                )
            if not after_sale and order_state == "sale":
                raise UserError(
                    self.env._(
                        "The order %(order)s is confirmed: it stays in the stages "
                        "after %(stage)s.",
                        order=order.display_name,
                        stage=order_stage.name,
                    )
                )

    def action_guide_next_stage(self):
        """The stage after the last quotation stage is the order: moving there
        is confirming the quotation (the guide's check, the won opportunity,
        the confirmation e-mail)."""
        self._guide_check_ids()
        confirming = self.filtered(
            lambda order: order.state in QUOTATION_STATES
            and order._guide_next_guide_stage()
            and order._guide_next_guide_stage() == order._guide_order_stage()
        )
        result = super(SaleOrder, self - confirming).action_guide_next_stage()
        if confirming:
            return confirming.action_confirm()
        return result

    # ------------------------------------------------------------------
    # The guide follows the order's state
    # ------------------------------------------------------------------

    def write(self, vals):
        confirming_ids = []
        if vals.get("state") == "sale":
            # also over RPC: a quotation becomes an order only past its guide
            # (``action_confirm`` checked its own orders already)
            checked = self.env.cr.cache.get(CONFIRM_CHECKED, ())
            # a cancelled quotation written back to an order passes its guide
            # as much as a quotation does
            self.filtered(
                lambda order: order.state != "sale" and order.id not in checked
            )._guide_check_confirm(states=REOPENABLE_STATES)
            if "guide_stage_id" not in vals:
                # the order stage entered in the same write (one pass over the
                # orders instead of two) when the orders share it
                targets = self._guide_state_targets("sale")
                if len(targets) == 1 and next(iter(targets.values())) == self:
                    vals = dict(vals, guide_stage_id=next(iter(targets)).id)
                    confirming_ids = self.ids
        # kept on the cursor for this write only: nothing a client can send
        confirming = self.env.cr.cache.setdefault(CONFIRMING, set())
        confirming.update(confirming_ids)
        try:
            result = super().write(vals)
        finally:
            confirming.difference_update(confirming_ids)
        if vals.get("state") == "cancel":
            self._guide_close_cancelled()
        if "state" in vals:
            self._guide_follow_state()
        if vals.get("opportunity_id"):
            self.opportunity_id._guide_quotation_created(self)
        return result

    def _guide_state_targets(self, state=None):
        """``{guide stage: orders}``: the stage each order enters in its
        state (``state`` if given): a later stage of its guide entered in
        that state (Sent, the order stage)."""
        targets = {}
        in_state = {}  # (guide, state): the same for a whole batch
        for order in self.filtered("guide_id"):
            key = (order.guide_id, state or order.state)
            if key not in in_state:
                in_state[key] = order.guide_id._guide_stage_in_state(key[1])
            target = in_state[key]
            current = order.guide_stage_id
            if not target or target == current:
                continue
            if current and not engine.is_forward(
                current._sort_key(), target._sort_key()
            ):
                continue
            targets.setdefault(target, self.browse())
            targets[target] |= order
        return targets

    def _guide_follow_state(self):
        """The guide follows the order's state: a stage entered in that state
        (Sent, the order stage) is entered by itself, unless a blocking stage
        on the way has required steps open (the quotation is sent all the
        same, its guide stage waits); a quotation again (cancelled, then set
        back to draft) leaves the order stage for the stage of its state."""
        for target, orders in self._guide_state_targets().items():
            if target.order_state != "sale":
                vals = {"guide_stage_id": target.id}
                blocked = orders._guide_blocked_moves(
                    orders._guide_gate_stages(orders._guide_predict(vals), vals)
                )
                orders -= orders.browse(list(blocked))
            if orders:
                orders.write({"guide_stage_id": target.id})
        back = {}
        in_state = {}  # (guide, state): the same for a whole batch
        for order in self.filtered(
            lambda o: o.guide_stage_id and o.state in QUOTATION_STATES
        ):
            guide = order.guide_id
            for state in ("sale", order.state):
                if (guide, state) not in in_state:
                    in_state[guide, state] = guide._guide_stage_in_state(state)
            order_stage = in_state[guide, "sale"]
            if order_stage and not engine.is_forward(
                order.guide_stage_id._sort_key(), order_stage._sort_key()
            ):
                target = in_state[guide, order.state] or guide.guide_stage_ids[:1]
                back.setdefault(target, self.browse())
                back[target] |= order
        for target, orders in back.items():
            orders.write({"guide_stage_id": target.id})

    # ------------------------------------------------------------------
    # Cancellation: offer to mark the opportunity lost
    # ------------------------------------------------------------------

    def action_cancel(self):
        self._guide_check_ids()
        result = super().action_cancel()
        if result is True and len(self) == 1 and not self.env.su:
            return self._guide_offer_lost() or result
        return result

    def _guide_close_cancelled(self):
        """Cancelled quotations (by the user, or by the confirmation of
        another quotation) keep no open guide activities: each closed step
        is said in the chatter."""
        closed = self.filtered("guide_id")._guide_close_open_steps()
        if closed:
            self.browse(list(closed))._message_log_batch(
                {
                    order_id: Markup("<p>%s</p>")
                    % self.env._(
                        "Guide activities closed: %(activities)s.",
                        activities=format_names(self.env, names),
                    )
                    for order_id, names in closed.items()
                }
            )

    def _guide_offer_lost(self):
        """Every quotation of the opportunity is cancelled: offer (never
        force) to mark it lost with a lost reason, in Odoo's lost dialog."""
        self.ensure_one()
        lead = self.opportunity_id
        if (
            not lead
            or not lead.has_access("write")
            or not lead.active
            or lead.stage_id.is_won
            # every quotation, also those of colleagues the user does not see
            or any(order.state != "cancel" for order in lead.sudo().order_ids)
        ):
            return None
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm.crm_lead_lost_action"
        )
        action["name"] = self.env._(
            "Every quotation of %(lead)s is cancelled: mark it lost?",
            lead=lead.name,
        )
        action["context"] = {
            "active_id": lead.id,
            "active_ids": lead.ids,
            "active_model": "crm.lead",
            "default_lead_ids": lead.ids,
        }
        return action

    # ------------------------------------------------------------------
    # From the opportunity
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        context = self.env.context
        if "default_guide_id" in context and not context["default_guide_id"]:
            # no guide by default (``False`` or ``0`` in the context): the
            # quotation follows its team's guide, or none if the user may say so
            # (``create`` is called again without the default: the key must go,
            # which only a whole new context does)
            model = self.with_context(  # pylint: disable=context-overridden
                {k: v for k, v in context.items() if k != "default_guide_id"}
            )
            if self._guide_can_leave_guide():
                vals_list = [{"guide_id": False, **vals} for vals in vals_list]
            return model.create(vals_list)
        if not self._guide_can_leave_guide():
            # a salesperson's quotation follows its team's guide: no opting out
            for vals in vals_list:
                if "guide_id" in vals and not vals["guide_id"]:
                    del vals["guide_id"]
        orders = super().create(vals_list)
        if not self.env.su:
            # created over RPC or imported: a quotation stands before its
            # order stage, and an order created confirmed passes its guide
            # like a confirmation (the transaction is undone if refused)
            quotations = orders.filtered(lambda o: o.state in QUOTATION_STATES)
            for order in quotations.filtered("guide_stage_id"):
                order._guide_check_order_stage(order.guide_stage_id.id)
            confirmed = orders.filtered(lambda o: o.state == "sale")
            confirmed._guide_check_confirm(states=("sale",))
            confirmed._guide_follow_state()
        orders.filtered("opportunity_id").opportunity_id._guide_quotation_created(
            orders
        )
        return orders
