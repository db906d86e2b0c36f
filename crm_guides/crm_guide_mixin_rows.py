# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The guide engine's rows and activities: each step's state on a record
(``crm.guide.record.step``) and the activities planned for it."""

from odoo import api, fields, models
from odoo.tools import SQL, format_list

from . import engine


# The model is extended by concern, in several files of this addon.
# pylint: disable=consider-merging-classes-inherited
class CrmGuideMixin(models.AbstractModel):
    _inherit = "crm.guide.mixin"

    # ------------------------------------------------------------------
    # A record's rows
    # ------------------------------------------------------------------

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

    # ------------------------------------------------------------------
    # Entering a stage: rows for every step, activities for the automatic ones
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
            # a step that waits for the previous one is planned when that one
            # is closed (``_guide_plan_chained``)
            to_plan = [
                (rec, step)
                for rec, step in pairs
                if step.auto_schedule and not step._guide_waits()
            ]
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

    def _guide_prepare_record_step_vals(self, step, activity=None):
        self.ensure_one()
        company = (
            self[self._guide_company_field] if self._guide_company_field else False
        )
        guide_stage = step.guide_stage_id
        deadline = activity.date_deadline if activity else False
        if (
            not activity
            and step.delay_from == "previous_step"
            and not step._guide_waits()
        ):
            # the first step of a stage counts from the stage entry, even
            # when the salesperson plans it later
            deadline = step._guide_deadline(fields.Date.context_today(self))
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
            "date_deadline": deadline,
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

    # ------------------------------------------------------------------
    # Activities
    # ------------------------------------------------------------------

    def _guide_create_activities(self, record_steps, notify=True, deadlines=None):
        """Plan the activities of ``[(record, step), ...]`` in one create, as the
        current user (who may edit the records); ``deadlines``: a due date
        per pair, where it is known already (False: from the step's delay)."""
        today = fields.Date.context_today(self)
        vals_list = [
            rec._guide_prepare_activity_vals(step, today) for rec, step in record_steps
        ]
        for vals, deadline in zip(vals_list, deadlines or (), strict=False):
            if deadline:
                vals["date_deadline"] = deadline
        self._guide_complete_activity_vals(vals_list)
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

    def _guide_complete_activity_vals(self, vals_list):
        """What ``mail.activity`` computes after inserting an activity (the
        document's name, the assignee's time zone, no done date), given at
        once: one ``UPDATE`` less a move, values as mail computes them."""
        names = {rec.id: rec.sudo().display_name for rec in self}
        users = (
            self.env["res.users"]
            .sudo()
            .browse({vals["user_id"] for vals in vals_list if vals.get("user_id")})
        )
        tz_of = {user.id: user.tz for user in users}
        for vals in vals_list:
            if vals.get("res_id") in names:
                vals.setdefault("res_name", names[vals["res_id"]])
            vals.setdefault("user_tz", tz_of.get(vals.get("user_id"), False))
            vals.setdefault("date_done", False)

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
        """Plan the activities of suggested steps ``rows`` of these records;
        a chained step keeps the due date its previous step gave it."""
        records = {rec.id: rec for rec in self}
        rows = rows.filtered(lambda row: row.res_id in records)
        activities = self._guide_create_activities(
            [(records[row.res_id], row.step_id) for row in rows],
            deadlines=[
                row.date_deadline
                if row.step_id.delay_from == "previous_step"
                else False
                for row in rows
            ],
        )
        for row, activity in zip(rows, activities, strict=True):
            row._link_activity(activity)
        return activities

    def _guide_plan_chained(self, closed_rows):
        """Steps of these records that wait for ``closed_rows`` (just done or
        not applicable) in their current stage: due from today on, the
        automatic ones planned, the suggested ones offered (the prompt after
        the step, the panel). Costs one query when a closed step has a
        chained step after it, none otherwise (the layout is cached)."""
        current = {rec.id: rec.guide_stage_id for rec in self}
        today = fields.Date.context_today(self)
        wanted = {}
        for row in closed_rows:
            if row.res_model != self._name or row.guide_stage_id != current.get(
                row.res_id
            ):
                continue
            following = row.step_id._guide_next_chained_step()
            if following:
                wanted[(row.res_id, following.id)] = following
        if not wanted:
            return self.env["mail.activity"]
        RecordStep = self.env["crm.guide.record.step"].sudo()
        # the closed rows' states first: a row closed in the same call is no
        # longer waiting for anything
        RecordStep.flush_model(["state", "activity_id"])
        values = SQL(", ").join(
            SQL("(%s, %s, %s::date)", res_id, step.id, step._guide_deadline(today))
            for (res_id, __), step in wanted.items()
        )
        self.env.cr.execute(
            SQL(
                "UPDATE %s AS row SET date_deadline = v.deadline"
                " FROM (VALUES %s) AS v(res_id, step_id, deadline)"
                " WHERE row.res_model = %s AND row.res_id = v.res_id"
                " AND row.step_id = v.step_id AND row.state = %s"
                " AND row.activity_id IS NULL"
                " RETURNING row.id, row.res_id, row.step_id",
                SQL.identifier(RecordStep._table),
                values,
                self._name,
                engine.OPEN,
            )
        )
        offered = self.env.cr.fetchall()
        RecordStep.browse([row_id for row_id, __, __ in offered]).invalidate_recordset(
            ["date_deadline"]
        )
        to_plan = [
            (row_id, res_id, wanted[(res_id, step_id)])
            for row_id, res_id, step_id in offered
            if wanted[(res_id, step_id)].auto_schedule
        ]
        if not to_plan:
            return self.env["mail.activity"]
        activities = self._guide_create_activities(
            [(self.browse(res_id), step) for __, res_id, step in to_plan]
        )
        for (row_id, __, __), activity in zip(to_plan, activities, strict=True):
            RecordStep.browse(row_id).with_env(self.env)._link_activity(activity)
        return activities

    # ------------------------------------------------------------------
    # Closing: records closed, guides left
    # ------------------------------------------------------------------

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
