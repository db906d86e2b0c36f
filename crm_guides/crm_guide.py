# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmGuide(models.Model):
    """A workflow guide: the stages a type of sale goes through and, per
    stage, the follow-ups and documents that belong to it."""

    _name = "crm.guide"
    _description = "CRM Workflow Guide"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(
        default=10,
        help="New records get the first active guide, in this order, that serves "
        "their sales team and company.",
    )
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to share the guide between companies.",
    )
    team_ids = fields.Many2many(
        "crm.team",
        "crm_guide_crm_team_rel",
        "guide_id",
        "team_id",
        string="Sales Teams",
        check_company=True,
        help="Teams whose records follow this guide. Leave empty for every team.",
    )
    res_model = fields.Selection(
        selection="_selection_res_model",
        string="Applies To",
        required=True,
        default="crm.lead",
    )
    auto_advance = fields.Boolean(
        "Suggest Next Stage",
        help="When every step of the current stage is done or not applicable, "
        "offer to move the record to the guide's next stage.",
    )
    description = fields.Html(
        translate=True,
        help="What this guide is for, e.g. 'New customer: first sale to a company "
        "we have not sold to before'.",
    )
    guide_stage_ids = fields.One2many(
        "crm.guide.stage", "guide_id", string="Stages", copy=True
    )
    step_count = fields.Integer(
        "Steps",
        compute="_compute_step_count",
        store=True,
        help="Number of follow-ups and documents over all stages of the guide.",
    )
    record_count = fields.Integer("Records", compute="_compute_record_count")

    preview_html = fields.Html(
        "Preview",
        compute="_compute_preview_html",
        sanitize=False,
        help="The guide as the salesperson will see it, stage by stage.",
    )

    @api.model
    def _selection_res_model(self):
        """Every model that opted in with crm.guide.mixin."""
        names = self.env.registry["crm.guide.mixin"]._inherit_children
        return [
            (name, self.env[name]._description)
            for name in sorted(names)
            if name in self.env and not self.env[name]._abstract
        ]

    @api.depends("guide_stage_ids.step_ids", "guide_stage_ids.step_ids.active")
    def _compute_step_count(self):
        for guide in self:
            guide.step_count = len(guide.guide_stage_ids.step_ids)

    @api.depends(
        "guide_stage_ids.name",
        "guide_stage_ids.guidance",
        "guide_stage_ids.is_blocking",
        "guide_stage_ids.step_ids.name",
        "guide_stage_ids.step_ids.kind",
        "guide_stage_ids.step_ids.auto_schedule",
        "guide_stage_ids.step_ids.is_required",
        "guide_stage_ids.step_ids.delay_count",
        "guide_stage_ids.step_ids.delay_unit",
    )
    def _compute_preview_html(self):
        texts = {
            "auto": self.env._("planned on stage entry"),
            "suggested": self.env._("suggested"),
            "required": self.env._("required"),
            "blocking": self.env._("blocking"),
            "empty": self.env._("No follow-up or document yet."),
        }
        units = dict(
            self.env["crm.guide.step"]
            ._fields["delay_unit"]
            ._description_selection(self.env)
        )
        for guide in self:
            cards = []
            for guide_stage in guide.guide_stage_ids:
                steps = []
                for step in guide_stage.step_ids:
                    icon = "fa-tasks" if step.kind == "activity" else "fa-file-text-o"
                    badges = [
                        texts["auto"] if step.auto_schedule else texts["suggested"]
                    ]
                    if step.is_required:
                        badges.append(texts["required"])
                    if step.delay_count:
                        badges.append(
                            self.env._(
                                "due %(count)s %(unit)s after entry",
                                count=step.delay_count,
                                unit=units.get(step.delay_unit, step.delay_unit),
                            )
                        )
                    steps.append(
                        Markup(
                            '<li class="mb-1">'
                            '<i class="fa %s me-1" role="img" aria-label="%s"></i>'
                            '%s <small class="text-muted">(%s)</small></li>'
                        )
                        % (icon, step.kind, step.name, ", ".join(badges))
                    )
                header = Markup("%s") % guide_stage.name
                if guide_stage.is_blocking:
                    header += Markup(
                        ' <i class="fa fa-lock text-warning" role="img"'
                        ' aria-label="%s" title="%s"></i>'
                    ) % (texts["blocking"], texts["blocking"])
                body = (
                    Markup('<ul class="list-unstyled mb-0">%s</ul>')
                    % Markup("").join(steps)
                    if steps
                    else Markup('<p class="text-muted mb-0">%s</p>') % texts["empty"]
                )
                guidance = (
                    Markup(
                        '<div class="small text-muted border-top mt-2 pt-2">%s</div>'
                    )
                    % guide_stage.guidance
                    if guide_stage.guidance
                    else Markup("")
                )
                cards.append(
                    Markup(
                        '<div class="card" style="min-width: 14rem; max-width: 20rem;">'
                        '<div class="card-header fw-bold">%s</div>'
                        '<div class="card-body">%s%s</div></div>'
                    )
                    % (header, body, guidance)
                )
            guide.preview_html = Markup(
                '<div class="d-flex flex-wrap gap-3">%s</div>'
            ) % Markup("").join(cards)

    def _compute_record_count(self):
        counts = {}
        for res_model, guides in self.grouped("res_model").items():
            counts.update(
                self.env[res_model]._read_group(
                    [("guide_id", "in", guides.ids)], ["guide_id"], ["__count"]
                )
            )
        for guide in self:
            guide.record_count = counts.get(guide, 0)

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        if "name" not in (default or {}):
            for guide, vals in zip(self, vals_list, strict=True):
                vals["name"] = self.env._("%(name)s (copy)", name=guide.name)
        return vals_list

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_use(self):
        used = self.filtered("record_count")
        if used:
            raise ValidationError(
                self.env._(
                    "These guides are still followed by records; archive them "
                    "instead: %(names)s",
                    names=", ".join(used.mapped("display_name")),
                )
            )

    def write(self, vals):
        result = super().write(vals)
        if {"name", "res_model", "company_id", "active"} & set(vals):
            self.with_context(active_test=False).guide_stage_ids._guide_sync_plans()
        return result

    def _guide_records_action(self):
        """The window action listing the records of the guide's model."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
        }

    def action_open_records(self):
        self.ensure_one()
        action = self._guide_records_action()
        action.update(
            {
                "domain": [("guide_id", "=", self.id)],
                "context": {"default_guide_id": self.id},
                "name": self.display_name,
            }
        )
        return action
