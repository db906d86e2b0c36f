# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The guide as the user sees it: what the Guide panel
(static/src/components/guide_panel) shows, for any guided model, in one call
and a fixed number of queries; and the prompts offering what comes next once
a step is done."""

from odoo import api, fields, models

from . import engine


# The model is extended by concern, in several files of this addon.
# pylint: disable=consider-merging-classes-inherited
class CrmGuideMixin(models.AbstractModel):
    _inherit = "crm.guide.mixin"

    # ------------------------------------------------------------------
    # Panel
    # ------------------------------------------------------------------

    def guide_get_panel_data(self):
        """The guide of this record as the panel shows it: stage path with
        done / total, guidance, progress, rotting and blocked, the follow-ups
        and documents of the guide with what the current user may do on each,
        and the next stage (or what comes after the last one)."""
        self.ensure_one()
        self._guide_check_ids()
        self.check_access("read")
        guide = self.guide_id
        if not guide:
            return {"guide": False}
        can_write = self.has_access("write")
        RecordStep = self.env["crm.guide.record.step"]
        rows = (
            RecordStep.sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("guide_id", "=", guide.id),
                ]
            )
            .with_env(self.env)
        )
        closable = rows._guide_closable_rows() if can_write else RecordStep
        states = dict(RecordStep._fields["state"]._description_selection(self.env))
        current = self.guide_stage_id
        closed_per_stage = {}
        for row in rows:
            if row.state in engine.CLOSED_STATES:
                key = row.guide_stage_id.id
                closed_per_stage[key] = closed_per_stage.get(key, 0) + 1
        stages = []
        for guide_stage in guide.guide_stage_ids:
            if guide_stage == current:
                state = "current"
            elif current and engine.is_forward(
                guide_stage._sort_key(), current._sort_key()
            ):
                state = "passed"
            else:
                state = "next"
            stages.append(
                {
                    "id": guide_stage.id,
                    "name": guide_stage.name,
                    "state": state,
                    "is_blocking": guide_stage.is_blocking,
                    "done": closed_per_stage.get(guide_stage.id, 0),
                    "total": guide_stage.step_count,
                }
            )
        steps = {"activity": [], "document": []}
        open_steps = set(rows.filtered(lambda r: r.state == engine.OPEN).step_id.ids)
        for row in rows.sorted(lambda r: (r.guide_stage_sequence, r.sequence, r.id)):
            is_open = row.state == engine.OPEN
            # when a step not planned yet will be due, in the engine's words
            due_rule = ""
            if is_open and not row.activity_id and not row.date_deadline:
                due_rule = row.step_id._guide_due_rule()
            waiting = is_open and row.step_id._guide_waits_for(open_steps)
            may_close = is_open and row in closable
            steps[row.kind].append(
                {
                    "id": row.id,
                    "name": row.name,
                    "purpose": row.purpose or "",
                    "kind": row.kind,
                    "state": row.state,
                    "state_label": states.get(row.state, row.state),
                    "is_required": row.is_required,
                    "stage_name": row.guide_stage_id.name,
                    "is_current_stage": row.guide_stage_id == current,
                    "date_deadline": fields.Date.to_string(row.date_deadline)
                    if row.date_deadline
                    else False,
                    "user": [row.user_id.id, row.user_id.name]
                    if row.user_id
                    else False,
                    "activity_id": row.activity_id.id,
                    "due_rule": due_rule,
                    "is_waiting": waiting,
                    "can_schedule": can_write
                    and is_open
                    and row.kind == "activity"
                    and not row.activity_id,
                    "can_send": can_write and is_open and row.kind == "document",
                    "has_report": bool(row.step_id.report_id),
                    "can_done": may_close and row.kind == "activity",
                    "can_not_applicable": may_close,
                    "can_reset": can_write and not is_open,
                }
            )
        following = self._guide_next_guide_stage()
        closed = self._guide_is_closed()
        next_label = False
        if can_write and not closed and current:
            next_label = following.name if following else self._guide_finish_label()
        return {
            "guide": {"id": guide.id, "name": guide.display_name},
            "stages": stages,
            "guidance": current.guidance or "",
            "progress": self.guide_progress,
            "is_rotting": self.guide_is_rotting,
            "is_blocked": self.guide_is_blocked,
            "followups": steps["activity"],
            "documents": steps["document"],
            "next_stage": next_label,
            "is_last_stage": bool(current and not following),
            "can_write": can_write,
        }

    # ------------------------------------------------------------------
    # Prompts: what comes after a step is done
    # ------------------------------------------------------------------

    def _guide_after_steps_closed(self):
        """Steps of these records were just done or set aside. Users who chose
        "always plan the next step" get it planned at once, whatever the way
        they completed the step (form, chatter, RPC)."""
        if not self.env.user.crm_guide_always_schedule_next:
            return
        rows = self.env["crm.guide.record.step"].concat(
            *self._guide_next_suggested_rows().values()
        )
        if rows:
            self._guide_schedule(rows)

    def _guide_prompt_after_done(self):
        """The action offering what comes next for this record, or False: the
        stage's next suggested follow-up, else (stage complete, guide with
        'Suggest Next Stage') the next stage."""
        self.ensure_one()
        if not self.guide_stage_id or self._guide_is_closed():
            return False
        Prompt = self.env["crm.guide.prompt"]
        suggested = self._guide_next_suggested_rows().get(self.id)
        if suggested:
            return Prompt._open(
                {
                    "prompt_type": "next_step",
                    "res_model": self._name,
                    "res_id": self.id,
                    "record_step_id": suggested.id,
                }
            )
        if not self.guide_id.auto_advance or self._guide_open_rows():
            return False
        following = self._guide_next_guide_stage()
        if following:
            return Prompt._open(
                {
                    "prompt_type": "next_stage",
                    "res_model": self._name,
                    "res_id": self.id,
                    "next_guide_stage_id": following.id,
                }
            )
        if self._guide_finish_label():
            return Prompt._open(
                {"prompt_type": "finish", "res_model": self._name, "res_id": self.id}
            )
        return False


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @api.model
    def _crm_guide_models(self):
        return sorted(
            name
            for name in self.env.registry["crm.guide.mixin"]._inherit_children
            if name in self.env and not self.env[name]._abstract
        )

    def session_info(self):
        # the mark-done patch asks the guide what comes next only on these
        result = super().session_info()
        result["crm_guide_models"] = self._crm_guide_models()
        return result
