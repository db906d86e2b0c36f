# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


# res.partner is extended by concern in several files of this addon.
# pylint: disable=consider-merging-classes-inherited
class ResPartner(models.Model):
    _inherit = "res.partner"

    stakeholder_lead_count = fields.Integer(
        "Stakeholder in Opportunities",
        compute="_compute_stakeholder_lead_count",
        groups="sales_team.group_sale_salesman",
    )

    def _compute_stakeholder_lead_count(self):
        counts = dict(
            self.env["crm.lead.stakeholder"]._read_group(
                [("partner_id", "in", self.ids)],
                ["partner_id"],
                ["lead_id:count_distinct"],
            )
        )
        for partner in self:
            partner.stakeholder_lead_count = counts.get(partner, 0)

    def action_open_stakeholder_leads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm.crm_lead_opportunities"
        )
        action["domain"] = [("stakeholder_ids.partner_id", "=", self.id)]
        action["context"] = {"active_test": False, "create": False}
        return action
