# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Sales' glue in the settings: what confirming a quotation does."""

from odoo import fields, models


# The model is extended by concern, in several files of this addon.
# pylint: disable=consider-merging-classes-inherited
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
