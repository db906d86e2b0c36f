# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Sales' glue on guides: an opportunity guide names the guide of its
quotations; a quotation guide may serve only those quotations."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


# The model is extended by concern, in several files of this addon.
# pylint: disable=consider-merging-classes-inherited
class CrmGuide(models.Model):
    _inherit = "crm.guide"

    quotation_guide_id = fields.Many2one(
        "crm.guide",
        string="Quotation Guide",
        check_company=True,
        domain=[("res_model", "=", "sale.order")],
        help="Quotations made from the opportunities of this guide follow this "
        "guide. Empty: the first quotation guide serving their team and company.",
    )
    opportunity_quotations_only = fields.Boolean(
        "Only Quotations of Guided Opportunities",
        help="Only quotations made from an opportunity whose guide names this "
        "guide as its quotation guide follow it. Other quotations of its teams "
        "(made directly in Sales, by the shop or by another module) follow the "
        "next quotation guide that serves them, or none.",
    )

    @api.constrains("quotation_guide_id", "res_model")
    def _check_quotation_guide_id(self):
        for guide in self.filtered("quotation_guide_id"):
            if guide.res_model != "crm.lead" or (
                guide.quotation_guide_id.res_model != "sale.order"
            ):
                raise ValidationError(
                    self.env._(
                        "Only an opportunity guide has a quotation guide, and it "
                        "must be a guide for quotations: %(guide)s.",
                        guide=guide.display_name,
                    )
                )

    def _apply_domain(self):
        domain = super()._apply_domain()
        if self.res_model == "sale.order" and self.opportunity_quotations_only:
            domain.append(("opportunity_id.guide_id.quotation_guide_id", "=", self.id))
        return domain

    def _guide_stage_in_state(self, state):
        """The first stage of this quotation guide that orders enter in
        ``state`` (Sent, the order stage), if any (none without a guide)."""
        return self.guide_stage_ids.filtered(lambda gs: gs.order_state == state)[:1]

    def _guide_records_action(self):
        if self.res_model != "sale.order":
            return super()._guide_records_action()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "crm_workflow_guide.sale_order_action_guided"
        )
