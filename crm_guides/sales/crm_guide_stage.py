# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Sales' glue on guide stages: a quotation guide's stage may be entered
when the order reaches a state (Sent, Sales Order)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_list

from .order_states import (
    ORDER_STATES,
)


# The model is extended by concern, in several files of this addon.
# pylint: disable=consider-merging-classes-inherited
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
