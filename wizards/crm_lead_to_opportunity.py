# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmLead2OpportunityPartner(models.TransientModel):
    """Converting a lead starts a sale: the rep chooses its type (the guide),
    among the active guides of the team the opportunity goes to and of the
    lead's company; the mass conversion inherits it."""

    _inherit = "crm.lead2opportunity.partner"

    guide_id = fields.Many2one(
        "crm.guide",
        string="Type of Sale",
        compute="_compute_guide_id",
        readonly=False,
        store=True,
        compute_sudo=False,
        help="The workflow guide the opportunity will follow. By default the first "
        "guide that serves the sales team.",
    )
    guide_company_id = fields.Many2one(
        "res.company",
        compute="_compute_guide_company_id",
        help="The company of the lead: the guides it may follow are this company's "
        "or shared.",
    )

    @api.depends("lead_id")
    def _compute_guide_company_id(self):
        for wizard in self:
            wizard.guide_company_id = wizard.lead_id.company_id

    @api.depends("team_id", "lead_id")
    def _compute_guide_id(self):
        Lead = self.env["crm.lead"]
        guides = None
        for wizard in self:
            if wizard.guide_id and wizard._guide_serves(wizard.guide_id):
                continue
            if guides is None:
                guides = Lead._guide_candidates().with_env(self.env)
            wizard.guide_id = next(
                (guide for guide in guides if wizard._guide_serves(guide)),
                self.env["crm.guide"],
            )

    def _guide_serves(self, guide):
        """Whether ``guide`` may be chosen here: an active guide of
        opportunities, for the wizard's team and the lead's company."""
        self.ensure_one()
        company = self.lead_id.company_id
        return bool(
            guide.active
            and guide.res_model == "crm.lead"
            and (not guide.company_id or guide.company_id == company)
            and (not guide.team_ids or self.team_id in guide.team_ids)
        )

    @api.constrains("guide_id", "team_id", "lead_id")
    def _check_guide_id(self):
        for wizard in self.filtered("guide_id"):
            if not wizard._guide_serves(wizard.guide_id):
                raise ValidationError(
                    self.env._(
                        "The type of sale %(guide)s cannot be chosen for this "
                        "opportunity: it is archived, made for other records, "
                        "another sales team or another company.",
                        guide=wizard.guide_id.display_name,
                    )
                )

    def _convert_and_allocate(self, leads, user_ids, team_id=False):
        result = super()._convert_and_allocate(leads, user_ids, team_id=team_id)
        if self.guide_id:
            # the sale starts as the rep chose: the guide's first stage steps
            leads.filtered(
                lambda lead: lead.active
                and lead.type == "opportunity"
                and lead.guide_id != self.guide_id
            ).write({"guide_id": self.guide_id.id})
        return result
