# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class CrmGuideApprovalWizard(models.TransientModel):
    """The reason of an approval or a rejection, said in the chatter."""

    _name = "crm.guide.approval.wizard"
    _description = "Quotation Approval"

    order_ids = fields.Many2many("sale.order", string="Quotations", required=True)
    decision = fields.Selection(
        [("approved", "Approve"), ("rejected", "Reject")],
        required=True,
        default="rejected",
    )
    reason = fields.Text()

    def action_confirm(self):
        self.ensure_one()
        # the quotations' own checks: the approver, read access
        self.order_ids._guide_decide(self.decision, self.reason or None)
        return {"type": "ir.actions.act_window_close"}
