# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import functools
import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL, format_list
from odoo.tools.safe_eval import safe_eval, time

from . import engine

_logger = logging.getLogger(__name__)


class CrmGuideRecordStep(models.Model):
    """The state of one guide step on one record (lead, opportunity, ...).

    Rows are created when a record enters a stage. Nobody writes them directly
    but the system administrator: salespeople change them through the actions
    below (which check their rights on the record) or by marking the linked
    activity done / sending the document.
    """

    _name = "crm.guide.record.step"
    _description = "Workflow Guide Step of a Record"
    _order = "guide_stage_sequence, sequence, id"
    _rec_name = "name"

    res_model_id = fields.Many2one(
        "ir.model",
        "Document Model",
        required=True,
        index=True,
        readonly=True,
        ondelete="cascade",
        help="A model that goes away (its module uninstalled) takes its rows along.",
    )
    res_model = fields.Char(
        "Document Model Name",
        related="res_model_id.model",
        store=True,
        precompute=True,
        index=True,
    )
    res_id = fields.Many2oneReference(
        "Document ID", model_field="res_model", required=True, index=True, readonly=True
    )
    step_id = fields.Many2one(
        "crm.guide.step", required=True, ondelete="restrict", index=True, readonly=True
    )
    guide_stage_id = fields.Many2one(
        related="step_id.guide_stage_id", store=True, index=True, precompute=True
    )
    guide_id = fields.Many2one(
        related="step_id.guide_id", store=True, index=True, precompute=True
    )
    guide_stage_sequence = fields.Integer(
        "Guide Stage Sequence",
        related="guide_stage_id.sequence",
        store=True,
        precompute=True,
    )
    sequence = fields.Integer(related="step_id.sequence", store=True, precompute=True)
    name = fields.Char(related="step_id.name")
    purpose = fields.Char(related="step_id.purpose")
    kind = fields.Selection(related="step_id.kind")
    is_required = fields.Boolean(
        related="step_id.is_required", store=True, precompute=True
    )
    state = fields.Selection(
        [
            (engine.OPEN, "To Do"),
            (engine.DONE, "Done"),
            (engine.NOT_APPLICABLE, "Not Applicable"),
        ],
        required=True,
        default=engine.OPEN,
        readonly=True,
        index=True,
    )
    activity_id = fields.Many2one(
        "mail.activity",
        string="Open Activity",
        ondelete="set null",
        readonly=True,
        index="btree_not_null",
    )
    message_id = fields.Many2one(
        "mail.message",
        string="Done By Message",
        ondelete="set null",
        readonly=True,
        help="The chatter message that records the done activity or the sent document.",
    )
    date_deadline = fields.Date("Due Date", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned To", readonly=True)
    date_done = fields.Datetime(readonly=True)
    done_user_id = fields.Many2one("res.users", string="Done By", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)

    _sql_constraints = [
        (
            "record_step_unique",
            "UNIQUE(res_model, res_id, step_id)",
            "A guide step has only one state per record.",
        ),
    ]

    # ------------------------------------------------------------------
    # Access: a row is readable by whoever may read its record
    # ------------------------------------------------------------------

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if operation != "read" or not self or self.env.su:
            return result
        rows = self - result[0] if result else self
        forbidden = self.browse()
        for res_model, res_ids in rows.sudo()._documents().items():
            documents = self.env[res_model].browse(res_ids)
            denied = documents - documents._filtered_access("read")
            if denied:
                forbidden |= rows.sudo().filtered(
                    lambda row,
                    denied_ids=set(denied.ids),
                    model=res_model: row.res_model == model and row.res_id in denied_ids
                )
        if not forbidden:
            return result
        forbidden = self.browse(forbidden.ids)
        if result:
            return (result[0] + forbidden, result[1])
        return (
            forbidden,
            functools.partial(
                self.env["ir.rule"]._make_access_error, operation, forbidden
            ),
        )

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """A row is found when its record can be read: the condition goes into
        the query (one sub-select per guided model, record rules included),
        so limits, offsets and counts are right."""
        if self.env.su:
            return super()._search(domain, offset, limit, order)
        readable = []
        for res_model in sorted(self.env.registry["crm.guide.mixin"]._inherit_children):
            if res_model not in self.env or self.env[res_model]._abstract:
                continue
            Model = self.env[res_model]
            if not Model.has_access("read"):
                continue
            readable.append(
                [
                    ("res_model", "=", res_model),
                    ("res_id", "in", Model.with_context(active_test=False)._search([])),
                ]
            )
        access = expression.OR(readable) if readable else expression.FALSE_DOMAIN
        return super()._search(expression.AND([domain, access]), offset, limit, order)

    def _documents(self):
        """``{res_model: [res_id, ...]}`` of the rows."""
        documents = defaultdict(list)
        for row in self:
            documents[row.res_model].append(row.res_id)
        return documents

    def _check_document_write(self):
        """Salespeople may change the steps of the records they may edit."""
        for res_model, res_ids in self._documents().items():
            self.env[res_model].browse(res_ids).check_access("write")

    def _guide_closable_rows(self):
        """The rows the current user may close (done / not applicable): those
        of records they may edit, except a required step assigned to another
        user, which only that user, the record's team leader, a manager of
        the records (sales manager for the CRM) or a CRM administrator may
        close."""
        if self.env.su or self.env.user.has_group(
            "crm_workflow_guide.crm_workflow_guide_group_admin"
        ):
            return self
        user = self.env.user
        closable = self.browse()
        for res_model, rows in self.grouped("res_model").items():
            records = self.env[res_model].browse(rows.mapped("res_id"))
            writable = set(records._filtered_access("write").ids)
            manager = records._guide_user_is_manager()
            leaders = {rec.id: rec._guide_team_leader() for rec in records}
            closable |= rows.filtered(
                lambda row, w=writable, m=manager, lead=leaders: row.res_id in w
                and (
                    m
                    or not row.is_required
                    or not row.user_id
                    or row.user_id == user
                    or lead[row.res_id] == user
                )
            )
        return closable

    def _guide_check_reassign(self, user):
        """Refuse to give required steps assigned to another user to ``user``
        (planning them again, reassigning their activity) unless the current
        user may close them: taking a step over is closing it for its
        assignee."""
        changing = self.filtered(
            lambda row: row.is_required and row.user_id and row.user_id != user
        )
        changing._guide_check_closable(
            message=self.env._(
                "These required steps are assigned to someone else: only the "
                "assignee, the team leader or a manager may give them to "
                "someone else: %(steps)s"
            )
        )

    def _guide_check_closable(self, message=None):
        """Refuse, with the steps' names, to close rows the user may not."""
        refused = self - self._guide_closable_rows()
        if refused:
            raise UserError(
                (
                    message
                    or self.env._(
                        "These required steps are assigned to someone else: only "
                        "the assignee, the team leader or a manager may close them: "
                        "%(steps)s"
                    )
                )
                % {
                    "steps": format_list(
                        self.env,
                        [
                            self.env._(
                                "%(step)s (%(user)s)",
                                step=row.name,
                                user=row.user_id.name,
                            )
                            for row in refused
                        ],
                    ),
                }
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_done(self):
        """Mark steps done. A step with an open activity is done by marking the
        activity done, so the chatter keeps its usual message."""
        self._check_document_write()
        self.filtered(lambda row: row.state == engine.OPEN)._guide_check_closable()
        with_activity = self.filtered(
            lambda row: row.state == engine.OPEN and row.activity_id
        )
        if with_activity:
            with_activity.activity_id.action_feedback(
                feedback=self.env._("Done from the workflow guide.")
            )
        rest = self.filtered(lambda row: row.state == engine.OPEN) - with_activity
        rest._set_state(engine.DONE)
        return self._prompt_after()

    def _prompt_after(self):
        """From the Guide tab of one record: offer what comes next."""
        documents = self._documents()
        if len(documents) != 1:
            return True
        ((res_model, res_ids),) = documents.items()
        if len(set(res_ids)) != 1:
            return True
        return self.env[res_model].browse(res_ids[0])._guide_prompt_after_done() or True

    @api.model
    def _guide_check_rpc_records(self, res_model, res_ids):
        """Validate a model name and ids received over RPC: the records of a
        guided model, as a recordset (``UserError`` otherwise)."""
        if (
            not isinstance(res_model, str)
            or res_model not in self.env.registry["crm.guide.mixin"]._inherit_children
            or res_model not in self.env
        ):
            raise UserError(
                self.env._(
                    "%(model)s is not a model that follows workflow guides.",
                    model=res_model,
                )
            )
        if isinstance(res_ids, int) and not isinstance(res_ids, bool):
            res_ids = [res_ids]
        if not isinstance(res_ids, list | tuple) or not all(
            isinstance(res_id, int) and not isinstance(res_id, bool) and res_id > 0
            for res_id in res_ids
        ):
            raise UserError(
                self.env._("%(ids)s are not valid record ids.", ids=res_ids)
            )
        return self.env[res_model].browse(res_ids).exists()

    @api.model
    def get_guide_prompt(self, res_model, res_id):
        """Called by the web client after an activity is marked done (chatter,
        activity view, kanban popover): the prompt to show, or False."""
        if not isinstance(res_id, int) or isinstance(res_id, bool):
            raise UserError(self.env._("%(ids)s are not valid record ids.", ids=res_id))
        record = self._guide_check_rpc_records(res_model, res_id)
        if not record or not record.has_access("write"):
            return False
        return record._guide_prompt_after_done()

    def action_not_applicable(self):
        """The step does not apply to this record: it no longer blocks and its
        open activity is cancelled."""
        self._check_document_write()
        rows = self.filtered(lambda row: row.state == engine.OPEN)
        rows._guide_check_closable()
        activities = rows.activity_id
        rows._set_state(engine.NOT_APPLICABLE)
        activities.unlink()
        return self._prompt_after()

    def action_reset(self):
        """Back to 'to do' (e.g. a step marked not applicable by mistake)."""
        self._check_document_write()
        self.filtered(lambda row: row.state != engine.OPEN)._set_state(engine.OPEN)
        return True

    def action_schedule(self):
        """Plan the activity of suggested steps now (once)."""
        self._check_document_write()
        self._guide_lock()
        rows = self.filtered(
            lambda row: row.state == engine.OPEN and not row.activity_id
        )
        for res_model, res_ids in rows._documents().items():
            records = self.env[res_model].browse(res_ids)
            records._guide_schedule(
                rows.filtered(lambda row, m=res_model: row.res_model == m)
            )
        return True

    def action_schedule_dialog(self):
        """The activity dialog prefilled from the step (type, summary, note,
        due date, assignee): the rep adjusts it and schedules; the activity is
        then linked to the step."""
        self.ensure_one()
        self._check_document_write()
        if self.state != engine.OPEN or self.activity_id:
            raise UserError(
                self.env._(
                    "The step %(step)s is already planned or closed.", step=self.name
                )
            )
        record = self.env[self.res_model].browse(self.res_id)
        vals = record._guide_prepare_activity_vals(
            self.step_id, fields.Date.context_today(self)
        )
        if self.step_id.delay_from == "previous_step" and self.date_deadline:
            # a chained step is due after its previous step, not after today
            vals["date_deadline"] = self.date_deadline
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Schedule: %(step)s", step=self.name),
            "res_model": "mail.activity",
            "view_mode": "form",
            "views": [(self.env.ref("mail.mail_activity_view_form_popup").id, "form")],
            "target": "new",
            "context": {
                **{
                    f"default_{key}": value
                    for key, value in vals.items()
                    if key != "automated"
                },
                "crm_workflow_guide_record_step_id": self.id,
                # the dialog offers to invite them to the meeting
                "crm_workflow_guide_stakeholder_count": len(record["stakeholder_ids"])
                if "stakeholder_ids" in record._fields
                else 0,
            },
        }

    def action_send_document(self):
        """Create the step's document. With an e-mail template (the activity
        type's), the mail composer opens prefilled with it and with the step's
        report attached, if any; the step is done when the mail is sent. With
        a report and no template, the report is rendered, attached to the
        record and posted in the chatter, and the step is done."""
        self.ensure_one()
        self._check_document_write()
        # of two clicks at once, the second one waits and finds the step done
        self._guide_lock()
        if self.state != engine.OPEN:
            raise UserError(
                self.env._("The step %(step)s is not open.", step=self.name)
            )
        template = self.step_id.mail_template_id
        report = self.step_id.sudo().report_id
        if report and not template:
            self._guide_check_closable()
            return self._guide_create_report_document()
        context = {
            "default_model": self.res_model,
            "default_res_ids": [self.res_id],
            "default_template_id": template.id,
            "default_composition_mode": "comment",
            "crm_workflow_guide_record_step_id": self.id,
        }
        if not template:
            context["default_subject"] = self.name
        if report:
            # rendered now, attached to the composer the way Odoo attaches a
            # template's reports (to the composer until the mail is sent)
            attachment = self._guide_render_report(
                {"res_model": "mail.compose.message", "res_id": 0}
            )
            context["crm_workflow_guide_attachment_ids"] = attachment.ids
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": context,
        }

    def _guide_render_report(self, attach_to):
        """Render the step's report for the row's record in the language of
        the record's customer and save it as an attachment (values
        ``attach_to``: its ``res_model`` and ``res_id``). Without wkhtmltopdf
        on the server (and in tests, where Odoo renders reports as HTML) the
        HTML rendering is attached instead of a PDF."""
        self.ensure_one()
        report = self.step_id.sudo().report_id
        record = self.env[self.res_model].browse(self.res_id)
        partner = record["partner_id"] if "partner_id" in record._fields else None
        lang = (partner and partner.lang) or self.env.lang
        Report = self.env["ir.actions.report"].with_context(lang=lang)
        if Report.get_wkhtmltopdf_state() == "install":
            _logger.info(
                "wkhtmltopdf is not installed: the report %s of %s is attached as "
                "HTML",
                report.report_name,
                record,
            )
            content, kind = Report._render_qweb_html(report.id, record.ids)
        else:
            content, kind = Report._render_qweb_pdf(report.id, record.ids)
        is_pdf = kind == "pdf"
        if isinstance(content, str):
            content = content.encode()
        report = report.with_context(lang=lang)
        name = report.name
        if report.print_report_name:
            name = safe_eval(
                report.print_report_name,
                {"object": record.with_context(lang=lang), "time": time},
            )
        return self.env["ir.attachment"].create(
            {
                "name": f"{name}.{'pdf' if is_pdf else 'html'}",
                "raw": content,
                "mimetype": "application/pdf" if is_pdf else "text/html",
                "type": "binary",
                **attach_to,
            }
        )

    def _guide_create_report_document(self):
        """Attach the step's report to the record, post it in the chatter and
        mark the step done the way its activity is (the engine's path: the
        activity's message carries the document), then offer what comes
        next."""
        self.ensure_one()
        record = self.env[self.res_model].browse(self.res_id)
        attachment = self._guide_render_report(
            {"res_model": record._name, "res_id": record.id}
        )
        if attachment.name.endswith(".html"):
            feedback = self.env._(
                "Document created: %(document)s (as a web page: this server "
                "cannot make PDF files).",
                document=attachment.name,
            )
        else:
            feedback = self.env._(
                "Document created: %(document)s", document=attachment.name
            )
        if self.activity_id:
            self.activity_id.action_feedback(
                feedback=feedback, attachment_ids=attachment.ids
            )
        else:
            message = record.message_post(
                body=feedback,
                attachment_ids=attachment.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            self._set_state(engine.DONE, messages={self.id: message})
        return self._prompt_after()

    @api.model
    def _action_open_missing(self, res_model, res_ids, step_ids):
        """The action of a refused move's button: a server action (it runs in
        a new transaction, after the refusal was rolled back) that gives the
        records a row for each missing step (stages never entered have none)
        and lists them."""
        return {
            "type": "ir.actions.server",
            "id": self.env.ref(
                "crm_workflow_guide.crm_guide_record_step_action_open_missing"
            ).id,
            "context": {
                "crm_workflow_guide_missing": {
                    "res_model": res_model,
                    "res_ids": list(res_ids),
                    "step_ids": list(step_ids),
                }
            },
        }

    @api.model
    def open_missing_steps(self, res_model=None, res_ids=None, step_ids=None):
        """List the open steps ``step_ids`` of the records, where the rep can
        complete them or mark them not applicable; rows missing for steps of
        stages the records never entered are created first."""
        records = self._guide_check_rpc_records(res_model, res_ids or [])
        records.check_access("write")
        if not isinstance(step_ids, list) or not all(
            isinstance(step_id, int) for step_id in step_ids
        ):
            raise UserError(self.env._("%(ids)s are not valid step ids.", ids=step_ids))
        steps = self.env["crm.guide.step"].browse(step_ids).exists()
        existing = self.sudo().search_fetch(
            [
                ("res_model", "=", res_model),
                ("res_id", "in", records.ids),
                ("step_id", "in", steps.ids),
            ],
            ["res_id", "step_id"],
        )
        known = {(row.res_id, row.step_id.id) for row in existing}
        create_vals = [
            rec._guide_prepare_record_step_vals(step)
            for rec in records
            for step in steps
            if step.guide_id == rec.guide_id and (rec.id, step.id) not in known
        ]
        if create_vals:
            records._guide_insert_record_steps(create_vals)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Missing Steps"),
            "res_model": self._name,
            "view_mode": "list",
            "views": [
                (
                    self.env.ref(
                        "crm_workflow_guide.crm_guide_record_step_view_list_todo"
                    ).id,
                    "list",
                )
            ],
            "domain": [
                ("res_model", "=", res_model),
                ("res_id", "in", records.ids),
                ("step_id", "in", steps.ids),
                ("state", "=", engine.OPEN),
            ],
            "target": "new",
        }

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------

    def _guide_lock(self):
        """Lock the rows until the end of the transaction: of two users
        planning or closing the same step at once, the second one waits and
        Odoo retries its request (serialization failure), which then sees the
        first one's work instead of doing it twice."""
        if not self.ids:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE",
                SQL.identifier(self._table),
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["state", "activity_id"])

    def _link_activity(self, activity):
        """The step is planned as ``activity`` (as the system: callers check)."""
        self.ensure_one()
        self.sudo().write(
            {
                "activity_id": activity.id,
                "date_deadline": activity.date_deadline,
                "user_id": activity.user_id.id,
            }
        )

    def _set_state(self, state, messages=None):
        """Write a state on the rows (as the system: callers check the rights)
        and refresh what depends on it on the records. ``messages`` maps a row
        to the chatter message that records it."""
        if not self:
            return
        now = fields.Datetime.now()
        vals = {"state": state}
        if state == engine.OPEN:
            vals.update(date_done=False, done_user_id=False, message_id=False)
        else:
            vals.update(date_done=now, done_user_id=self.env.uid)
        rows_sudo = self.sudo()
        if messages:
            by_message = defaultdict(rows_sudo.browse)
            for row in rows_sudo:
                by_message[messages.get(row.id, self.env["mail.message"]).id] |= row
            for message_id, rows in by_message.items():
                rows.write(dict(vals, message_id=message_id or False))
        else:
            rows_sudo.write(vals)
        if state != engine.OPEN:
            for res_model, res_ids in self._documents().items():
                records = self.env[res_model].browse(res_ids)
                records.sudo().write({"guide_date_last_move": now})
                records._guide_plan_chained(self)
                records._guide_after_steps_closed()
