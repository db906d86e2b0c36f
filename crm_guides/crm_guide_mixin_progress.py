# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The guide engine's progress: share of steps closed, rotting, the next
step and the next stage."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import format_list

from . import engine


# The model is extended by concern, in several files of this addon.
# pylint: disable=consider-merging-classes-inherited
class CrmGuideMixin(models.AbstractModel):
    _inherit = "crm.guide.mixin"

    # ------------------------------------------------------------------
    # Progress and rotting
    # ------------------------------------------------------------------

    @api.depends("guide_id.step_count", "guide_record_step_ids.state")
    def _compute_guide_progress(self):
        for rec in self:
            closed = sum(
                1
                for row in rec.guide_record_step_ids
                if row.guide_id == rec.guide_id and row.state in engine.CLOSED_STATES
            )
            rec.guide_progress = engine.progress(closed, rec.guide_id.step_count)

    @api.depends("guide_stage_id.rotting_days", "guide_date_last_move")
    def _compute_guide_is_rotting(self):
        now = fields.Datetime.now()
        for rec in self:
            rec.guide_is_rotting = not rec._guide_is_closed() and engine.is_rotting(
                rec.guide_date_last_move, now, rec.guide_stage_id.rotting_days
            )

    def _search_guide_is_rotting(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(
                self.env._("Rotting can only be searched as true or false.")
            )
        now = fields.Datetime.now()
        stage_ids_by_days = defaultdict(list)
        rotting_stages = (
            self.env["crm.guide.stage"]
            .sudo()
            .search_fetch(
                [("rotting_days", ">", 0), ("guide_id.res_model", "=", self._name)],
                ["rotting_days"],
            )
        )
        for guide_stage in rotting_stages:
            stage_ids_by_days[guide_stage.rotting_days].append(guide_stage.id)
        domain = (
            expression.OR(
                [
                    [
                        ("guide_stage_id", "in", stage_ids),
                        (
                            "guide_date_last_move",
                            "<",
                            engine.rotting_threshold(now, days),
                        ),
                    ]
                    for days, stage_ids in stage_ids_by_days.items()
                ]
            )
            if stage_ids_by_days
            else expression.FALSE_DOMAIN
        )
        domain = expression.AND([domain, self._guide_open_domain()])
        if (operator == "=") == bool(value):
            return domain
        return ["!", *expression.normalize_domain(domain)]

    # ------------------------------------------------------------------
    # Next step
    # ------------------------------------------------------------------

    @api.depends(
        "guide_stage_id.is_blocking",
        "guide_record_step_ids.state",
        "guide_stage_id.step_ids.is_required",
    )
    def _compute_guide_next_step(self):
        # blocked, next step and its due date: one query for the recordset
        open_rows = self._guide_open_rows_batch()
        for rec in self:
            rec.guide_is_blocked = rec.guide_stage_id.is_blocking and any(
                row.is_required for row in open_rows[rec.id]
            )
            row = open_rows[rec.id][:1]
            rec.guide_next_step_id = row
            rec.guide_next_step_name = row.name
            rec.guide_next_step_deadline = row.date_deadline

    def _guide_open_rows(self):
        """Open steps of the current stage, in the guide's order."""
        self.ensure_one()
        return self.guide_record_step_ids.filtered(
            lambda row: row.state == engine.OPEN
            and row.guide_stage_id == self.guide_stage_id
            and self.guide_stage_id
        ).sorted(lambda row: (row.sequence, row.id))

    def _guide_open_rows_batch(self):
        """``{record id: open rows of its current stage}`` for the whole
        recordset in one query (the pipeline kanban reads these for every
        card): the state of a step is the engine's to read."""
        result = defaultdict(lambda: self.env["crm.guide.record.step"])
        ids = [rec.id for rec in self if rec.id and rec.guide_stage_id]
        if not ids:
            return result
        stage_of = {rec.id: rec.guide_stage_id.id for rec in self}
        rows = (
            self.env["crm.guide.record.step"]
            .sudo()
            .search_fetch(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", ids),
                    ("state", "=", engine.OPEN),
                ],
                [
                    "res_id",
                    "step_id",
                    "guide_stage_id",
                    "is_required",
                    "date_deadline",
                    "activity_id",
                ],
                order="guide_stage_sequence, sequence, id",
            )
            .with_env(self.env)
        )
        for row in rows:
            if row.guide_stage_id.id == stage_of.get(row.res_id):
                result[row.res_id] |= row
        return result

    def _guide_next_suggested_rows(self):
        """Per record, the first open suggested follow-up (not planned yet) of
        its current stage: ``{record id: row}``."""
        result = {}
        for rec in self:
            open_rows = rec._guide_open_rows()
            open_steps = set(open_rows.step_id.ids)
            row = open_rows.filtered(
                lambda r, open_steps=open_steps: r.kind == "activity"
                and not r.activity_id
                # a chained step is offered once the step before it is closed
                and not r.step_id._guide_waits_for(open_steps)
            )[:1]
            if row:
                result[rec.id] = row
        return result

    # ------------------------------------------------------------------
    # Next stage
    # ------------------------------------------------------------------

    def _guide_next_guide_stage(self):
        self.ensure_one()
        current = self.guide_stage_id
        return self.guide_id.guide_stage_ids.filtered(
            lambda gs: not current
            or engine.is_forward(current._sort_key(), gs._sort_key())
        )[:1]

    def action_guide_next_stage(self):
        """Move each record to the next stage of its guide (the guide's own
        checks apply, e.g. a blocking stage). After the last stage, finish
        (e.g. mark won) where the model knows how."""
        self._guide_check_ids()
        status_field = self._guide_stage_field or "guide_stage_id"
        groups = defaultdict(lambda: self.browse())
        finishing = self.browse()
        problems = []
        for rec in self:
            following = rec._guide_next_guide_stage()
            if following:
                target = (
                    self._guide_status_value(following)
                    if self._guide_stage_field
                    else following.id
                )
                groups[target] |= rec
            elif rec.guide_id and rec._guide_finish_label():
                finishing |= rec
            else:
                problems.append(rec.display_name)
        if problems:
            raise UserError(
                self.env._(
                    "There is no next guide stage for: %(records)s.",
                    records=format_list(self.env, problems),
                )
            )
        for target, records in groups.items():
            records.write({status_field: target})
        if finishing:
            return finishing._guide_finish() or True
        return True
