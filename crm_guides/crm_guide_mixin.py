# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_list


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

    Hooks meant to be overridden (below, under *Hooks*):
    :meth:`_guide_is_exempt_move` (moves never refused, e.g. to a won stage),
    :meth:`_guide_is_closed` and :meth:`_guide_open_domain` (closed records
    do not rot), :meth:`_guide_keeps_guide` (records that keep their guide
    whatever their team or company), :meth:`_guide_preferred_guide` (a
    guide chosen before the team's), :meth:`_guide_check_model_rules` (the
    model's own rules of a write, before the gate),
    :meth:`_guide_salesperson` / :meth:`_guide_team_leader` /
    :meth:`_guide_get_responsible` (assignees of steps),
    :meth:`_guide_user_is_manager`, :meth:`_guide_can_leave_guide`,
    :meth:`_guide_prepare_activity_vals`, :meth:`_guide_after_enter`
    (records entered a stage), :meth:`_guide_finish` /
    :meth:`_guide_finish_label` (after the last stage). Configuration:
    :meth:`_guide_depends` (fields the guide is computed from). In the gate:
    :meth:`_guide_gate_stages` (the blocking stages a move passes),
    :meth:`_guide_leaving_blocked` (what keeps a record in its guide),
    :meth:`_guide_blocked_moves` (the rule) and
    :meth:`_guide_blocking_error` (the message).

    The engine is one model over several files, one concern each:

    * this file: fields, create / write / unlink and their checks of values,
      the hooks;
    * ``crm_guide_mixin_choice.py``: status keys, which guide a record
      follows, its guide stage, and the prediction of both for a write;
    * ``crm_guide_mixin_gate.py``: every check that refuses a move (the
      decision which gates a move passes is ``engine.gates_passed``);
    * ``crm_guide_mixin_rows.py``: the steps' rows and activities (entering
      a stage, closing, leaving a guide);
    * ``crm_guide_mixin_progress.py``: progress, rotting, next step, next
      stage;
    * ``crm_guide_panel.py``: the panel and the prompts after a step.

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
    # the record's expected closing date, set from the guide's expected
    # duration when a record starts following a guide without one (None: the
    # model has no such date)
    _guide_closing_date_field = None
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
    # Create, write, unlink, and the checks of the values they are given
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        known = self._guide_existing_ids(vals_list)
        for vals in vals_list:
            self._guide_check_protected(vals)
            self._guide_normalize_vals(vals, known)
        self._guide_check_chosen_guides(
            {vals["guide_id"] for vals in vals_list if vals.get("guide_id")}
        )
        records = super().create(vals_list)
        records.filtered("guide_id")._guide_set_expected_closing()
        entered = records.filtered("guide_stage_id")
        if entered:
            entered.guide_id._guide_prefetch_layout()
            entered._guide_check_created()
            entered._guide_enter_stage(touch=False)
        return records

    def write(self, vals):
        if self._guide_switched_off():
            return super().write(vals)
        vals = self._guide_prepare_vals(vals)
        if not self._guide_write_concerns(vals):
            return super().write(vals)
        self._guide_prefetch_layouts(vals)
        # every rule is checked before anything is written
        self._guide_check_write(vals)
        before = {rec.id: (rec.guide_id, rec.guide_stage_id) for rec in self}
        expected = self._guide_expected_guides(vals, before)
        if (self._guide_stage_field or "guide_stage_id") in vals:
            # the move is the guide's progress: one write, not two
            vals["guide_date_last_move"] = fields.Datetime.now()
        result = super().write(vals)
        self._guide_after_write(vals, before, expected)
        return result

    # The phases of ``write``, in their order.

    def _guide_switched_off(self):
        """The engine is switched off only by the uninstall hook, as the
        system (a context key alone, which any client can send, is not
        enough): the engine is going away."""
        return self.env.su and self.env.context.get("crm_workflow_guide_disable")

    def _guide_prepare_vals(self, vals):
        """A copy of ``vals`` without protected fields (refused), normalised
        (see ``_guide_normalize_vals``)."""
        self._guide_check_protected(vals)
        vals = dict(vals)
        self._guide_normalize_vals(vals)
        if vals.get("guide_id") and any(
            rec.guide_id.id != vals["guide_id"] for rec in self
        ):
            self._guide_check_chosen_guides({vals["guide_id"]})
        return vals

    @api.model
    def _guide_check_chosen_guides(self, guide_ids):
        """Guides a user gives records (a choice at creation, a switch): an
        archived guide is no longer a type of sale to choose. (Whether the
        guide serves the record, its model, team and company, is the
        constraint ``_check_guide_id``.)"""
        archived = (
            self.env["crm.guide"]
            .sudo()
            .browse(guide_ids)
            .filtered(lambda guide: not guide.active)
        )
        if archived:
            raise UserError(
                self.env._(
                    "These guides are archived and can no longer be chosen: "
                    "%(guides)s.",
                    guides=format_list(self.env, archived.mapped("display_name")),
                )
            )

    def _guide_write_concerns(self, vals):
        """Whether the write may move these records or change their guide:
        their status, guide, guide stage, team or company, or a field these
        are computed from."""
        status_field = self._guide_stage_field or "guide_stage_id"
        watched = {status_field, "guide_id", "guide_stage_id", *self._guide_depends()}
        return bool(self) and not (
            watched.isdisjoint(vals) and self._guide_trigger_fields().isdisjoint(vals)
        )

    def _guide_prefetch_layouts(self, vals):
        """The layouts of the guides the write concerns (the records' own,
        the one written), from the cache (see ``crm_guide_layout.py``)."""
        guides = self.guide_id
        if vals.get("guide_id"):
            guides |= guides.browse(vals["guide_id"])
        guides._guide_prefetch_layout()

    def _guide_check_write(self, vals):
        """Lock the records a move concerns, then refuse it (the gate) before
        anything is written."""
        status_field = self._guide_stage_field or "guide_stage_id"
        # two users moving the same record at once: the second waits, then
        # Odoo retries its request and it sees the first one's steps
        if {status_field, "guide_id", "guide_stage_id"} & set(vals):
            self._guide_lock_records()
        self._guide_check_move(vals)

    def _guide_expected_guides(self, vals, before):
        """``{record id: guide}`` the write gives the records as the user
        asked it (``before``: ``{record id: (guide, guide stage)}``); None
        when the guide cannot change. A guide that turns out otherwise was
        changed by a computation (see ``_guide_after_write``)."""
        triggers = self._guide_trigger_fields()
        if "guide_id" not in vals and triggers.isdisjoint(vals):
            return None
        scope = {"guide_id", self._guide_team_field, self._guide_company_field}
        if scope & set(vals):
            return {rec_id: g for rec_id, (g, __) in self._guide_predict(vals).items()}
        return {rec_id: guide for rec_id, (guide, __) in before.items()}

    def _guide_after_write(self, vals, before, expected):
        """What follows the write: a guide changed by a computation checked,
        the rows' companies, the steps of a guide left cancelled, the stage
        entered."""
        status_field = self._guide_stage_field or "guide_stage_id"
        watched = {status_field, "guide_id", "guide_stage_id", *self._guide_depends()}
        # the user may have given the records away (another salesperson):
        # what follows the write is done all the same, as the user
        records = (
            self.sudo()
            if (self._guide_trigger_fields() - watched) & set(vals)
            else self
        )
        if expected is not None:
            # a guide changed by a computation (the team follows the customer
            # or the salesperson, the company the team): the same rules
            recomputed = records.filtered(lambda rec: rec.guide_id != expected[rec.id])
            if recomputed and not self._guide_can_leave_guide():
                recomputed._guide_check_recomputed(before)
        company_field = self._guide_company_field
        if company_field and company_field in vals:
            records.filtered("guide_id")._guide_sync_row_companies()
        records.filtered(
            lambda rec: rec.guide_id and rec.guide_id != before[rec.id][0]
        )._guide_set_expected_closing()
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
            entered._guide_enter_stage(touch=status_field not in vals)

    def _guide_set_expected_closing(self):
        """These records just started following their guide: those without an
        expected closing date get today plus the guide's expected duration
        (one write per duration; a date the user set is never changed)."""
        field = self._guide_closing_date_field
        if not field:
            return
        todo = self.filtered(
            lambda rec: rec.guide_id.expected_duration_days > 0 and not rec[field]
        )
        if not todo:
            return
        today = fields.Date.context_today(self)
        for days, records in todo.grouped(
            lambda rec: rec.guide_id.expected_duration_days
        ).items():
            records.write({field: today + timedelta(days=days)})

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

    def unlink(self):
        # the guide steps of deleted records (e.g. merged opportunities) go too
        rows = self._guide_rows()
        result = super().unlink()
        rows.unlink()
        return result

    @api.constrains("guide_id")
    def _check_guide_id(self):
        for rec in self - self._guide_keeps_guide():
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
    def _guide_existing_ids(self, vals_list):
        """``{(comodel, id)}`` of the guides, guide stages and statuses that
        ``vals_list`` names as whole numbers and that exist: one query per
        model for a batch, not one per record."""
        fnames = {"guide_id": "crm.guide", "guide_stage_id": "crm.guide.stage"}
        status_field = self._guide_status_field()
        if status_field is not None and status_field.type == "many2one":
            fnames[status_field.name] = status_field.comodel_name
        known = set()
        for fname, comodel in fnames.items():
            ids = {
                vals[fname]
                for vals in vals_list
                if type(vals.get(fname)) is int and vals[fname] > 0
            }
            if ids:
                existing = self.env[comodel].browse(ids).exists()
                known.update((comodel, rec_id) for rec_id in existing.ids)
        return known

    @api.model
    def _guide_normalize_id(self, value, comodel, label, known=()):
        """An id sent over RPC or import as ``"3"``, ``3``, ``False`` or a
        record; anything else is refused with a clear message. ``known``:
        ``{(comodel, id)}`` known to exist (see ``_guide_existing_ids``)."""
        if type(value) is int and (comodel, value) in known:
            return value
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

    def _guide_normalize_vals(self, vals, known=()):
        """Normalise the guide values of a create/write (``"3"`` is guide 3)
        and turn a written guide stage into the record's own status, so that
        every way of moving goes through one path."""
        if "guide_id" in vals:
            vals["guide_id"] = self._guide_normalize_id(
                vals["guide_id"], "crm.guide", self.env._("guide"), known
            )
        if "guide_stage_id" in vals:
            vals["guide_stage_id"] = self._guide_normalize_id(
                vals["guide_stage_id"],
                "crm.guide.stage",
                self.env._("guide stage"),
                known,
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
                    known,
                )

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------

    def _guide_is_exempt_move(self, target):
        """Moves to ``target`` (a value of the status field) are never refused."""
        return False

    def _guide_keeps_guide(self):
        """Those of these records that keep the guide they have whatever
        their team or company becomes (e.g. confirmed or cancelled orders:
        their guide is their history). None by default."""
        return self.browse()

    def _guide_preferred_guide(self):
        """The guide this record should follow before its team's (e.g. the
        quotation guide of the opportunity a quotation comes from), if it
        may follow it; none by default."""
        self.ensure_one()
        return self.env["crm.guide"]

    def _guide_check_model_rules(self, vals):
        """The model's own rules of a write, checked before the gate (e.g.
        only confirming brings a quotation to its order stage). Raise to
        refuse; nothing is written yet."""
        return None

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
