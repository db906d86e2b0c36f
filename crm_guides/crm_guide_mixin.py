# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, format_list

from . import engine
from .exceptions import GuideBlockedError


class CrmGuideMixin(models.AbstractModel):
    """Guided selling on any model that has a status.

    A model opts in with a few lines; put the mixin *before* the model so the
    guide checks a move before the model's own ``write`` does anything::

        class CrmLead(models.Model):
            _name = "crm.lead"
            _inherit = ["crm.guide.mixin", "crm.lead"]

    Class attributes configure it:

    * ``_guide_stage_field``: the record's own status, whatever its kind: a
      Many2one (crm.lead: ``stage_id``; the guide stage maps to it through a
      Many2one of ``crm.guide.stage`` named by ``_guide_stage_link``, by
      default the same name, which the model's glue adds), a Selection (the
      guide stage maps to a value of it, ``crm.guide.stage.status_value``), or
      ``None`` when the guide stage itself is the record's status (quotations,
      projects);
    * ``_guide_team_field``, ``_guide_user_field``, ``_guide_company_field``:
      the record's team (which guides apply, team leader), salesperson
      (default assignee) and company; ``None`` when the model has none. The
      guide is computed when the team or company is set, so a model needs at
      least one of the two (or must set ``guide_id`` itself).

    Hooks meant to be overridden: :meth:`_guide_is_exempt_move` (moves never
    refused, e.g. to a won stage), :meth:`_guide_is_closed` and
    :meth:`_guide_open_domain` (closed records do not rot),
    :meth:`_guide_get_responsible` and :meth:`_guide_prepare_activity_vals`.

    Further hooks: :meth:`_guide_after_enter` (records entered a stage),
    :meth:`_guide_salesperson` / :meth:`_guide_team_leader` (assignees of
    steps), :meth:`_guide_blocking_error` (the message of a refused move,
    built apart from the rule in :meth:`_guide_blocked_moves`).

    The model must also be a ``mail.thread``; activities come with this mixin.
    """

    _name = "crm.guide.mixin"
    _inherit = ["mail.activity.mixin"]
    _description = "Workflow Guide Mixin"

    _guide_stage_field = "stage_id"
    _guide_stage_link = None
    _guide_team_field = "team_id"
    _guide_user_field = "user_id"
    _guide_company_field = "company_id"
    # Fields only the guide engine writes (never a user, even over RPC).
    _guide_protected_fields = (
        "guide_progress",
        "guide_date_last_move",
        "guide_record_step_ids",
    )

    guide_id = fields.Many2one(
        "crm.guide",
        string="Guide",
        compute="_compute_guide_id",
        store=True,
        readonly=False,
        index=True,
        copy=False,
        ondelete="set null",
        domain=lambda self: [("res_model", "=", self._name)],
        help="The workflow guide this record follows (the type of sale). New "
        "records get the first guide that serves their team.",
    )
    guide_stage_id = fields.Many2one(
        "crm.guide.stage",
        string="Guide Stage",
        compute="_compute_guide_stage_id",
        store=True,
        readonly=False,
        index=True,
        copy=False,
        domain="[('guide_id', '=', guide_id)]",
    )
    guide_record_step_ids = fields.One2many(
        "crm.guide.record.step",
        "res_id",
        string="Guide Steps",
        domain=lambda self: [("res_model", "=", self._name)],
        readonly=True,
        copy=False,
    )
    guide_progress = fields.Integer(
        compute="_compute_guide_progress",
        store=True,
        aggregator="avg",
        help="Share of the guide's steps (all stages) that are done or not applicable.",
    )
    guide_date_last_move = fields.Datetime(
        "Last Guide Progress",
        default=fields.Datetime.now,
        readonly=True,
        copy=False,
        help="Last stage change or guide step done.",
    )
    guide_is_rotting = fields.Boolean(
        "Rotting",
        compute="_compute_guide_is_rotting",
        search="_search_guide_is_rotting",
        help="Nothing happened (no guide step done, no stage change) for longer "
        "than the stage allows.",
    )

    guide_is_blocked = fields.Boolean(
        "Blocked by Guide",
        compute="_compute_guide_next_step",
        search="_search_guide_is_blocked",
        help="The current stage is blocking and has required steps that are "
        "neither done nor not applicable: the record cannot move forward.",
    )
    guide_next_step_id = fields.Many2one(
        "crm.guide.record.step",
        string="Next Guide Step",
        compute="_compute_guide_next_step",
        help="The first open step of the current stage.",
    )
    guide_next_step_name = fields.Char("Next Step", compute="_compute_guide_next_step")
    guide_next_step_deadline = fields.Date(
        "Next Step Due", compute="_compute_guide_next_step"
    )

    guide_guidance = fields.Html(related="guide_stage_id.guidance", string="Guidance")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    def _guide_depends(self):
        return [
            f
            for f in (self._guide_team_field, self._guide_company_field)
            if f and f in self._fields
        ]

    def _guide_stage_depends(self):
        depends = ["guide_id", "guide_id.guide_stage_ids"]
        link = self._guide_stage_link_field()
        if link and link in self.env["crm.guide.stage"]._fields:
            depends += [self._guide_stage_field, f"guide_id.guide_stage_ids.{link}"]
        return depends

    # ------------------------------------------------------------------
    # Status abstraction
    # ------------------------------------------------------------------

    @api.model
    def _guide_status_field(self):
        """The record's own status field, or None when the guide stage is the
        status."""
        return self._fields.get(self._guide_stage_field or "")

    @api.model
    def _guide_stage_link_field(self):
        """Field of ``crm.guide.stage`` holding the status value a guide stage
        stands for: ``status_value`` for a Selection status, a Many2one named
        ``_guide_stage_link`` (default: as the status field) for a Many2one
        status, None when the guide stage is the status."""
        field = self._guide_status_field()
        if field is None:
            return None
        if field.type == "selection":
            return "status_value"
        return self._guide_stage_link or field.name

    @api.model
    def _guide_status_key(self, value):
        """A status value (of a record or of a write) as a comparable key: an
        id for a Many2one status (``"3"`` is 3), the key for a Selection."""
        field = self._guide_status_field()
        if field is None or field.type != "many2one":
            return value or None
        if isinstance(value, models.BaseModel):
            return value.id or None
        if isinstance(value, str):
            try:
                value = int(value)
            except ValueError as exc:
                raise UserError(
                    self.env._(
                        "%(value)s is not a valid %(field)s.",
                        value=value,
                        field=field.string,
                    )
                ) from exc
        return value or None

    def _guide_record_status_key(self):
        self.ensure_one()
        return self._guide_status_key(self[self._guide_stage_field])

    @api.model
    def _guide_status_value(self, guide_stage):
        """What to write in the status field to put a record in ``guide_stage``."""
        return guide_stage._guide_status_key()

    @api.depends(lambda self: self._guide_depends())
    def _compute_guide_id(self):
        todo = self.filtered(
            lambda rec: not (rec.guide_id and rec._guide_matches(rec.guide_id))
        )
        if not todo:
            return
        guides = self._guide_candidates()
        for rec in todo:
            rec.guide_id = rec._guide_first_match(guides)

    def _guide_first_match(self, guides, team=None, company=None):
        """The first of ``guides`` this record may follow; a record that lost
        its company keeps its own guide when no guide without company serves
        it (crm empties the company of an opportunity unassigned in a team
        without company: it stays in its workflow)."""
        guide = next(
            (g for g in guides if self._guide_matches(g, team, company)),
            self.env["crm.guide"],
        )
        if not guide and self.guide_id:
            if self._guide_matches(self.guide_id, team, company, keeping=True):
                return self.guide_id
        return guide

    @api.model
    def _guide_candidates(self):
        """The active guides of this model in their order, as the system
        (whether one applies is ``_guide_matches``' business: team, company).
        Their ids are cached, so that writes of teams or companies on records
        cost no query (crm's lead assignment writes them one by one)."""
        return self.env["crm.guide"].sudo().browse(self._guide_candidate_ids())

    @api.model
    @tools.ormcache("self._name")
    def _guide_candidate_ids(self):
        return tuple(
            self.env["crm.guide"].sudo().search([("res_model", "=", self._name)]).ids
        )

    @api.depends(lambda self: self._guide_stage_depends())
    def _compute_guide_stage_id(self):
        guide_stages = self.guide_id.guide_stage_ids
        if self._guide_stage_field:
            by_stage = {
                (gs.guide_id.id, gs._guide_status_key()): gs for gs in guide_stages
            }
            for rec in self:
                rec.guide_stage_id = by_stage.get(
                    (rec.guide_id.id, rec._guide_record_status_key()), False
                )
            return
        for rec in self:
            if rec.guide_stage_id.guide_id != rec.guide_id:
                rec.guide_stage_id = rec.guide_id.guide_stage_ids[:1]

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

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._guide_check_protected(vals)
            self._guide_normalize_vals(vals)
        records = super().create(vals_list)
        entered = records.filtered("guide_stage_id")
        if entered:
            entered._guide_check_created()
            entered._guide_enter_stage(touch=False)
        return records

    @api.model
    @tools.ormcache()
    def _guide_trigger_fields(self):
        """Fields of this model whose change may recompute its guide: what
        it depends on, through the model's own computed fields (the team
        computed from the customer or the salesperson, the company from the
        team). The guide stage follows the guide and the status field."""
        names, todo = set(), ["guide_id"]
        while todo:
            field = self._fields[todo.pop()]
            for path in self.pool.field_depends.get(field, ()):
                name = path.split(".")[0]
                if name in self._fields and name not in names:
                    names.add(name)
                    todo.append(name)
        return frozenset(names - {"guide_id"})

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
                    stage.guide_id.guide_stage_ids.filtered(
                        lambda gs, s=stage: gs.is_blocking
                        and engine.is_forward(gs._sort_key(), s._sort_key())
                    )
                    if not rec._guide_is_exempt_move(rec[status_field])
                    else stage.browse()
                )
            if gates_of[stage]:
                gates[rec.id] = gates_of[stage]
        return gates

    def _guide_leaving_blocked(self, before):
        """``{record id: required steps open}`` that keep these records in
        the guide they had (``before``: ``{record id: (guide, guide stage)}``):
        those of the blocking stage they stood in."""
        return self._guide_blocked_moves(
            {rec.id: before[rec.id][1] for rec in self if before[rec.id][1].is_blocking}
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

    def write(self, vals):
        if self.env.su and self.env.context.get("crm_workflow_guide_disable"):
            # the uninstall hook: the engine is going away
            return super().write(vals)
        self._guide_check_protected(vals)
        vals = dict(vals)
        self._guide_normalize_vals(vals)
        status_field = self._guide_stage_field or "guide_stage_id"
        watched = {status_field, "guide_id", "guide_stage_id", *self._guide_depends()}
        if not self or (
            watched.isdisjoint(vals) and self._guide_trigger_fields().isdisjoint(vals)
        ):
            return super().write(vals)
        # two users moving the same record at once: the second waits, then
        # Odoo retries its request and it sees the first one's steps
        if {status_field, "guide_id", "guide_stage_id"} & set(vals):
            self._guide_lock_records()
        # every rule is checked before anything is written
        self._guide_check_move(vals)
        before = {rec.id: (rec.guide_id, rec.guide_stage_id) for rec in self}
        triggers = self._guide_trigger_fields()
        expected = None
        if "guide_id" in vals or not triggers.isdisjoint(vals):
            # the guide may change: as predicted, or by a computation
            scope = {"guide_id", self._guide_team_field, self._guide_company_field}
            expected = (
                {rec_id: g for rec_id, (g, __) in self._guide_predict(vals).items()}
                if scope & set(vals)
                else {rec_id: guide for rec_id, (guide, __) in before.items()}
            )
        moving = status_field in vals
        if moving:
            # the move is the guide's progress: one write, not two
            vals["guide_date_last_move"] = fields.Datetime.now()
        result = super().write(vals)
        # the user may have given the records away (another salesperson):
        # what follows the write is done all the same, as the user
        records = self.sudo() if (triggers - watched) & set(vals) else self
        if expected is not None:
            # a guide changed by a computation (the team follows the customer
            # or the salesperson, the company the team): the same rules
            recomputed = records.filtered(lambda rec: rec.guide_id != expected[rec.id])
            if recomputed and not self._guide_can_leave_guide():
                recomputed._guide_check_recomputed(before)
        company_field = self._guide_company_field
        if company_field and company_field in vals:
            records.filtered("guide_id")._guide_sync_row_companies()
        switched = records.filtered(
            lambda rec: before[rec.id][0] and rec.guide_id != before[rec.id][0]
        )
        if switched:
            switched._guide_cancel_other_guides(
                {rec.id: before[rec.id][0] for rec in switched}
            )
        entered = records.filtered(
            lambda rec: rec.guide_stage_id and rec.guide_stage_id != before[rec.id][1]
        )
        if entered:
            entered._guide_enter_stage(touch=not moving)
        return result

    def _guide_lock_records(self):
        """Lock the records' rows until the end of the transaction (see
        ``write``); ``NO KEY UPDATE`` does not block foreign keys to them."""
        if not self.ids:
            return
        self._guide_check_ids()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE",
                SQL.identifier(self._table),
                tuple(self.ids),
            )
        )

    def _guide_check_ids(self):
        """``True``, a list or a dict sent over RPC as ids: a clear error
        instead of a database error."""
        if any(type(rec_id) is not int for rec_id in self._ids):
            raise UserError(
                self.env._("Records are given by their ids, whole numbers.")
            )

    def _guide_rows(self, domain=()):
        """The guide's rows of these records, narrowed by ``domain``, as the
        system (the state of steps is the engine's to read)."""
        return (
            self.env["crm.guide.record.step"]
            .sudo()
            .search(
                [("res_model", "=", self._name), ("res_id", "in", self.ids), *domain]
            )
        )

    def _guide_sync_row_companies(self):
        """A record step follows its record's company, so the users of the
        record's company see (and can close) its steps."""
        field = self._guide_company_field
        for company, records in self.grouped(lambda rec: rec[field]).items():
            records._guide_rows([("company_id", "!=", company.id)]).write(
                {"company_id": company.id}
            )

    def unlink(self):
        # the guide steps of deleted records (e.g. merged opportunities) go too
        rows = self._guide_rows()
        result = super().unlink()
        rows.unlink()
        return result

    @api.constrains("guide_id")
    def _check_guide_id(self):
        for rec in self:
            if rec.guide_id and not rec._guide_matches(rec.guide_id, keeping=True):
                raise ValidationError(
                    self.env._(
                        "The guide %(guide)s cannot be followed by %(record)s: it is "
                        "made for other records, another sales team or another "
                        "company.",
                        guide=rec.guide_id.display_name,
                        record=rec.display_name,
                    )
                )

    @api.constrains("guide_id", "guide_stage_id")
    def _check_guide_stage_id(self):
        for rec in self:
            if rec.guide_stage_id and rec.guide_stage_id.guide_id != rec.guide_id:
                raise ValidationError(
                    self.env._(
                        "The stage %(stage)s belongs to the guide %(other)s, not to "
                        "the guide of %(record)s.",
                        stage=rec.guide_stage_id.name,
                        other=rec.guide_stage_id.guide_id.display_name,
                        record=rec.display_name,
                    )
                )

    def _guide_check_protected(self, vals):
        if self.env.su:
            return
        forbidden = [fname for fname in self._guide_protected_fields if fname in vals]
        if forbidden:
            raise UserError(
                self.env._(
                    "These fields are kept by the workflow guide and cannot be "
                    "written: %(fields)s. Mark the steps done or not applicable "
                    "instead.",
                    fields=format_list(
                        self.env, [self._fields[fname].string for fname in forbidden]
                    ),
                )
            )

    @api.model
    def _guide_normalize_id(self, value, comodel, label):
        """An id sent over RPC or import as ``"3"``, ``3``, ``False`` or a
        record; anything else is refused with a clear message."""
        if isinstance(value, models.BaseModel):
            return value.id
        if value is False or value is None or value == "" or value == 0:
            return False
        try:
            if isinstance(value, bool) or (
                isinstance(value, float) and not value.is_integer()
            ):
                # True is not guide 1, nor 1.5
                raise ValueError(value)
            value = int(value)
        except (TypeError, ValueError) as exc:
            raise UserError(
                self.env._(
                    "%(value)s is not a valid %(field)s.", value=value, field=label
                )
            ) from exc
        if not self.env[comodel].browse(value).exists():
            raise UserError(
                self.env._(
                    "The %(field)s %(value)s does not exist.", value=value, field=label
                )
            )
        return value

    def _guide_normalize_vals(self, vals):
        """Normalise the guide values of a create/write (``"3"`` is guide 3)
        and turn a written guide stage into the record's own status, so that
        every way of moving goes through one path."""
        if "guide_id" in vals:
            vals["guide_id"] = self._guide_normalize_id(
                vals["guide_id"], "crm.guide", self.env._("guide")
            )
        if "guide_stage_id" in vals:
            vals["guide_stage_id"] = self._guide_normalize_id(
                vals["guide_stage_id"], "crm.guide.stage", self.env._("guide stage")
            )
            guide_stage = self.env["crm.guide.stage"].browse(vals["guide_stage_id"])
            if guide_stage:
                vals.setdefault("guide_id", guide_stage.guide_id.id)
            if self._guide_stage_field:
                vals.pop("guide_stage_id")
                if guide_stage:
                    vals[self._guide_stage_field] = self._guide_status_value(
                        guide_stage
                    )
        status_field = self._guide_status_field()
        if status_field is not None and status_field.name in vals:
            if status_field.type == "many2one":
                vals[status_field.name] = self._guide_normalize_id(
                    vals[status_field.name],
                    status_field.comodel_name,
                    status_field.string,
                )

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------

    def _guide_matches(self, guide, team=None, company=None, keeping=False):
        """Whether ``guide`` may be followed by this record (team, company).
        ``team`` / ``company`` predict the answer for values being written;
        ``keeping``: the guide is the record's own."""
        self.ensure_one()
        if guide.res_model != self._name:
            return False
        if company is None:
            company = (
                self[self._guide_company_field] if self._guide_company_field else False
            )
        # a record without company gets only guides without company; it may
        # keep its own (see ``_guide_first_match``)
        if guide.company_id and guide.company_id != company:
            if company or not keeping:
                return False
        if team is None:
            team = self[self._guide_team_field] if self._guide_team_field else False
        return not guide.team_ids or bool(team and team in guide.team_ids)

    def _guide_is_exempt_move(self, target):
        """Moves to ``target`` (a value of the status field) are never refused."""
        return False

    def _guide_is_closed(self):
        """Closed records (won, lost, done) do not rot."""
        self.ensure_one()
        return False

    @api.model
    def _guide_open_domain(self):
        """Domain of the records that are not closed (see _guide_is_closed)."""
        return []

    def _guide_finish(self):
        """What comes after the guide's last stage (e.g. mark the opportunity
        won): do it and return an action, or return None when the model has no
        such step."""
        return None

    def _guide_finish_label(self):
        """Name of :meth:`_guide_finish` for the prompt, e.g. "mark it as won"."""
        return ""

    def _guide_after_enter(self):
        """These records just entered their guide stage (their steps have
        rows and the automatic ones are planned). Meant to be overridden."""
        return None

    def _guide_salesperson(self):
        """The record's salesperson (default assignee of its steps)."""
        self.ensure_one()
        return (
            self[self._guide_user_field]
            if self._guide_user_field
            else self.env["res.users"]
        )

    def _guide_team_leader(self):
        """The leader of the record's team, if the model has teams."""
        self.ensure_one()
        if not self._guide_team_field:
            return self.env["res.users"]
        team = self[self._guide_team_field]
        return team.user_id if "user_id" in team._fields else self.env["res.users"]

    @api.model
    def _guide_user_is_manager(self):
        """Whether the current user manages these records: may close the
        required steps assigned to others (CRM: sales manager)."""
        return self.env.user.has_group(
            "crm_workflow_guide.crm_workflow_guide_group_admin"
        )

    def _guide_can_leave_guide(self):
        """Whether the current user may take a blocked record out of its guide
        (switch or clear the guide, change the team or company)."""
        return self.env.su or self.env.user.has_group(
            "crm_workflow_guide.crm_workflow_guide_group_designer"
        )

    def _guide_get_responsible(self, step):
        """User an activity of ``step`` is assigned to on this record: the
        step's activity template decides (``_determine_responsible``; "ask at
        launch" is the user who moves the record), then the salesperson,
        then the current user."""
        self.ensure_one()
        responsible = step.template_id._determine_responsible(self.env.user, self)[
            "responsible"
        ]
        return (
            responsible
            or self._guide_salesperson()
            or step.activity_type_id.default_user_id
            or self.env.user
        )

    def _guide_prepare_activity_vals(self, step, today):
        """Values of the activity planned for ``step`` on this record."""
        self.ensure_one()
        activity_type = step.activity_type_id or self.env.ref(
            "mail.mail_activity_data_todo"
        )
        return {
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
            "activity_type_id": activity_type.id,
            "summary": step.summary or step.name,
            "note": step.note or activity_type.default_note,
            "date_deadline": step._guide_deadline(today),
            "user_id": self._guide_get_responsible(step).id,
            "automated": True,
        }

    def _guide_prepare_record_step_vals(self, step, activity=None):
        self.ensure_one()
        company = (
            self[self._guide_company_field] if self._guide_company_field else False
        )
        guide_stage = step.guide_stage_id
        return {
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
            "step_id": step.id,
            # the step's values at hand (what the related fields would read)
            "res_model": self._name,
            "guide_stage_id": guide_stage.id,
            "guide_id": guide_stage.guide_id.id,
            "guide_stage_sequence": guide_stage.sequence,
            "sequence": step.sequence,
            "is_required": step.is_required,
            "company_id": company.id if company else False,
            "activity_id": activity.id if activity else False,
            "date_deadline": activity.date_deadline if activity else False,
            # not planned yet: who the step is for, so that a required step of
            # someone else stays theirs to close
            "user_id": (
                activity.user_id.id if activity else self._guide_step_assignee(step).id
            ),
        }

    def _guide_step_assignee(self, step):
        """Who a step of this record is for before it is planned: the step's
        assignee rule (a given user, the salesperson, the team leader);
        nobody when it is asked at launch."""
        self.ensure_one()
        return step.template_id._determine_responsible(self.env["res.users"], self)[
            "responsible"
        ]

    # ------------------------------------------------------------------
    # Engine: the gate
    # ------------------------------------------------------------------

    def _guide_predict(self, vals):
        """``{record id: (guide, guide stage)}`` after the write ``vals``, as the
        ORM will compute them, without writing anything."""
        Guide, GuideStage = self.env["crm.guide"], self.env["crm.guide.stage"]
        team_field, company_field = self._guide_team_field, self._guide_company_field
        changes_scope = bool({f for f in (team_field, company_field) if f} & set(vals))
        team, company = self._guide_scope_from_vals(vals)
        guides = None
        result = {}
        for rec in self:
            if "guide_id" in vals:
                guide = Guide.browse(vals["guide_id"])
            elif changes_scope:
                if rec.guide_id and rec._guide_matches(rec.guide_id, team, company):
                    guide = rec.guide_id
                else:
                    if guides is None:
                        guides = self._guide_candidates()
                    guide = rec._guide_first_match(guides, team, company)
            else:
                guide = rec.guide_id
            if self._guide_stage_field:
                key = (
                    self._guide_status_key(vals[self._guide_stage_field])
                    if self._guide_stage_field in vals
                    else rec._guide_record_status_key()
                )
                stage = guide.guide_stage_ids.filtered(
                    lambda gs, key=key: key is not None
                    and gs._guide_status_key() == key
                )[:1]
            elif "guide_stage_id" in vals:
                stage = GuideStage.browse(vals["guide_stage_id"])
            elif guide == rec.guide_id:
                stage = rec.guide_stage_id
            else:
                stage = guide.guide_stage_ids[:1]
            result[rec.id] = (guide, stage)
        return result

    def _guide_scope_from_vals(self, vals):
        """``(team, company)`` written by ``vals``; None for what it keeps."""
        team_field, company_field = self._guide_team_field, self._guide_company_field
        team = (
            self.env[self._fields[team_field].comodel_name].browse(vals[team_field])
            if team_field and team_field in vals
            else None
        )
        company = (
            self.env["res.company"].browse(vals[company_field])
            if company_field and company_field in vals
            else None
        )
        return team, company

    def _guide_status_positions(self, keys):
        """``{status key: position}`` in the order of the status itself (the
        pipeline's order for a Many2one, the list's for a Selection)."""
        field = self._guide_status_field()
        keys = {key for key in keys if key is not None}
        if field is None or not keys:
            return {}
        if field.type == "selection":
            order = [v for v, __ in field._description_selection(self.env)]
            return {key: order.index(key) for key in keys if key in order}
        ordered = (
            self.env[field.comodel_name]
            .with_context(active_test=False)
            .search([("id", "in", list(keys))])
        )
        return {record_id: index for index, record_id in enumerate(ordered.ids)}

    def _guide_gate_stages(self, predicted, vals):
        """``{record id: guide stages the move passes}``: the stages of the
        guide from the current stage (from the guide's first stage when there
        is none) up to the target, target excluded, for forward moves. A
        target outside the guide is forward when it comes later in the
        status's own order."""
        status_field = self._guide_stage_field or "guide_stage_id"
        moving = status_field in vals
        positions = None
        gates = {}
        for rec in self:
            guide, target = predicted[rec.id]
            if not guide:
                continue
            current = rec.guide_stage_id if guide == rec.guide_id else False
            if target and current == target:
                continue
            if not moving and guide == rec.guide_id:
                continue
            stages = guide.guide_stage_ids
            if target:
                if current and not engine.is_forward(
                    current._sort_key(), target._sort_key()
                ):
                    continue
                passed = stages.filtered(
                    lambda gs, t=target, c=current: engine.is_forward(
                        gs._sort_key(), t._sort_key()
                    )
                    and (not c or not engine.is_forward(gs._sort_key(), c._sort_key()))
                )
            else:
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
                passed = stages.filtered(
                    lambda gs, k=key, c=current, pos=positions: pos.get(
                        gs._guide_status_key(), -1
                    )
                    < pos[k]
                    and (not c or not engine.is_forward(gs._sort_key(), c._sort_key()))
                )
                if current and current not in passed:
                    continue
            passed = passed.filtered("is_blocking")
            if passed:
                gates[rec.id] = passed
        return gates

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

    def _guide_check_move(self, vals):
        """Refuse, before anything is written, a write that would pass a
        blocking stage with required steps open, or take a blocked record out
        of its guide (unless the user may)."""
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

    # ------------------------------------------------------------------
    # Engine: entering a stage
    # ------------------------------------------------------------------

    def _guide_enter_stage(self, touch=True):
        """Records entered their guide stage: give every step of the stage a
        state and plan the automatic ones, once (open activities are never
        duplicated). Batched: a constant number of queries for the recordset,
        plus what ``mail.activity.create`` does for the activities."""
        pairs = [(rec, step) for rec in self for step in rec.guide_stage_id.step_ids]
        if pairs:
            # optimistic: plan the automatic steps and insert every row at once;
            # a record that had a row already (it came back to the stage) keeps
            # it, and the activity planned for it goes, unless the row's own
            # activity was cancelled (then it takes the new one)
            to_plan = [(rec, step) for rec, step in pairs if step.auto_schedule]
            activities = (
                self._guide_create_activities(to_plan, notify=False)
                if to_plan
                else self.env["mail.activity"]
            )
            planned = dict(
                zip(
                    ((rec.id, step.id) for rec, step in to_plan),
                    activities,
                    strict=True,
                )
            )
            created = self._guide_insert_record_steps(
                [
                    rec._guide_prepare_record_step_vals(
                        step, planned.get((rec.id, step.id))
                    )
                    for rec, step in pairs
                ]
            )
            surplus = self.env["mail.activity"]
            if len(created) < len(pairs):
                surplus = self._guide_keep_existing_rows(
                    pairs,
                    {(res_id, step_id) for __, res_id, step_id in created},
                    planned,
                )
            if surplus:
                surplus.sudo().unlink()
            (activities - surplus)._guide_notify_assignees()
        if touch:
            self.sudo().write({"guide_date_last_move": fields.Datetime.now()})
        self._guide_after_enter()

    @api.model
    def _guide_ensure_rows(self, steps):
        """Records of this model standing in the stages of ``steps`` get a row
        for each (active) step they lack: a step or stage added later, or a
        guide stage recomputed. Rows only, in one create: nothing is planned
        (the salesperson plans them from the guide)."""
        steps = steps.filtered("active")
        if not steps:
            return
        self.env.flush_all()
        records = (
            self.sudo()
            .with_context(active_test=False)
            .search([("guide_stage_id", "in", steps.guide_stage_id.ids)])
        )
        if not records:
            return
        existing = (
            self.env["crm.guide.record.step"]
            .sudo()
            .search_fetch(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", records.ids),
                    ("step_id", "in", steps.ids),
                ],
                ["res_id", "step_id"],
            )
        )
        known = {(row.res_id, row.step_id.id) for row in existing}
        steps_by_stage = steps.grouped("guide_stage_id")
        create_vals = [
            rec._guide_prepare_record_step_vals(step)
            for rec in records
            for step in steps_by_stage.get(rec.guide_stage_id, ())
            if (rec.id, step.id) not in known
        ]
        if create_vals:
            records._guide_insert_record_steps(create_vals)

    def _guide_insert_record_steps(self, vals_list):
        """Create the open rows ``vals_list`` of these records (complete
        values: see ``_guide_prepare_record_step_vals``), as the system:
        salespeople never write rows. Returns ``[(id, res_id, step_id)]`` of
        the rows inserted.

        One ``INSERT``: on a single move the ORM's ``create`` of two rows
        costs as much as the rest of the guide's work. Nothing on a row is
        computed (related values are given), no model extends its creation,
        and a row that exists already (the record came back to the stage, or
        another transaction created it meanwhile) is kept (``ON CONFLICT DO
        NOTHING`` on the unique key). Open rows change no record's progress;
        the records' rows and what is computed from them (blocked, next step)
        are invalidated.
        """
        RecordStep = self.env["crm.guide.record.step"].sudo()
        if not vals_list:
            return []
        now, uid = self.env.cr.now(), self.env.uid
        fnames = list(vals_list[0])
        # ids, numbers, booleans, dates and names: plain column values (False
        # is NULL but for a boolean)
        nullable = {
            fname for fname in fnames if RecordStep._fields[fname].type != "boolean"
        }
        rows = SQL(", ").join(
            SQL(
                ", ".join(["%s"] * (len(fnames) + 5)).join("()"),
                *(
                    None if vals[fname] is False and fname in nullable else vals[fname]
                    for fname in fnames
                ),
                engine.OPEN,
                uid,
                now,
                uid,
                now,
            )
            for vals in vals_list
        )
        self.env.cr.execute(
            SQL(
                "INSERT INTO %s (%s) VALUES %s"
                " ON CONFLICT (res_model, res_id, step_id) DO NOTHING"
                " RETURNING id, res_id, step_id",
                SQL.identifier(RecordStep._table),
                SQL(", ").join(
                    SQL.identifier(fname)
                    for fname in (
                        *fnames,
                        "state",
                        "create_uid",
                        "create_date",
                        "write_uid",
                        "write_date",
                    )
                ),
                rows,
            )
        )
        created = self.env.cr.fetchall()
        self.invalidate_recordset(["guide_record_step_ids"])
        with self.env.protecting([self._fields["guide_progress"]], self):
            self.modified(["guide_record_step_ids"])
        return created

    def _guide_keep_existing_rows(self, pairs, created_keys, planned):
        """Rows of ``pairs`` that existed already (not in ``created_keys``):
        an open automatic step whose activity was cancelled takes the activity
        just planned; the others keep theirs. Returns the activities planned
        for nothing."""
        missing = [
            (rec, step) for rec, step in pairs if (rec.id, step.id) not in created_keys
        ]
        rows = (
            self.env["crm.guide.record.step"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", list({rec.id for rec, __ in missing})),
                    ("step_id", "in", list({step.id for __, step in missing})),
                ]
            )
        )
        row_of = {(row.res_id, row.step_id.id): row for row in rows}
        surplus = self.env["mail.activity"]
        for rec, step in missing:
            activity = planned.get((rec.id, step.id))
            if not activity:
                continue
            row = row_of.get((rec.id, step.id))
            if row and row.state == engine.OPEN and not row.activity_id:
                row._link_activity(activity)
            else:
                surplus |= activity
        return surplus

    def _guide_create_activities(self, record_steps, notify=True):
        """Plan the activities of ``[(record, step), ...]`` in one create, as the
        current user (who may edit the records)."""
        today = fields.Date.context_today(self)
        vals_list = [
            rec._guide_prepare_activity_vals(step, today) for rec, step in record_steps
        ]
        # one notification per assignee and move, not one e-mail per activity
        activities = (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
            .with_env(self.env)
        )
        if notify:
            activities._guide_notify_assignees()
        return activities

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """``mail.activity.create`` subscribes each assignee to the record once
        per activity: with two activities for the same person on the same
        record in one create, core would insert the same follower twice (a
        UniqueViolation). The records are subscribed once each."""
        unique = self.browse(list(dict.fromkeys(self.ids)))
        return super(CrmGuideMixin, unique).message_subscribe(
            partner_ids=partner_ids, subtype_ids=subtype_ids
        )

    def _guide_schedule(self, rows):
        """Plan the activities of suggested steps ``rows`` of these records."""
        records = {rec.id: rec for rec in self}
        rows = rows.filtered(lambda row: row.res_id in records)
        activities = self._guide_create_activities(
            [(records[row.res_id], row.step_id) for row in rows]
        )
        for row, activity in zip(rows, activities, strict=True):
            row._link_activity(activity)
        return activities

    def _guide_close_open_steps(self):
        """The records are closed (won, cancelled): their open steps that
        have an activity become not applicable and the activities go, as the
        system (the caller may edit the records). Returns ``{record id: names
        of the closed steps}`` for the caller's chatter note."""
        rows = self._guide_rows(
            [("state", "=", engine.OPEN), ("activity_id", "!=", False)]
        )
        if not rows:
            return {}
        closed = {
            res_id: record_rows.mapped("name")
            for res_id, record_rows in rows.grouped("res_id").items()
        }
        activities = rows.activity_id
        rows.write(
            {
                "state": engine.NOT_APPLICABLE,
                "date_done": fields.Datetime.now(),
                "done_user_id": self.env.uid,
            }
        )
        activities.sudo().unlink()
        return closed

    def _guide_cancel_other_guides(self, old_guides):
        """The records switched guide: cancel the open steps (and their
        activities) of the guides they left; done steps stay as history."""
        rows = self._guide_rows([("state", "=", engine.OPEN)])
        current = {rec.id: rec.guide_id for rec in self}
        rows = rows.filtered(lambda row: row.guide_id != current[row.res_id])
        rows_by_record = rows.grouped("res_id")
        bodies = {}
        for rec in self:
            cancelled = rows_by_record.get(rec.id, rows.browse()).filtered(
                "activity_id"
            )
            body = self.env._(
                "Guide changed from %(old)s to %(new)s.",
                old=old_guides[rec.id].name,
                new=rec.guide_id.name or self.env._("no guide"),
            )
            if cancelled:
                body += " " + self.env._(
                    "Cancelled guide activities: %(activities)s.",
                    activities=format_list(self.env, cancelled.mapped("name")),
                )
            bodies[rec.id] = body
        activities = rows.activity_id
        rows.unlink()
        activities.unlink()
        if hasattr(self, "_message_log_batch"):
            self._message_log_batch(bodies)

    def _guide_next_suggested_rows(self):
        """Per record, the first open suggested follow-up (not planned yet) of
        its current stage: ``{record id: row}``."""
        result = {}
        for rec in self:
            row = rec._guide_open_rows().filtered(
                lambda r: r.kind == "activity" and not r.activity_id
            )[:1]
            if row:
                result[rec.id] = row
        return result

    def _guide_next_guide_stage(self):
        self.ensure_one()
        current = self.guide_stage_id
        return self.guide_id.guide_stage_ids.filtered(
            lambda gs: not current
            or engine.is_forward(current._sort_key(), gs._sort_key())
        )[:1]

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

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

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
