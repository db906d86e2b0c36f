# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Which quotations a quotation guide serves: every quotation of its teams,
or only those made from an opportunity whose guide names it."""

from odoo import api, fields, models


class CrmGuide(models.Model):
    _inherit = "crm.guide"

    opportunity_quotations_only = fields.Boolean(
        "Only Quotations of Guided Opportunities",
        help="Only quotations made from an opportunity whose guide names this "
        "guide as its quotation guide follow it. Other quotations of its teams "
        "(made directly in Sales, by the shop or by another module) follow the "
        "next quotation guide that serves them, or none.",
    )

    def _apply_domain(self):
        domain = super()._apply_domain()
        if self.res_model == "sale.order" and self.opportunity_quotations_only:
            domain.append(("opportunity_id.guide_id.quotation_guide_id", "=", self.id))
        return domain


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model
    def _guide_candidates(self):
        # a guide for the quotations of guided opportunities is given by the
        # opportunity's guide only (``_compute_guide_id``), never by the team
        return (
            super()
            ._guide_candidates()
            .filtered(lambda guide: not guide.opportunity_quotations_only)
        )
