# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The guide engine's gate: every check that refuses a move, a creation or a
change of guide because required steps of a blocking stage are open.

Which blocking stages a move passes is decided by ``engine.gates_passed``
(plain Python, tested without Odoo); whether they are still closed is
``_guide_blocked_moves`` (the rule); the message is ``_guide_blocking_error``."""

from collections import defaultdict

from odoo import models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import format_list

from . import engine
from .exceptions import GuideBlockedError


# The model is extended by concern, in several files of this addon.
# pylint: disable=consider-merging-classes-inherited
class CrmGuideMixin(models.AbstractModel):
    _inherit = "crm.guide.mixin"

    # ------------------------------------------------------------------
    # The checks: a move, a guide left, a record created or recomputed
    # ------------------------------------------------------------------

    def _guide_check_move(self, vals):
        """Refuse, before anything is written, a write that would pass a
        blocking stage with required steps open, or take a blocked record out
        of its guide (unless the user may)."""
        self._guide_check_model_rules(vals)
        status_field = self._guide_stage_field or "guide_stage_id"
        exempt = False
        if status_field in vals and vals[status_field]:
            target = (
                self.env[self._fields[status_field].comodel_name].browse(
                    vals[status_field]
                )
                if self._fields[status_field].type == "many2one"
                else vals[status_field]
            )
            exempt = self._guide_is_exempt_move(target)
        predicted = self._guide_predict(vals)
        if vals.get("guide_id"):
            team, company = self._guide_scope_from_vals(vals)
            for rec in self:
                guide = predicted[rec.id][0]
                if not rec._guide_matches(
                    guide, team, company, keeping=guide == rec.guide_id
                ):
                    raise ValidationError(
                        self.env._(
                            "The guide %(guide)s cannot be followed by %(record)s: "
                            "it is made for other records, another sales team or "
                            "another company.",
                            guide=guide.display_name,
                            record=rec.display_name,
                        )
                    )
        leaving = self.filtered(
            lambda rec: rec.guide_id and predicted[rec.id][0] != rec.guide_id
        )
        if leaving and not self._guide_can_leave_guide():
            # a blocked record stays in its guide
            blocked = leaving._guide_blocked_moves(
                {
                    rec.id: rec.guide_stage_id
                    for rec in leaving
                    if rec.guide_stage_id.is_blocking
                }
            )
            if blocked:
                raise leaving._guide_blocking_error(blocked, leaving=True)
            if self._guide_stage_field and status_field in vals and not exempt:
                # leaving the guide and moving in the same write: the move
                # passes the gates of the guide the record is in (won and lost
                # are never refused)
                scope = {"guide_id", self._guide_team_field, self._guide_company_field}
                stay_vals = {k: v for k, v in vals.items() if k not in scope}
                stay = leaving._guide_predict(stay_vals)
                blocked = leaving._guide_blocked_moves(
                    leaving._guide_gate_stages(stay, stay_vals)
                )
                if blocked:
                    raise leaving._guide_blocking_error(blocked)
        # guide designers and managers may change the guide of any record;
        # for the others, getting a guide counts from its first stage
        movers = (
            self.filtered(lambda rec: predicted[rec.id][0] == rec.guide_id)
            if self._guide_can_leave_guide()
            else self
        )
        if exempt:
            return
        gates = movers._guide_gate_stages(predicted, vals)
        blocked = movers._guide_blocked_moves(gates)
        if blocked:
            raise movers._guide_blocking_error(blocked)

    def _guide_check_created(self):
        """A record created (form, a kanban column, import, RPC) in a stage
        after a blocking stage of its guide has not done that stage's required
        steps: refused as moving there would be. Stages never refused (won)
        and guide designers (importing a pipeline) excepted."""
        if self._guide_can_leave_guide():
            return
        gates = self._guide_gates_before_stage()
        blocked = self._guide_blocked_moves(gates)
        if not blocked:
            return
        lines = self._guide_blocked_lines(blocked)
        raise UserError(
            self.env._(
                "These records cannot be created past a blocking stage of their "
                "guide: a new record has not done its required steps. Create "
                "them in an earlier stage and move them forward, or ask a guide "
                "designer to import them.\n%(lines)s",
                lines="\n".join(lines),
            )
        )

    def _guide_check_recomputed(self, before):
        """These records changed guide by a computation, not by a value the
        user wrote (e.g. their team follows their new salesperson): a
        salesperson cannot take them out of a guide that blocks them, nor
        bring them into a guide past a blocking stage (the caller knows
        whether the user may)."""
        left = self.filtered(lambda rec: before[rec.id][0])
        blocked = left._guide_leaving_blocked(before)
        if blocked:
            team_field = self._guide_team_field
            teams = left.browse(list(blocked)).mapped(team_field) if team_field else ()
            raise left._guide_blocking_error(
                blocked,
                leaving=True,
                intro=teams
                and self.env._(
                    "This change moves these records to another team (%(teams)s) "
                    "and so out of their guide, which they cannot leave yet: "
                    "required steps of its blocking stages are neither done nor "
                    "marked not applicable.",
                    teams=format_list(self.env, teams.mapped("display_name")),
                ),
            )
        blocked = self._guide_blocked_moves(self._guide_gates_before_stage())
        if blocked:
            raise UserError(
                self.env._(
                    "These records cannot join their guide past a blocking stage: "
                    "they have not done its required steps. Move them to an "
                    "earlier stage first, or ask a guide designer.\n%(lines)s",
                    lines="\n".join(self._guide_blocked_lines(blocked)),
                )
            )

    def _guide_leaving_blocked(self, before):
        """``{record id: required steps open}`` that keep these records in
        the guide they had (``before``: ``{record id: (guide, guide stage)}``):
        those of the blocking stage they stood in."""
        return self._guide_blocked_moves(
            {rec.id: before[rec.id][1] for rec in self if before[rec.id][1].is_blocking}
        )

    # ------------------------------------------------------------------
    # Which gates a move passes
    # ------------------------------------------------------------------

    def _guide_gate_stages(self, predicted, vals):
        """``{record id: guide stages the move passes}`` (``predicted``: see
        ``_guide_predict``): the blocking stages from the current stage up to
        the target, as ``engine.gates_passed`` decides. A target outside the
        guide is forward when it comes later in the status's own order."""
        status_field = self._guide_stage_field or "guide_stage_id"
        moving = status_field in vals
        positions = None
        gates = {}
        for rec in self:
            guide, target = predicted[rec.id]
            if not guide or (not moving and guide == rec.guide_id):
                continue
            current = rec.guide_stage_id if guide == rec.guide_id else False
            target_position = None
            if not target:
                # a status outside the guide: forward in the status's order
                key = (
                    self._guide_status_key(vals[self._guide_stage_field])
                    if self._guide_stage_field and moving
                    else None
                )
                if key is None:
                    continue
                if positions is None:
                    positions = self._guide_status_positions(
                        {key}
                        | {
                            gs._guide_status_key()
                            for gs in self.guide_id.guide_stage_ids
                        }
                        | {r._guide_record_status_key() for r in self}
                    )
                if key not in positions:
                    continue
                target_position = positions[key]
            passed = engine.gates_passed(
                [
                    (
                        gs,
                        gs._sort_key(),
                        (positions or {}).get(gs._guide_status_key(), -1),
                        gs.is_blocking,
                    )
                    for gs in guide.guide_stage_ids
                ],
                current=current._sort_key() if current else None,
                target=target._sort_key() if target else None,
                target_position=target_position,
            )
            if passed:
                gates[rec.id] = guide.guide_stage_ids.browse().concat(*passed)
        return gates

    def _guide_gates_before_stage(self):
        """``{record id: blocking stages of its guide before its guide
        stage}``, none for a status never refused (won)."""
        status_field = self._guide_stage_field or "guide_stage_id"
        gates = {}
        gates_of = {}  # per guide stage: the same for a whole batch
        for rec in self.filtered("guide_stage_id"):
            stage = rec.guide_stage_id
            if stage not in gates_of:
                gates_of[stage] = (
                    stage.browse().concat(
                        *engine.gates_passed(
                            [
                                (gs, gs._sort_key(), -1, gs.is_blocking)
                                for gs in stage.guide_id.guide_stage_ids
                            ],
                            target=stage._sort_key(),
                        )
                    )
                    if not rec._guide_is_exempt_move(rec[status_field])
                    else stage.browse()
                )
            if gates_of[stage]:
                gates[rec.id] = gates_of[stage]
        return gates

    # ------------------------------------------------------------------
    # The rule: required steps of the gates still open
    # ------------------------------------------------------------------

    def _guide_blocked_moves(self, gates):
        """The rule: ``{record id: required steps still open}`` for the
        ``gates`` (``{record id: guide stages passed}``). A required step is
        open unless its row is done or not applicable; a stage never entered
        has no rows, so its required steps are open."""
        if not gates:
            return {}
        required = (
            self.env["crm.guide.stage"]
            .concat(*gates.values())
            .step_ids.filtered("is_required")
        )
        if not required:
            return {}
        closed = defaultdict(set)
        rows = (
            self.env["crm.guide.record.step"]
            .sudo()
            .search_fetch(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", list(gates)),
                    ("step_id", "in", required.ids),
                    ("state", "in", list(engine.CLOSED_STATES)),
                ],
                ["res_id", "step_id"],
            )
        )
        for row in rows:
            closed[row.res_id].add(row.step_id.id)
        blocked = {}
        required_of = {}  # the same stages for many records of a batch
        for rec_id, stages in gates.items():
            if stages not in required_of:
                required_of[stages] = stages.step_ids.filtered("is_required").ids
            missing = engine.missing_required_steps(required_of[stages], closed[rec_id])
            if missing:
                blocked[rec_id] = self.env["crm.guide.step"].browse(missing)
        return blocked

    def _search_guide_is_blocked(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(
                self.env._("'Blocked' can only be searched as true or false.")
            )
        rows = (
            self.env["crm.guide.record.step"]
            .sudo()
            .search_fetch(
                [
                    ("res_model", "=", self._name),
                    ("state", "=", engine.OPEN),
                    ("step_id.is_required", "=", True),
                    ("guide_stage_id.is_blocking", "=", True),
                ],
                ["res_id", "guide_stage_id"],
            )
        )
        res_ids_by_stage = defaultdict(set)
        for row in rows:
            res_ids_by_stage[row.guide_stage_id.id].add(row.res_id)
        domain = (
            expression.OR(
                [
                    [("guide_stage_id", "=", stage_id), ("id", "in", list(res_ids))]
                    for stage_id, res_ids in res_ids_by_stage.items()
                ]
            )
            if res_ids_by_stage
            else expression.FALSE_DOMAIN
        )
        if (operator == "=") == bool(value):
            return domain
        return ["!", *expression.normalize_domain(domain)]

    # ------------------------------------------------------------------
    # The message of a refused move
    # ------------------------------------------------------------------

    def _guide_steps_label(self, steps):
        """The steps named with their stages, as one list: "Meet (First
        Meeting) and Quote (Proposal)"."""
        return format_list(
            self.env,
            [
                self.env._(
                    "%(step)s (%(stage)s)",
                    step=step.name,
                    stage=step.guide_stage_id.name,
                )
                for step in steps
            ],
        )

    def _guide_blocked_lines(self, blocked):
        """One line per record of ``blocked`` (``{record id: steps}``)."""
        return [
            self.env._(
                "- %(record)s: %(steps)s",
                record=rec.display_name,
                steps=self._guide_steps_label(blocked[rec.id]),
            )
            for rec in self.browse(list(blocked))
        ]

    def _guide_blocking_error(self, blocked, leaving=False, intro=None):
        """The message of a refused move (and the action opening the missing
        steps), built apart from the rule. ``intro``: the model's own first
        sentence (e.g. quotations that cannot be confirmed)."""
        records = self.browse(list(blocked))
        lines = self._guide_blocked_lines(blocked)
        if intro:
            message = "\n".join([intro, *lines])
        elif leaving:
            message = self.env._(
                "These records cannot leave their guide yet: required steps of "
                "their blocking stages are neither done nor marked not "
                "applicable. Ask a guide designer or a sales manager to change "
                "the guide.\n%(lines)s",
                lines="\n".join(lines),
            )
        else:
            message = self.env._(
                "These records cannot move forward yet: required steps of the "
                "blocking stages on their way are neither done nor marked not "
                "applicable.\n%(lines)s",
                lines="\n".join(lines),
            )
        steps = self.env["crm.guide.step"].concat(*blocked.values())
        return GuideBlockedError(
            message,
            self.env["crm.guide.record.step"]._action_open_missing(
                self._name, records.ids, steps.ids
            ),
            self.env._("Open the missing steps"),
        )
