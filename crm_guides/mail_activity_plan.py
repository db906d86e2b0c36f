# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_list

# ids of the steps being moved to another guide stage in this transaction:
# their templates go with them to that stage's plan (kept on the cursor, so no
# client can claim it as it could a context key)
STEPS_MOVING = "crm_workflow_guide.steps_moving"


class MailActivityPlan(models.Model):
    _inherit = "mail.activity.plan"

    guide_stage_ids = fields.One2many(
        "crm.guide.stage", "plan_id", string="Guide Stages", readonly=True
    )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_guide_stage(self):
        if self.env.context.get("crm_workflow_guide_unlink"):
            return
        used = self.with_context(active_test=False).guide_stage_ids
        if used:
            raise UserError(
                self.env._(
                    "These activity plans hold the steps of workflow guide stages "
                    "and go with them: %(stages)s. Edit or archive the guide "
                    "instead.",
                    stages=format_list(self.env, used.mapped("display_name")),
                )
            )


class MailActivityPlanTemplate(models.Model):
    """Guide steps are plan templates: two more ways to choose the assignee,
    from the record the activity is planned on (like hr's coach/manager)."""

    _inherit = "mail.activity.plan.template"

    responsible_type = fields.Selection(
        selection_add=[
            ("salesperson", "Salesperson of the record"),
            ("team_leader", "Team leader of the record"),
        ],
        ondelete={"salesperson": "set default", "team_leader": "set default"},
    )
    # a guide step may wait for the step before it in its stage (chained
    # follow-ups): due that long after the previous step is done
    delay_from = fields.Selection(
        selection_add=[("previous_step", "After the Previous Step")],
        ondelete={
            "previous_step": lambda templates: templates.write(
                {"delay_from": "after_plan_date"}
            )
        },
    )

    @api.depends("activity_type_id")
    def _compute_responsible_type(self):
        # choosing another activity type keeps an assignee taken from the record
        keep = self.filtered(
            lambda tpl: tpl.responsible_type in ("salesperson", "team_leader")
        )
        return super(MailActivityPlanTemplate, self - keep)._compute_responsible_type()

    def _guide_steps(self):
        """The guide steps these templates are (as the system, archived
        steps included)."""
        return (
            self.env["crm.guide.step"]
            .sudo()
            .with_context(active_test=False)
            .search([("template_id", "in", self.ids)])
        )

    def write(self, vals):
        if "plan_id" in vals:
            self._guide_check_plan_change(vals["plan_id"])
        return super().write(vals)

    def _guide_check_plan_change(self, plan_id):
        """The template of a guide step stays in its guide stage's plan: it
        moves only with its step (``crm.guide.step.write``, which checks the
        step's history), never on its own."""
        moving = self.env.cr.cache.get(STEPS_MOVING, ())
        # the template's own plan, not its step's: written through the step,
        # the step already holds the new value when its template is written
        changing = self.filtered(lambda tpl: tpl.plan_id.id != plan_id)
        steps = changing._guide_steps().filtered(lambda step: step.id not in moving)
        if steps:
            raise UserError(
                self.env._(
                    "These activities are steps of workflow guides and stay in "
                    "their guide stage: move the steps to another stage of their "
                    "guide instead: %(steps)s",
                    steps=format_list(self.env, steps.mapped("name")),
                )
            )

    @api.constrains("delay_count", "delay_from")
    def _check_guide_step_delay(self):
        """A step's template written directly (not through the step) keeps
        the step's rule: due on or after the day the record enters the stage."""
        steps = self._guide_steps()
        if steps:
            steps._check_delay()
        chained = self.filtered(lambda tpl: tpl.delay_from == "previous_step")
        # the template of a new step is created before its step: it belongs to
        # a guide when its plan is a guide stage's
        strays = chained.filtered(
            lambda tpl: not tpl.plan_id.with_context(active_test=False).guide_stage_ids
        )
        if strays:
            raise ValidationError(
                self.env._(
                    "Only the steps of a workflow guide can wait for the previous "
                    "step; choose another trigger for these activities: "
                    "%(activities)s",
                    activities=format_list(
                        self.env, [tpl.summary or "-" for tpl in strays]
                    ),
                )
            )

    def _get_date_deadline(self, base_date=False):
        # a chained step is due after the day its previous step is done,
        # which the guide gives as the base date
        if self.delay_from == "previous_step":
            base_date = base_date or fields.Date.context_today(self)
            return base_date + relativedelta(**{self.delay_unit: self.delay_count})
        return super()._get_date_deadline(base_date)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_guide_step(self):
        if self.env.context.get("crm_workflow_guide_unlink"):
            return
        steps = self._guide_steps()
        if steps:
            raise UserError(
                self.env._(
                    "These activities are steps of workflow guides: %(steps)s. "
                    "Archive the steps in the guide instead.",
                    steps=format_list(self.env, steps.mapped("name")),
                )
            )

    def _determine_responsible(self, on_demand_responsible, applied_on_record):
        if self.responsible_type not in ("salesperson", "team_leader"):
            return super()._determine_responsible(
                on_demand_responsible, applied_on_record
            )
        responsible = self.env["res.users"]
        if hasattr(applied_on_record, "_guide_salesperson"):
            if self.responsible_type == "team_leader":
                responsible = applied_on_record._guide_team_leader()
            if not responsible:
                responsible = applied_on_record._guide_salesperson()
        elif "user_id" in applied_on_record._fields:
            responsible = applied_on_record.user_id
        error = False
        if not responsible:
            error = self.env._(
                "No salesperson on %(record)s for %(activity_type_name)s: "
                "%(activity_summary)s.",
                record=applied_on_record.display_name,
                activity_type_name=self.activity_type_id.name,
                activity_summary=self.summary or "-",
            )
        return {"responsible": responsible, "error": error}
