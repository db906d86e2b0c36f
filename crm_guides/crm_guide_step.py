# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_list

from .mail_activity_plan import STEPS_MOVING
from .references import referenced


def _delay_from(wait_previous):
    """The plan template's trigger of a step that waits, or not, for the
    previous step (``wait_previous`` is the form's view of ``delay_from``)."""
    return "previous_step" if wait_previous else "after_plan_date"


class CrmGuideStep(models.Model):
    """A follow-up (an activity) or a document of a guide stage.

    A step *is* an Odoo activity plan template (``_inherits``) of its guide
    stage's plan: activity type, summary, note, delay (count, unit, from) and
    the assignee (``responsible_type`` with ``_determine_responsible``) are
    the template's. The step adds what guides need: its name, whether it is
    planned on stage entry or only suggested, whether it is required, its
    purpose and its kind. A document step's e-mail template is the activity
    type's (``mail.activity.type.mail_template_ids``); it may also name a
    report of the guided model (``report_id``), rendered for the record when
    the salesperson creates the document.
    """

    _name = "crm.guide.step"
    _description = "CRM Workflow Guide Step"
    _inherits = {"mail.activity.plan.template": "template_id"}
    _order = "guide_stage_id, sequence, id"

    template_id = fields.Many2one(
        "mail.activity.plan.template",
        string="Activity Template",
        required=True,
        ondelete="restrict",
        index=True,
    )
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
    active = fields.Boolean(
        default=True,
        help="Archived steps are no longer planned when records enter the stage; "
        "the records that went through them keep their history.",
    )
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
        "when it is sent (with the e-mail template of its activity type) or, with "
        "a report and no e-mail template, when the report is created.",
    )
    auto_schedule = fields.Boolean(
        "Plan on Stage Entry",
        help="Plan the activity as soon as a record enters the stage, or, for a "
        "step that waits for the previous one, as soon as that step is done or "
        "not applicable. Otherwise the step is only suggested: the guide offers "
        "it at that moment and the salesperson plans it.",
    )
    wait_previous = fields.Boolean(
        "After the Previous Step",
        compute="_compute_wait_previous",
        inverse="_inverse_wait_previous",
        help="The step waits for the step before it in the stage: it is planned "
        "(or offered) when that step is done or marked not applicable, and due "
        "that long after. The first step of a stage counts from the day the "
        "record enters the stage.",
    )
    due_rule = fields.Char(
        "When Due",
        compute="_compute_due_rule",
        help="When the step is planned and due, as the guide does it.",
    )
    is_required = fields.Boolean(
        "Required",
        help="In a blocking stage, records cannot move forward while this step is "
        "neither done nor marked not applicable.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Document Template",
        compute="_compute_mail_template_id",
        help="The e-mail template of the step's activity type made for these "
        "records: proposed when the salesperson creates the document.",
    )

    report_id = fields.Many2one(
        "ir.actions.report",
        string="Report",
        ondelete="restrict",
        domain="[('model', '=', res_model), "
        "('report_type', 'in', ('qweb-pdf', 'qweb-html'))]",
        help="A document step may create a real document: the report is rendered "
        "for the record in its customer's language, attached to the record and "
        "posted in the chatter. Without e-mail template the step is then done; "
        "with one, the e-mail opens with the document attached and the step is "
        "done when it is sent.",
    )

    @api.depends("activity_type_id.mail_template_ids", "res_model")
    def _compute_mail_template_id(self):
        for step in self:
            step.mail_template_id = step.activity_type_id.mail_template_ids.filtered(
                lambda tpl, model=step.res_model: tpl.model == model
            )[:1]

    @api.depends("delay_from")
    def _compute_wait_previous(self):
        for step in self:
            step.wait_previous = step.delay_from == "previous_step"

    def _inverse_wait_previous(self):
        for wait, steps in self.grouped("wait_previous").items():
            steps.delay_from = _delay_from(wait)

    @api.depends(
        "delay_count",
        "delay_unit",
        "delay_from",
        "auto_schedule",
        "sequence",
        "guide_stage_id",
    )
    def _compute_due_rule(self):
        for step in self:
            step.due_rule = step._guide_due_rule()

    @api.constrains("delay_count", "delay_from")
    def _check_delay(self):
        for step in self:
            if step.delay_count < 0 or step.delay_from not in (
                "after_plan_date",
                "previous_step",
            ):
                raise ValidationError(
                    self.env._(
                        "The step %(step)s must be due on or after the day it is "
                        "planned: use a delay of zero or more, counted from the "
                        "stage entry or from the previous step.",
                        step=step.name,
                    )
                )

    @api.constrains("report_id", "kind", "plan_id")
    def _check_report_id(self):
        for step in self.filtered("report_id"):
            report = step.report_id.sudo()
            if step.kind != "document":
                raise ValidationError(
                    self.env._(
                        "The step %(step)s is a follow-up: only a document step "
                        "may create a report.",
                        step=step.name,
                    )
                )
            if report.model != step.res_model or report.report_type not in (
                "qweb-pdf",
                "qweb-html",
            ):
                raise ValidationError(
                    self.env._(
                        "The step %(step)s is made for %(model)s: the report "
                        "%(report)s prints %(report_model)s, choose a report of "
                        "%(model)s.",
                        step=step.name,
                        model=step.res_model,
                        report=report.name,
                        report_model=report.model,
                    )
                )

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        # a guide step is due after the record enters the stage, assigned to
        # the record's salesperson unless the designer says otherwise
        if "delay_from" in fields_list:
            defaults["delay_from"] = "after_plan_date"
        if "responsible_type" in fields_list and not self.env.context.get(
            "default_responsible_type"
        ):
            defaults["responsible_type"] = "salesperson"
        return defaults

    @api.model_create_multi
    def create(self, vals_list):
        # the stage's plan is needed before the template is created: take the
        # stage from the context's default too (a step form opened for a stage)
        default_stage = self.env.context.get("default_guide_stage_id")
        if default_stage:
            vals_list = [
                vals
                if "guide_stage_id" in vals
                else dict(vals, guide_stage_id=default_stage)
                for vals in vals_list
            ]
        guide_stages = self.env["crm.guide.stage"].browse(
            [vals["guide_stage_id"] for vals in vals_list if vals.get("guide_stage_id")]
        )
        guide_stages.sudo()._guide_create_plans()
        for vals in vals_list:
            if vals.get("guide_stage_id") and not vals.get("plan_id"):
                vals["plan_id"] = (
                    self.env["crm.guide.stage"]
                    .browse(vals["guide_stage_id"])
                    .sudo()
                    .plan_id.id
                )
            vals.setdefault("delay_from", "after_plan_date")
            if "wait_previous" in vals:
                # the template holds the trigger: set it with the template
                vals["delay_from"] = _delay_from(vals.pop("wait_previous"))
            # Odoo's plan wizard names the activity after the template summary
            if not vals.get("summary") and vals.get("name"):
                vals["summary"] = vals["name"]
            vals.setdefault("responsible_type", "salesperson")
        steps = super().create(vals_list)
        # the delay lives on the inherited plan template: Odoo validates the
        # constraints of inherited fields on write only, so check on create
        steps._check_delay()
        steps._check_report_id()
        steps._guide_sync_record_rows()
        return steps

    def write(self, vals):
        if "wait_previous" in vals:
            vals = dict(vals)
            vals["delay_from"] = _delay_from(vals.pop("wait_previous"))
        if "guide_stage_id" in vals:
            moved = self.filtered(
                lambda step: step.guide_stage_id.id != vals["guide_stage_id"]
            )
            used = moved._guide_used()
            if used:
                raise UserError(
                    self.env._(
                        "Records went through these steps, which belong to their "
                        "stage's history: archive them and create new steps in the "
                        "other stage instead of moving them: %(steps)s",
                        steps=format_list(self.env, used.mapped("name")),
                    )
                )
            guide_stage = self.env["crm.guide.stage"].browse(vals["guide_stage_id"])
            guide_stage.sudo()._guide_create_plans()
            vals = dict(vals, plan_id=guide_stage.sudo().plan_id.id)
            # the templates follow their steps (see mail.activity.plan.template)
            moving = self.env.cr.cache.setdefault(STEPS_MOVING, set())
            moving.update(self.ids)
            try:
                result = super().write(vals)
            finally:
                moving.difference_update(self.ids)
        else:
            # a plan written on the step alone is the template's: refused there
            result = super().write(vals)
        if {"guide_stage_id", "active"} & set(vals):
            self._guide_sync_record_rows()
        return result

    def _guide_used(self):
        """The steps records went through (they have rows), archived and
        lost records and records the user cannot see included."""
        return referenced(self, "crm.guide.record.step", "step_id")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        used = self._guide_used()
        if used:
            raise UserError(
                self.env._(
                    "Records went through these steps; archive them instead of "
                    "deleting them, so their history is kept: %(steps)s",
                    steps=format_list(self.env, used.mapped("name")),
                )
            )

    def unlink(self):
        templates = self.template_id
        result = super().unlink()
        # the plan templates go with their steps (as the system, like the plan)
        templates.sudo().with_context(crm_workflow_guide_unlink=True).unlink()
        return result

    def _guide_sync_record_rows(self):
        """Records already in the step's stage get its row (see
        ``crm.guide.mixin._guide_ensure_rows``)."""
        steps = self.filtered("active")
        for res_model, model_steps in steps.grouped("res_model").items():
            if res_model and res_model in self.env:
                self.env[res_model]._guide_ensure_rows(model_steps)

    # ------------------------------------------------------------------
    # Chained steps: a step that waits for the one before it in its stage
    # ------------------------------------------------------------------

    def _guide_previous_step(self):
        """The active step before this one in its stage (by sequence), from
        the guide's layout (no query once it is cached); none for the first."""
        self.ensure_one()
        previous = self.env["crm.guide.step"]
        for step in self.guide_stage_id.step_ids:
            if step == self:
                return previous
            previous = step
        return self.env["crm.guide.step"]

    def _guide_next_chained_step(self):
        """The step after this one in its stage when it waits for this one."""
        self.ensure_one()
        steps = self.guide_stage_id.step_ids
        for step, following in zip(steps, steps[1:], strict=False):
            if step == self:
                return (
                    following
                    if following.delay_from == "previous_step"
                    else (self.env["crm.guide.step"])
                )
        return self.env["crm.guide.step"]

    def _guide_waits_for(self, open_step_ids):
        """Whether the step still waits: chained, and the step before it is
        among ``open_step_ids`` (the open steps of the record's stage)."""
        self.ensure_one()
        return (
            self.delay_from == "previous_step"
            and self._guide_previous_step().id in open_step_ids
        )

    def _guide_waits(self):
        """Whether the step waits for a previous step (chained and not the
        first of its stage, which counts from the stage entry)."""
        self.ensure_one()
        return self.delay_from == "previous_step" and bool(self._guide_previous_step())

    def _guide_delay_text(self):
        """The step's delay in words ("3 days", "1 week"), plural handled."""
        self.ensure_one()
        count, unit = self.delay_count, self.delay_unit
        env = self.env
        if unit == "weeks":
            text = (
                env._("%(count)s week", count=count)
                if count == 1
                else env._("%(count)s weeks", count=count)
            )
        elif unit == "months":
            text = (
                env._("%(count)s month", count=count)
                if count == 1
                else env._("%(count)s months", count=count)
            )
        else:
            text = (
                env._("%(count)s day", count=count)
                if count == 1
                else env._("%(count)s days", count=count)
            )
        return text

    def _guide_due_rule(self):
        """When the step is planned and due, in the words of the step form,
        the designer's preview and the Guide panel: what the engine does."""
        self.ensure_one()
        env = self.env
        delay = self._guide_delay_text()
        previous = self._guide_previous_step()
        if self.delay_from == "previous_step" and previous:
            if self.auto_schedule:
                return env._(
                    "Planned when %(previous)s is done or not applicable, due "
                    "%(delay)s after.",
                    previous=previous.name,
                    delay=delay,
                )
            return env._(
                "Offered when %(previous)s is done or not applicable, due "
                "%(delay)s after.",
                previous=previous.name,
                delay=delay,
            )
        if self.auto_schedule:
            return env._(
                "Planned when the record enters the stage, due %(delay)s after.",
                delay=delay,
            )
        if self.delay_from == "previous_step":
            return env._(
                "Suggested; first step of the stage: due %(delay)s after the record "
                "enters the stage.",
                delay=delay,
            )
        return env._(
            "Suggested: due %(delay)s after the salesperson plans it.", delay=delay
        )

    def _guide_deadline(self, base_date):
        """Due date of the step's activity when the stage is entered on
        ``base_date`` (the template's delay count, unit and direction)."""
        self.ensure_one()
        return self.template_id._get_date_deadline(base_date)
