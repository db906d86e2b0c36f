# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class GuideFakeTicket(models.Model):
    """A throw-away model that opts in with a few lines: the guide stage is
    its status (like quotations and projects), no team."""

    _name = "crm.guide.fake.ticket"
    _description = "Guided Test Ticket"
    _inherit = ["crm.guide.mixin", "mail.thread"]
    _guide_stage_field = None
    _guide_team_field = None
    _guide_user_field = "user_id"
    _guide_company_field = "company_id"

    name = fields.Char()
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    user_id = fields.Many2one("res.users")


class GuideFakeClaim(models.Model):
    """A throw-away model whose status is a Selection: each guide stage stands
    for one of its values."""

    _name = "crm.guide.fake.claim"
    _description = "Guided Test Claim"
    _inherit = ["crm.guide.mixin", "mail.thread"]
    _guide_stage_field = "state"
    _guide_team_field = None
    _guide_user_field = "user_id"
    _guide_company_field = "company_id"

    name = fields.Char()
    state = fields.Selection(
        [
            ("new", "New"),
            ("review", "Review"),
            ("offer", "Offer"),
            ("escalated", "Escalated"),
            ("closed", "Closed"),
        ],
        default="new",
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    user_id = fields.Many2one("res.users")

    def _guide_is_exempt_move(self, target):
        return target == "closed"
