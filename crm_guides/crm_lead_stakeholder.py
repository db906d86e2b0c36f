# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmLeadStakeholder(models.Model):
    """A person on the customer's side who takes part in an opportunity's
    decision. Salespeople edit the stakeholders of the opportunities they may
    edit (checked on the opportunity in create / write / unlink: a record
    rule cannot say "opportunity writable"); they read those of the
    opportunities they may read (record rules mirroring crm's)."""

    _name = "crm.lead.stakeholder"
    _description = "Opportunity Stakeholder"
    _order = "lead_id, sequence, id"
    _rec_name = "partner_id"

    sequence = fields.Integer(default=10)
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        required=True,
        ondelete="cascade",
        index=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        required=True,
        ondelete="cascade",
        index=True,
    )
    # a selection: the usual roles of a buying decision, translated, that
    # reports can group by; anything more goes into the note
    role = fields.Selection(
        [
            ("decision_maker", "Decision Maker"),
            ("economic_buyer", "Economic Buyer"),
            ("technical_buyer", "Technical Buyer"),
            ("influencer", "Influencer"),
            ("user", "User"),
            ("gatekeeper", "Gatekeeper"),
            ("other", "Other"),
        ],
    )
    note = fields.Char()
    company_id = fields.Many2one(
        related="lead_id.company_id", store=True, index=True, precompute=True
    )

    _sql_constraints = [
        (
            "lead_partner_unique",
            "UNIQUE(lead_id, partner_id)",
            "A contact is a stakeholder of an opportunity only once.",
        ),
    ]

    @api.constrains("partner_id", "lead_id")
    def _check_partner_company(self):
        self._check_companies([(row.lead_id, row.partner_id) for row in self])

    @api.model
    def _check_companies(self, pairs):
        """Refuse a contact of another company than its opportunity's:
        ``pairs`` of (opportunity, contact). As the system: a contact of
        another company is not readable by the user, who gets this clear
        refusal rather than an access error."""
        for lead, partner in pairs:
            partner_company = partner.sudo().company_id
            if partner_company and partner_company != lead.sudo().company_id:
                raise ValidationError(
                    self.env._(
                        "The contact %(contact)s belongs to another company than "
                        "the opportunity %(opportunity)s: only contacts shared by "
                        "all companies or of the opportunity's company can be its "
                        "stakeholders.",
                        contact=partner.sudo().display_name,
                        opportunity=lead.sudo().display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        # refused before anything is written (batched: one read of the
        # opportunities and one of the contacts)
        Lead, Partner = self.env["crm.lead"], self.env["res.partner"]
        leads = Lead.browse(
            {vals["lead_id"] for vals in vals_list if vals.get("lead_id")}
        )
        leads.check_access("write")
        Partner.browse(
            {vals["partner_id"] for vals in vals_list if vals.get("partner_id")}
        ).sudo().fetch(["company_id"])
        self._check_companies(
            [
                (Lead.browse(vals["lead_id"]), Partner.browse(vals["partner_id"]))
                for vals in vals_list
                if vals.get("lead_id") and vals.get("partner_id")
            ]
        )
        return super().create(vals_list)

    def write(self, vals):
        self.lead_id.check_access("write")
        if vals.get("lead_id"):
            self.env["crm.lead"].browse(vals["lead_id"]).check_access("write")
        if vals.get("lead_id") or vals.get("partner_id"):
            self._check_companies(
                [
                    (
                        self.env["crm.lead"].browse(
                            vals.get("lead_id") or row.lead_id.id
                        ),
                        self.env["res.partner"].browse(
                            vals.get("partner_id") or row.partner_id.id
                        ),
                    )
                    for row in self
                ]
            )
        return super().write(vals)

    def unlink(self):
        self.lead_id.check_access("write")
        return super().unlink()
