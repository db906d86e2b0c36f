# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Sales' glue: quotations follow guides of their own, and confirming a
quotation closes the opportunity it came from.

A quotation guide's stages are the quotation's own status
(``_guide_stage_field = None``); a guide stage may say which state of the
order makes quotations enter it by themselves (``order_state``): *Sent* when
the quotation is e-mailed, the order stage when it is confirmed.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_list

from . import engine

CONFIRM_CHECKED = "crm_workflow_guide.confirm_checked"
CONFIRMING = "crm_workflow_guide.confirming"
ORDER_STATES = [
    ("draft", "Quotation"),
    ("sent", "Quotation Sent"),
    ("sale", "Sales Order"),
]


def _format_names(env, names):
    """``format_list`` for a note written per record: one name is itself
    (Babel's list formatting costs more than the rest of such a note)."""
    return names[0] if len(names) == 1 else format_list(env, names)


class CrmGuide(models.Model):
    _inherit = "crm.guide"

    quotation_guide_id = fields.Many2one(
        "crm.guide",
        string="Quotation Guide",
        check_company=True,
        domain=[("res_model", "=", "sale.order")],
        help="Quotations made from the opportunities of this guide follow this "
        "guide. Empty: the first quotation guide serving their team and company.",
    )

    @api.constrains("quotation_guide_id", "res_model")
    def _check_quotation_guide_id(self):
        for guide in self.filtered("quotation_guide_id"):
            if guide.res_model != "crm.lead" or (
                guide.quotation_guide_id.res_model != "sale.order"
            ):
                raise ValidationError(
                    self.env._(
                        "Only an opportunity guide has a quotation guide, and it "
                        "must be a guide for quotations: %(guide)s.",
                        guide=guide.display_name,
                    )
                )

    def _guide_stage_in_state(self, state):
        """The first stage of this quotation guide that orders enter in
        ``state`` (Sent, the order stage), if any (none without a guide)."""
        return self.guide_stage_ids.filtered(lambda gs: gs.order_state == state)[:1]

    def _guide_records_action(self):
        if self.res_model != "sale.order":
            return super()._guide_records_action()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "crm_workflow_guide.sale_order_action_guided"
        )


class CrmGuideStage(models.Model):
    _inherit = "crm.guide.stage"

    order_state = fields.Selection(
        ORDER_STATES,
        string="Entered When the Order Is",
        help="Quotations enter this stage by themselves when their order reaches "
        "this state: e.g. Sent when the quotation is e-mailed, Sales Order "
        "when it is confirmed (the stage of the post-sale follow-ups). Only "
        "confirming a quotation brings it to the Sales Order stage.",
    )

    @api.constrains("guide_id", "order_state")
    def _check_order_state(self):
        for guide_stage in self.filtered("order_state"):
            guide = guide_stage.guide_id
            if guide.res_model != "sale.order":
                raise ValidationError(
                    self.env._(
                        "Only the stages of a quotation guide follow the order's "
                        "state: %(stage)s.",
                        stage=guide_stage.name,
                    )
                )
            twins = guide.guide_stage_ids.filtered(
                lambda gs, state=guide_stage.order_state: gs.order_state == state
            )
            if len(twins) > 1:
                raise ValidationError(
                    self.env._(
                        "Two stages of the guide %(guide)s are entered in the same "
                        "order state: %(stages)s.",
                        guide=guide.display_name,
                        stages=format_list(self.env, twins.mapped("name")),
                    )
                )


