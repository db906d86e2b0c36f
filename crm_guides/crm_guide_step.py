# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmGuideStep(models.Model):
    """A suggested follow-up (an activity) or document of a guide stage."""

    _name = "crm.guide.step"
    _description = "CRM Workflow Guide Step"
    _order = "guide_stage_id, sequence, id"

    guide_stage_id = fields.Many2one(
        "crm.guide.stage",
        string="Guide Stage",
        required=True,
        ondelete="cascade",
        index=True,
    )
    guide_id = fields.Many2one(
        related="guide_stage_id.guide_id", store=True, index=True
    )
    company_id = fields.Many2one(related="guide_stage_id.company_id", store=True)
    res_model = fields.Selection(related="guide_stage_id.guide_id.res_model")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    purpose = fields.Char(
        translate=True,
        help="Why this step matters; shown as a tooltip to the salesperson.",
    )
    kind = fields.Selection(
        [("activity", "Follow-up"), ("document", "Document")],
        required=True,
        default="activity",
        help="A follow-up is done when its activity is marked done; a document "
        "when it is sent.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Activity Type",
        domain="['|', ('res_model', '=', False), ('res_model', '=', res_model)]",
        help="Type of the activity planned for this step. Empty: To-Do.",
    )
    summary = fields.Char(
        translate=True, help="Summary of the planned activity. Empty: the step's name."
    )
    note = fields.Html(translate=True, help="Default text of the planned activity.")
    delay_count = fields.Integer(
        "Due After (Days)",
        help="The activity is due this many days after the record enters the stage.",
    )
    auto_schedule = fields.Boolean(
        "Plan on Stage Entry",
        help="Plan the activity as soon as a record enters the stage. Otherwise the "
        "step is only suggested and the salesperson plans it.",
    )
    is_required = fields.Boolean(
        "Required",
        help="In a blocking stage, records cannot move forward while this step is "
        "neither done nor marked not applicable.",
    )
    responsible = fields.Selection(
        [
            ("salesperson", "Salesperson of the record"),
            ("team_leader", "Team leader"),
            ("user", "Specific user"),
            ("current_user", "User who moves the record"),
        ],
        string="Assigned To",
        required=True,
        default="salesperson",
    )
    user_id = fields.Many2one(
        "res.users",
        string="User",
        domain="[('share', '=', False)]",
        help="Assignee when 'Assigned To' is 'Specific user'.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Document Template",
        domain="[('model', '=', res_model)]",
        help="Template proposed when the salesperson creates the document.",
    )

    @api.constrains("delay_count")
    def _check_delay_count(self):
        for step in self:
            if step.delay_count < 0:
                raise ValidationError(
                    self.env._(
                        "The step %(step)s cannot be due %(days)s days before the "
                        "stage is entered: the delay cannot be negative.",
                        step=step.name,
                        days=-step.delay_count,
                    )
                )

    @api.constrains("mail_template_id", "guide_stage_id")
    def _check_mail_template_id(self):
        for step in self.filtered("mail_template_id"):
            if step.mail_template_id.model != step.guide_stage_id.guide_id.res_model:
                raise ValidationError(
                    self.env._(
                        "The template %(template)s of the step %(step)s is made for "
                        "%(model)s, not for the records this guide applies to.",
                        template=step.mail_template_id.display_name,
                        step=step.name,
                        model=step.mail_template_id.model_id.name,
                    )
                )

    @api.constrains("responsible", "user_id")
    def _check_user_id(self):
        for step in self:
            if step.responsible == "user" and not step.user_id:
                raise ValidationError(
                    self.env._(
                        "The step %(step)s is assigned to a specific user: "
                        "choose the user.",
                        step=step.name,
                    )
                )
