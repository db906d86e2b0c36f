# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class GuideFakeTicket(models.Model):
    """A throw-away model that opts in with a few lines: the guide stage is
    its status (like a quotation will be), no team."""

    _name = "crm.guide.fake.ticket"
    _description = "Guided Test Ticket"
    _inherit = ["crm.guide.mixin", "mail.thread", "mail.activity.mixin"]
    _guide_stage_field = None
    _guide_team_field = None

    name = fields.Char()
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    user_id = fields.Many2one("res.users")