class CrmGuideStep(models.Model):
    _inherit = "crm.guide.step"

    completed_by = fields.Selection(
        [("sale.order", "A quotation is created")],
        string="Done When",
        help="The step is done by itself when this happens to the opportunity "
        "(e.g. a quotation is created for it), whoever does it.",
    )

    @api.constrains("completed_by", "guide_stage_id")
    def _check_completed_by(self):
        for step in self.filtered("completed_by"):
            if step.guide_stage_id.guide_id.res_model != "crm.lead":
                raise ValidationError(
                    self.env._(
                        "Only a step of an opportunity guide is done by a "
                        "quotation: %(step)s.",
                        step=step.name,
                    )
                )


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_guide_won_on_confirm = fields.Boolean(
        "Won on Order Confirmation",
        default=True,
        help="Confirming a quotation marks its opportunity won.",
    )
    crm_guide_cancel_other_quotations = fields.Boolean(
        "Cancel Other Quotations",
        help="Confirming a quotation cancels the opportunity's other open "
        "quotations.",
    )
    crm_guide_confirmation_email = fields.Selection(
        [("never", "Never"), ("ask", "Ask"), ("always", "Always")],
        string="Order Confirmation E-mail",
        default="ask",
        required=True,
        help="Never: no e-mail. Ask: confirming one quotation opens the e-mail "
        "composer with the order confirmation template. Always: the "
        "confirmation is e-mailed through the mail queue, also when many "
        "quotations are confirmed at once.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_guide_won_on_confirm = fields.Boolean(
        related="company_id.crm_guide_won_on_confirm", readonly=False
    )
    crm_guide_cancel_other_quotations = fields.Boolean(
        related="company_id.crm_guide_cancel_other_quotations", readonly=False
    )
    crm_guide_confirmation_email = fields.Selection(
        related="company_id.crm_guide_confirmation_email", readonly=False
    )


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def _guide_after_enter(self):
        result = super()._guide_after_enter()
        # entering a stage whose step is done by a quotation, with one already:
        # the orders are read only for the stages that have such a step
        leads = self.filtered(
            lambda lead: any(
                step.completed_by == "sale.order"
                for step in lead.guide_stage_id.step_ids
            )
        )
        leads.filtered(
            lambda lead: any(order.state != "cancel" for order in lead.sudo().order_ids)
        )._guide_quotation_created()
        return result

    def _guide_quotation_created(self, orders=None):
        """A quotation exists for these opportunities: their open steps that a
        quotation completes are done (by the system: it is a fact, whoever
        created the quotation)."""
        # only the opportunities the user may edit: a quotation linked to
        # somebody else's opportunity changes nothing there
        leads = self if self.env.su else self._filtered_access("write")
        if not leads:
            return
        rows = leads._guide_rows(
            [("state", "=", engine.OPEN), ("step_id.completed_by", "=", "sale.order")]
        )
        if not rows:
            return
        by_lead = {}
        for order in orders or self.env["sale.order"]:
            by_lead.setdefault(order.opportunity_id.id, order)
        with_activity = rows.filtered("activity_id")
        for row in with_activity:
            order = by_lead.get(row.res_id)
            # as the system: whoever made the quotation, even for a step
            # assigned to another
            row.activity_id.sudo().action_feedback(
                feedback=self.env._("Quotation %(order)s created.", order=order.name)
                if order
                else self.env._("A quotation exists.")
            )
        (rows - with_activity)._set_state(engine.DONE)

    def _guide_set_won(self):
        """Odoo's won flow (``action_set_won``: the won stage after the
        current one, probability 100, one write per won stage), with the won
        stages searched once for the batch instead of once per opportunity."""
        leads = self.filtered(lambda lead: lead.active and not lead.stage_id.is_won)
        if not leads:
            return leads
        won_stages = leads._stage_find(domain=[("is_won", "=", True)], limit=None)
        if not won_stages:
            return self.browse()
        by_stage = {}
        for lead in leads:
            stage = next(
                (s for s in won_stages if s.sequence > lead.stage_id.sequence), None
            ) or next(
                (
                    s
                    for s in reversed(won_stages)
                    if s.sequence <= lead.stage_id.sequence
                ),
                won_stages[:1],
            )
            by_stage[stage] = by_stage.get(stage, self.browse()) | lead
        for stage, stage_leads in by_stage.items():
            stage_leads.write({"stage_id": stage.id, "probability": 100})
        return leads


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

    def _compute_guide_id(self):
        # a confirmed or cancelled order keeps its guide (its history) when
        # its team or company changes
        closed = self.filtered(
            lambda order: order.guide_id and order.state in ("sale", "cancel")
        )
        for order in closed:
            order.guide_id = order.guide_id
        quotations = self - closed
        # a quotation made from an opportunity follows its guide's choice
        for order in quotations.filtered(lambda o: not o.guide_id):
            preferred = order.opportunity_id.guide_id.sudo().quotation_guide_id
            if preferred and preferred.active and order._guide_matches(preferred):
                order.guide_id = preferred.id
        return super(SaleOrder, quotations)._compute_guide_id()

    @api.constrains("guide_id")
    def _check_guide_id(self):
        # confirmed and cancelled orders keep their guide when their team or
        # company changes (see ``_compute_guide_id``)
        return super(
            SaleOrder, self.filtered(lambda o: o.state not in ("sale", "cancel"))
        )._check_guide_id()

    def _guide_predict(self, vals):
        predicted = super()._guide_predict(vals)
        if "guide_id" not in vals:
            # confirmed and cancelled orders keep their guide (see above)
            for order in self:
                if order.guide_id and order.state in ("sale", "cancel"):
                    if predicted[order.id][0] != order.guide_id:
                        predicted[order.id] = (order.guide_id, order.guide_stage_id)
        return predicted

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

    def _guide_order_stage(self):
        """The guide stage confirmed orders enter (post-sale follow-ups)."""
        self.ensure_one()
        return self.guide_id._guide_stage_in_state("sale")

    def _guide_check_move(self, vals):
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
        return super()._guide_check_move(vals)

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
            leaving._guide_confirm_gates(states=("draft", "sent", "cancel"))
        )
        if blocked:
            raise leaving._guide_blocking_error(blocked, leaving=True)

    def _guide_leaving_blocked(self, before):
        # a quotation is kept by every blocking stage before its order stage
        return self._guide_blocked_moves(
            self._guide_confirm_gates(
                states=("draft", "sent", "cancel"),
                guides={order.id: before[order.id][0] for order in self},
            )
        )

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
            lambda order: order.state in ("draft", "sent")
            and order._guide_next_guide_stage()
            and order._guide_next_guide_stage() == order._guide_order_stage()
        )
        result = super(SaleOrder, self - confirming).action_guide_next_stage()
        if confirming:
            return confirming.action_confirm()
        return result

    # ------------------------------------------------------------------
    # Confirmation
    # ------------------------------------------------------------------

    def _guide_confirm_gates(self, states=("draft", "sent"), guides=None):
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

    def _guide_check_confirm(self, states=("draft", "sent")):
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
            )._guide_check_confirm(states=("draft", "sent", "cancel"))
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
            lambda o: o.guide_stage_id and o.state in ("draft", "sent")
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
            .order_ids.filtered(
                lambda o: o.state in ("draft", "sent") and o not in self
            )
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
                    activities=_format_names(self.env, closed[lead.id]),
                )
            cancelled = others_by_lead.get(lead)
            if cancelled:
                body += Markup("<p>%s</p>") % self.env._(
                    "Other quotations cancelled: %(orders)s.",
                    orders=_format_names(self.env, cancelled.mapped("name")),
                )
            bodies[lead.id] = body
        won._message_log_batch(bodies)

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
                        activities=_format_names(self.env, names),
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
            quotations = orders.filtered(lambda o: o.state in ("draft", "sent"))
            for order in quotations.filtered("guide_stage_id"):
                order._guide_check_order_stage(order.guide_stage_id.id)
            confirmed = orders.filtered(lambda o: o.state == "sale")
            confirmed._guide_check_confirm(states=("sale",))
            confirmed._guide_follow_state()
        orders.filtered("opportunity_id").opportunity_id._guide_quotation_created(
            orders
        )
        return orders
