# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


# The model is extended by concern, in several files of this addon.
# pylint: disable=consider-merging-classes-inherited
class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_quality_weight_email = fields.Integer(
        related="company_id.crm_quality_weight_email", readonly=False
    )
    crm_quality_weight_phone = fields.Integer(
        related="company_id.crm_quality_weight_phone", readonly=False
    )
    crm_quality_weight_company = fields.Integer(
        related="company_id.crm_quality_weight_company", readonly=False
    )
    crm_quality_weight_industry = fields.Integer(
        related="company_id.crm_quality_weight_industry", readonly=False
    )
    crm_quality_weight_category = fields.Integer(
        related="company_id.crm_quality_weight_category", readonly=False
    )
