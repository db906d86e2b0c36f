# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_list, html2plaintext

# ten years: a longer sale is no sale type, and a date must stay a date
MAX_DURATION_DAYS = 3650


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
    expected_duration_days = fields.Integer(
        "Expected Duration (Days)",
        help="How long a sale of this type usually takes. A record that starts "
        "following the guide without an expected closing date gets one that many "
        "days from that day; a date already set is never changed. 0: no date.",
    )
    has_closing_date = fields.Boolean(
        compute="_compute_has_closing_date",
        help="The guided records have an expected closing date.",
    )
    description_text = fields.Char(
        compute="_compute_description_text",
        help="The description as plain text, shown where the type of sale is chosen.",
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
    apply_count = fields.Integer(
        "Open Records Without Guide",
        compute="_compute_apply_count",
        help="Open records of the guide's teams and company that follow no guide "
        "yet and that you may edit: 'Apply' gives them this guide.",
    )

    preview_html = fields.Html(
        "Preview",
        compute="_compute_preview_html",
        sanitize=False,
        help="The guide as the salesperson will see it, stage by stage.",
    )

    @api.constrains("expected_duration_days")
    def _check_expected_duration_days(self):
        for guide in self:
            if not 0 <= guide.expected_duration_days <= MAX_DURATION_DAYS:
                raise ValidationError(
                    self.env._(
                        "The expected duration of the guide %(guide)s is a number "
                        "of days from 0 to %(max)s.",
                        guide=guide.display_name,
                        max=MAX_DURATION_DAYS,
                    )
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

    @api.depends("res_model")
    def _compute_has_closing_date(self):
        for guide in self:
            guide.has_closing_date = bool(
                guide.res_model in self.env
                and self.env[guide.res_model]._guide_closing_date_field
            )

    @api.depends("description")
    def _compute_description_text(self):
        for guide in self:
            guide.description_text = (
                html2plaintext(guide.description).strip() if guide.description else ""
            )

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
        "guide_stage_ids.step_ids.delay_from",
        "guide_stage_ids.step_ids.sequence",
    )
    def _compute_preview_html(self):
        texts = {
            "required": self.env._("required"),
            "blocking": self.env._("blocking"),
            "empty": self.env._("No follow-up or document yet."),
        }
        for guide in self:
            cards = []
            for guide_stage in guide.guide_stage_ids:
                steps = []
                for step in guide_stage.step_ids:
                    icon = "fa-tasks" if step.kind == "activity" else "fa-file-text-o"
                    required = (
                        Markup(' <small class="text-muted">(%s)</small>')
                        % texts["required"]
                        if step.is_required
                        else ""
                    )
                    # when it is planned and due, in the engine's words
                    steps.append(
                        Markup(
                            '<li class="mb-1">'
                            '<i class="fa %s me-1" role="img" aria-label="%s"></i>'
                            '%s%s<div class="small text-muted">%s</div></li>'
                        )
                        % (icon, step.kind, step.name, required, step._guide_due_rule())
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

    def _apply_domain(self):
        """Open records of the guide's model, teams and company without guide."""
        self.ensure_one()
        Model = self.env[self.res_model]
        domain = [("guide_id", "=", False), *Model._guide_open_domain()]
        if self.team_ids and Model._guide_team_field:
            domain.append((Model._guide_team_field, "in", self.team_ids.ids))
        if self.company_id and Model._guide_company_field:
            domain.append((Model._guide_company_field, "=", self.company_id.id))
        return domain

    def _apply_records(self):
        self.ensure_one()
        if not self.active or self.res_model not in self.env:
            return self.env["crm.guide.mixin"]
        records = self.env[self.res_model].search(self._apply_domain())
        return records._filtered_access("write").filtered(
            lambda rec: rec._guide_matches(self)
        )

    @api.depends("team_ids", "company_id", "res_model", "active")
    def _compute_apply_count(self):
        for guide in self:
            guide.apply_count = (
                len(guide._apply_records()) if guide.id and guide.res_model else 0
            )

    def action_apply_to_records(self, batch_size=1000):
        """Give this guide to the open records of its teams and company that
        follow no guide, in batches: each record enters its current guide
        stage (automatic steps planned, one notification per assignee and
        batch)."""
        self.ensure_one()
        self.check_access("write")
        records = self._apply_records()
        for start in range(0, len(records), batch_size):
            records[start : start + batch_size].write({"guide_id": self.id})
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s records now follow the guide %(guide)s.",
                    count=len(records),
                    guide=self.display_name,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

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
        """A guide that any record follows or went through (archived and lost
        records, and records the designer cannot see, included) is kept:
        archive it."""
        used = (
            self.env["crm.guide.record.step"]
            .sudo()
            .search([("guide_id", "in", self.ids)])
            .guide_id
        )
        for res_model, guides in (self - used).grouped("res_model").items():
            if res_model in self.env:
                used |= (
                    self.env[res_model]
                    .sudo()
                    .with_context(active_test=False)
                    .search([("guide_id", "in", guides.ids)])
                    .guide_id
                )
        if used:
            raise ValidationError(
                self.env._(
                    "These guides are followed by records or kept in their "
                    "history; archive them instead: %(names)s",
                    names=format_list(self.env, used.mapped("display_name")),
                )
            )

    def unlink(self):
        if not self.env.context.get("_force_unlink"):  # not at uninstall
            self._unlink_except_in_use()
        self.with_context(active_test=False).guide_stage_ids.unlink()
        self.env.registry.clear_cache()  # crm.guide.mixin._guide_candidate_ids
        return super().unlink()

    @api.model_create_multi
    def create(self, vals_list):
        guides = super().create(vals_list)
        self.env.registry.clear_cache()  # crm.guide.mixin._guide_candidate_ids
        return guides

    def write(self, vals):
        if {"res_model", "active", "sequence"} & set(vals):
            self.env.registry.clear_cache()  # crm.guide.mixin._guide_candidate_ids
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
