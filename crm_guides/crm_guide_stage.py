# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_list

from .references import referenced


class CrmGuideStage(models.Model):
    """One stage of a guide.

    What the stage is in the guided record depends on the model (see
    ``crm.guide.mixin``): a value of the record's Many2one status (crm.lead:
    ``stage_id``, a field of the same name added here by the model's glue), a
    value of its Selection status (``status_value``), or the guide stage
    itself when the model has no status of its own (quotations, projects).

    Each guide stage owns a ``mail.activity.plan`` whose templates are its
    steps, so the stage's steps can also be launched by hand with Odoo's
    "Schedule activity plan" wizard.
    """

    _name = "crm.guide.stage"
    _description = "CRM Workflow Guide Stage"
    _order = "guide_id, sequence, id"

    guide_id = fields.Many2one(
        "crm.guide", required=True, ondelete="cascade", index=True
    )
    active = fields.Boolean(
        default=True,
        help="Archived stages keep the history of the records that went through "
        "them but are no longer part of the guide.",
    )
    sequence = fields.Integer(
        default=10, help="The guide's order: moving to a later stage is 'forward'."
    )
    name = fields.Char(
        compute="_compute_name",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        translate=True,
    )
    status_value = fields.Selection(
        selection="_selection_status_value",
        string="Status",
        help="For records whose status is a list of values: the value this guide "
        "stage stands for.",
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
    plan_id = fields.Many2one(
        "mail.activity.plan",
        string="Activity Plan",
        readonly=True,
        copy=False,
        index=True,
        ondelete="restrict",
        help="Odoo activity plan holding the stage's steps: it can also be "
        "launched by hand from a record's activities.",
    )
    step_ids = fields.One2many(
        "crm.guide.step", "guide_stage_id", string="Steps", copy=True
    )
    company_id = fields.Many2one(related="guide_id.company_id", store=True)
    res_model = fields.Selection(related="guide_id.res_model")
    step_count = fields.Integer(compute="_compute_step_count")
    status_kind = fields.Char(
        compute="_compute_status_kind",
        help="Technical: the field of this stage that maps it to the records' "
        "status, empty when the guide stage is itself the status.",
    )

    @api.model
    def _selection_status_value(self):
        """The values of every guided model whose status is a Selection."""
        values = {}
        for name in self.env.registry["crm.guide.mixin"]._inherit_children:
            if name not in self.env:
                continue
            model = self.env[name]
            field = model._guide_status_field()
            if field is not None and field.type == "selection":
                for value, label in field._description_selection(self.env):
                    values.setdefault(value, label)
        return list(values.items())

    @api.depends("status_value")
    def _compute_name(self):
        for guide_stage in self:
            if guide_stage.name:
                continue
            link = guide_stage._guide_link_field()
            if link and guide_stage[link]:
                value = guide_stage[link]
                guide_stage.name = (
                    value.display_name
                    if isinstance(value, models.BaseModel)
                    else dict(self._fields[link]._description_selection(self.env)).get(
                        value, value
                    )
                )

    @api.depends("guide_id.res_model")
    def _compute_status_kind(self):
        for guide_stage in self:
            guide_stage.status_kind = guide_stage._guide_link_field() or False

    @api.depends("step_ids")
    def _compute_step_count(self):
        for guide_stage in self:
            guide_stage.step_count = len(guide_stage.step_ids)

    @api.constrains("guide_id", "status_value")
    def _check_status(self):
        """A status appears once per guide, and belongs to the guided model."""
        for guide_stage in self:
            link = guide_stage._guide_link_field()
            if not link:
                continue
            value = guide_stage._guide_status_key()
            if value in (None, False):
                raise ValidationError(
                    self.env._(
                        "The stage %(stage)s of the guide %(guide)s must say which "
                        "status of the records it stands for.",
                        stage=guide_stage.name,
                        guide=guide_stage.guide_id.display_name,
                    )
                )
            field = guide_stage._guide_record_model()._guide_status_field()
            if field.type == "selection" and value not in dict(
                field._description_selection(self.env)
            ):
                raise ValidationError(
                    self.env._(
                        "The status %(value)s of the stage %(stage)s is not a status "
                        "of the records the guide %(guide)s applies to.",
                        value=value,
                        stage=guide_stage.name,
                        guide=guide_stage.guide_id.display_name,
                    )
                )
            twins = guide_stage.guide_id.guide_stage_ids.filtered(
                lambda gs, key=value: gs._guide_status_key() == key
            )
            if len(twins) > 1:
                raise ValidationError(
                    self.env._(
                        "The stage %(stage)s appears twice in the guide %(guide)s.",
                        stage=guide_stage.name,
                        guide=guide_stage.guide_id.display_name,
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

    # ------------------------------------------------------------------
    # CRUD: each guide stage owns an activity plan, kept in step
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        guide_stages = super().create(vals_list)
        guide_stages._guide_create_plans()
        guide_stages._guide_sync_record_rows()
        return guide_stages

    def write(self, vals):
        if vals.get("guide_id"):
            moved = self.filtered(lambda gs: gs.guide_id.id != vals["guide_id"])
            used = moved._guide_used()
            if used:
                raise UserError(
                    self.env._(
                        "Records went through these guide stages, which belong to "
                        "their guide's history: archive them and create new stages "
                        "in the other guide instead of moving them: %(stages)s",
                        stages=format_list(self.env, used.mapped("name")),
                    )
                )
        result = super().write(vals)
        if {"name", "guide_id", "active"} & set(vals):
            self._guide_sync_plans()
        link_fields = {"status_value", "active", *self._guide_link_fields()}
        if link_fields & set(vals):
            self._guide_sync_record_rows()
        return result

    def _guide_used(self):
        """The guide stages records went through (their steps' rows) or stand
        in, archived and lost records and records the user cannot see
        included."""
        used = referenced(self, "crm.guide.record.step", "guide_stage_id")
        for res_model, guide_stages in (self - used).grouped("res_model").items():
            if res_model and res_model in self.env:
                used |= referenced(guide_stages, res_model, "guide_stage_id")
        return used

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        used = self._guide_used()
        if used:
            raise UserError(
                self.env._(
                    "Records went through these guide stages; archive them "
                    "instead of deleting them, so their history is kept: "
                    "%(stages)s",
                    stages=format_list(self.env, used.mapped("name")),
                )
            )

    def unlink(self):
        if not self.env.context.get("_force_unlink"):  # not at uninstall
            self._unlink_except_history()
        plans = self.plan_id
        steps = self.with_context(active_test=False).step_ids
        steps.unlink()
        result = super().unlink()
        plans.sudo().with_context(crm_workflow_guide_unlink=True).unlink()
        return result

    def _guide_plan_vals(self):
        self.ensure_one()
        return {
            "name": self.env._(
                "%(guide)s: %(stage)s", guide=self.guide_id.name, stage=self.name
            ),
            "res_model": self.guide_id.res_model,
            "company_id": self.guide_id.company_id.id,
            "active": self.active and self.guide_id.active,
        }

    def _guide_create_plans(self):
        """Create the plans as the system: the designer's right is the right to
        create guide stages (checked by ``create``); Odoo only lets sales
        managers create plans of some models."""
        todo = self.filtered(lambda gs: not gs.plan_id)
        if not todo:
            return
        plans = (
            self.env["mail.activity.plan"]
            .sudo()
            .create([guide_stage._guide_plan_vals() for guide_stage in todo])
        )
        for guide_stage, plan in zip(todo, plans, strict=True):
            guide_stage.sudo().plan_id = plan

    def _guide_sync_plans(self):
        """Keep each plan's name, model, company and archive state with its
        guide stage (as the system, like ``_guide_create_plans``)."""
        for guide_stage in self.filtered("plan_id"):
            guide_stage.plan_id.sudo().write(guide_stage._guide_plan_vals())

    def _guide_sync_record_rows(self):
        """Records already in these guide stages (designer added or remapped
        the stage) get a row for each step, like on entry (without planning
        activities: the salesperson plans the suggested ones)."""
        for res_model, guide_stages in self.grouped("res_model").items():
            if res_model in self.env:
                self.env[res_model]._guide_ensure_rows(guide_stages.step_ids)

    # ------------------------------------------------------------------
    # Status mapping
    # ------------------------------------------------------------------

    def _guide_record_model(self):
        self.ensure_one()
        return self.env[self.guide_id.res_model or "crm.guide.mixin"]

    def _guide_link_field(self):
        """Field of this model holding the record status this guide stage stands
        for; None when the guide stage is itself the status."""
        self.ensure_one()
        if not self.guide_id.res_model or self.guide_id.res_model not in self.env:
            return None
        return self._guide_record_model()._guide_stage_link_field()

    @api.model
    def _guide_link_fields(self):
        links = set()
        for name in self.env.registry["crm.guide.mixin"]._inherit_children:
            if name in self.env:
                link = self.env[name]._guide_stage_link_field()
                if link:
                    links.add(link)
        return links

    def _guide_status_key(self):
        """The record status value this guide stage stands for (an id for a
        Many2one status, a key for a Selection), or None."""
        self.ensure_one()
        link = self._guide_link_field()
        if not link:
            return None
        value = self[link]
        return value.id if isinstance(value, models.BaseModel) else value

    def _sort_key(self):
        """Position of this stage in its guide's order (what 'forward' means)."""
        self.ensure_one()
        return (self.sequence, self.id)
