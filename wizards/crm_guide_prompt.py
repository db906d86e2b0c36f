# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..crm_guides import engine


class CrmGuidePrompt(models.TransientModel):
    """What the guide offers once a step is done: plan the stage's next
    suggested follow-up, or move on to the next stage when the stage is
    complete (guides with 'Suggest Next Stage')."""

    _name = "crm.guide.prompt"
    _description = "Workflow Guide: Next Step"

    prompt_type = fields.Selection(
        [
            ("next_step", "Next step"),
            ("next_stage", "Next stage"),
            ("finish", "Finish"),
        ],
        required=True,
    )
    res_model = fields.Char(required=True)
    res_id = fields.Many2oneReference(model_field="res_model", required=True)
    record_step_id = fields.Many2one("crm.guide.record.step", string="Suggested Step")
    next_guide_stage_id = fields.Many2one("crm.guide.stage", string="Next Stage")
    record_name = fields.Char(compute="_compute_texts")
    message = fields.Char(compute="_compute_texts")
    purpose = fields.Char(related="record_step_id.purpose")

    @api.depends(
        "prompt_type", "record_step_id", "next_guide_stage_id", "res_model", "res_id"
    )
    def _compute_texts(self):
        for prompt in self:
            record = prompt._record()
            prompt.record_name = record.display_name
            if prompt.prompt_type == "next_step":
                prompt.message = self.env._(
                    "Next suggested step for %(record)s: %(step)s",
                    record=record.display_name,
                    step=prompt.record_step_id.name,
                )
            elif prompt.prompt_type == "next_stage":
                prompt.message = self.env._(
                    "Every step of %(stage)s is done for %(record)s. "
                    "Move it to %(next)s?",
                    stage=record.guide_stage_id.name,
                    record=record.display_name,
                    next=prompt.next_guide_stage_id.name,
                )
            else:
                prompt.message = self.env._(
                    "Every step of the guide's last stage, %(stage)s, is done for "
                    "%(record)s: %(finish)s?",
                    stage=record.guide_stage_id.name,
                    record=record.display_name,
                    finish=record._guide_finish_label(),
                )

    @api.constrains("res_model")
    def _check_res_model(self):
        guided = self.env.registry["crm.guide.mixin"]._inherit_children
        for prompt in self:
            if prompt.res_model not in guided or prompt.res_model not in self.env:
                raise ValidationError(
                    self.env._(
                        "%(model)s does not follow workflow guides.",
                        model=prompt.res_model,
                    )
                )

    def _record(self):
        self.ensure_one()
        return self.env[self.res_model].browse(self.res_id)

    @api.model
    def _open(self, vals):
        prompt = self.create(vals)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Workflow Guide"),
            "res_model": self._name,
            "res_id": prompt.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def action_schedule(self):
        self.ensure_one()
        if self.record_step_id.state == engine.OPEN:
            self.record_step_id.action_schedule()
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_always_schedule(self):
        self.env.user.sudo().crm_guide_always_schedule_next = True
        return self.action_schedule()

    def action_next_stage(self):
        self.ensure_one()
        result = self._record().action_guide_next_stage()
        if isinstance(result, dict):
            return result
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_finish(self):
        self.ensure_one()
        result = self._record()._guide_finish()
        if isinstance(result, dict):
            return result
        return {"type": "ir.actions.client", "tag": "soft_reload"}
