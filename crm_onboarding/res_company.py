# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


# The model is extended by concern, in several files of this addon.
# pylint: disable=consider-merging-classes-inherited
class ResCompany(models.Model):
    _inherit = "res.company"

    crm_ambassador_id = fields.Many2one(
        "res.users",
        string="CRM Ambassador",
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="The colleague who champions the CRM: keeps the routine guide up to "
        "date, follows up on how the CRM is used and helps the other users.",
    )
