# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Sales' glue on guide steps: an opportunity's step done by a quotation."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


# The model is extended by concern, in several files of this addon.
# pylint: disable=consider-merging-classes-inherited
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
