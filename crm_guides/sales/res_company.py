# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Sales' glue on companies: what confirming a quotation does."""

from odoo import fields, models


# The model is extended by concern, in several files of this addon.
# pylint: disable=consider-merging-classes-inherited
class ResCompany(models.Model):
    _inherit = "res.company"

    crm_guide_won_on_confirm = fields.Boolean(
        "Won on Order Confirmation",
        default=True,
        help="Confirming a quotation marks its opportunity won.",
    )
    crm_guide_cancel_other_quotations = fields.Boolean(
        "Cancel Other Quotations",
        help="Confirming a quotation cancels the opportunity's other open "
        "quotations.",
    )
    crm_guide_confirmation_email = fields.Selection(
        [("never", "Never"), ("ask", "Ask"), ("always", "Always")],
        string="Order Confirmation E-mail",
        default="ask",
        required=True,
        help="Never: no e-mail. Ask: confirming one quotation opens the e-mail "
        "composer with the order confirmation template. Always: the "
        "confirmation is e-mailed through the mail queue, also when many "
        "quotations are confirmed at once.",
    )
