# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmGuideStage(models.Model):
    """One stage of a guide, mapped to a pipeline stage."""

    _name = "crm.guide.stage"
    _description = "CRM Workflow Guide Stage"
    _order = "guide_id, sequence, id"

    guide_id = fields.Many2one(
        "crm.guide", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(
        default=10, help="The guide's order: moving to a later stage is 'forward'."
    )
    stage_id = fields.Many2one(
        "crm.stage",
        string="Pipeline Stage",
        required=True,
        ondelete="restrict",
        help="Shared stages or stages of one of the guide's teams.",
    )
    name = fields.Char(
        compute="_compute_name", store=True, readonly=False, translate=True
    )
    guidance = fields.Html(
        "Guidance for Success",
        translate=True,
        help="Shown to the salesperson while the record is in this stage.",
    )
    is_blocking = fields.Boolean(
        "Blocking",
        help="Refuse to move a record forward out of this stage while one of its "
        "required steps is neither done nor marked not applicable. Moving back, "
        "marking won or lost are always allowed.",
    )
    rotting_days = fields.Integer(
        "Rotting After (Days)",
        help="A record turns red when no guide activity was done and it did not "
        "change stage for more than this many days. 0 means never.",
    )
    step_ids = fields.One2many(
        "crm.guide.step", "guide_stage_id", string="Steps", copy=True
    )
    company_id = fields.Many2one(related="guide_id.company_id", store=True)
    res_model = fields.Selection(related="guide_id.res_model")
    step_count = fields.Integer(compute="_compute_step_count")

    @api.depends("stage_id")
    def _compute_name(self):
        for guide_stage in self:
            if not guide_stage.name and guide_stage.stage_id:
                guide_stage.name = guide_stage.stage_id.name

    @api.depends("step_ids")
    def _compute_step_count(self):
        for guide_stage in self:
            guide_stage.step_count = len(guide_stage.step_ids)

    @api.constrains("guide_id", "stage_id")
    def _check_stage_id(self):
        for guide_stage in self:
            guide = guide_stage.guide_id
            twins = guide.guide_stage_ids.filtered(
                lambda gs, gs_self=guide_stage: gs.stage_id == gs_self.stage_id
            )
            if len(twins) > 1:
                raise ValidationError(
                    self.env._(
                        "The stage %(stage)s appears twice in the guide %(guide)s.",
                        stage=guide_stage.stage_id.display_name,
                        guide=guide.display_name,
                    )
                )
            team = guide_stage.stage_id.team_id
            if team and team not in guide.team_ids:
                raise ValidationError(
                    self.env._(
                        "The stage %(stage)s belongs to the sales team %(team)s, "
                        "which the guide %(guide)s does not serve. Use a shared "
                        "stage or add the team to the guide.",
                        stage=guide_stage.stage_id.display_name,
                        team=team.display_name,
                        guide=guide.display_name,
                    )
                )

    @api.constrains("rotting_days")
    def _check_rotting_days(self):
        if any(guide_stage.rotting_days < 0 for guide_stage in self):
            raise ValidationError(
                self.env._(
                    "The number of days before a record rots cannot be negative."
                )
            )

    def _sort_key(self):
        """Position of this stage in its guide's order (what 'forward' means)."""
        self.ensure_one()
        return (self.sequence, self.id)
