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
    # quote rules (quotation guides only)
    quote_validity_days = fields.Integer(
        "Quotation Validity (Days)",
        help="A quotation following this guide is valid this many days after it "
        "is created or sent (the salesperson may change the date). 0: the "
        "company's default.",
    )
    approval_max_discount = fields.Float(
        "Approval Above Discount (%)",
        digits="Discount",
        help="A quotation with a line discounted more than this needs an "
        "approval before it is sent, accepted or confirmed. 0: no rule.",
    )
    approval_min_margin = fields.Float(
        "Approval Below Margin (%)",
        digits="Discount",
        help="A quotation whose margin (untaxed amount less the products' cost, "
        "over the untaxed amount) is below this needs an approval before it is "
        "sent, accepted or confirmed. 0: no rule.",
    )
    approval_user_rule = fields.Selection(
        [
            ("team_leader", "Team Leader"),
            ("sales_manager", "Sales Manager"),
            ("user", "A Given User"),
        ],
        string="Approved By",
        default="team_leader",
        required=True,
        help="Who approves a quotation that breaks a rule: the leader of its "
        "sales team, a sales manager (the user below, or any), or the user "
        "below. Sales managers may always approve.",
    )
    approval_user_id = fields.Many2one(
        "res.users",
        string="Approver",
        check_company=True,
        help="The approver when the rule names a user; for a sales manager, the "
        "one the approval activity is planned for.",
    )
    approval_allow_self = fields.Boolean(
        "Approvers May Approve Their Own Quotations",
        help="Off: nobody approves a quotation of their own, even the approver.",
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

    @api.constrains(
        "res_model",
        "quote_validity_days",
        "approval_max_discount",
        "approval_min_margin",
        "approval_user_rule",
        "approval_user_id",
    )
    def _check_quote_rules(self):
        for guide in self:
            rules = guide.quote_validity_days or (
                guide.approval_max_discount or guide.approval_min_margin
            )
            if rules and guide.res_model != "sale.order":
                raise ValidationError(
                    self.env._(
                        "Only a quotation guide has quote rules: %(guide)s.",
                        guide=guide.display_name,
                    )
                )
            if (
                guide.quote_validity_days < 0
                or not 0 <= guide.approval_max_discount <= 100
                or not 0 <= guide.approval_min_margin <= 100
            ):
                raise ValidationError(
                    self.env._(
                        "The validity of the guide %(guide)s is a number of days "
                        "(0 or more), its discount and margin rules percentages "
                        "from 0 to 100.",
                        guide=guide.display_name,
                    )
                )
            if guide.approval_user_rule == "user" and not guide.approval_user_id:
                raise ValidationError(
                    self.env._(
                        "Name the user who approves the quotations of the guide "
                        "%(guide)s.",
                        guide=guide.display_name,
                    )
                )

    def _guide_has_approval_rule(self):
        self.ensure_one()
        return self.res_model == "sale.order" and bool(
            self.approval_max_discount or self.approval_min_margin
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
