# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from . import engine


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.onchange("activity_type_id")
    def _onchange_activity_type_id(self):
        # the dialog opened from a guide step is prefilled from the step: keep
        # its values until the rep picks another type
        context = self.env.context
        if context.get(
            "crm_workflow_guide_record_step_id"
        ) and self.activity_type_id.id == context.get("default_activity_type_id"):
            return None
        return super()._onchange_activity_type_id()

    @api.model_create_multi
    def create(self, vals_list):
        row_id = self.env.context.get("crm_workflow_guide_record_step_id")
        if row_id:
            row = self.env["crm.guide.record.step"].sudo().browse(row_id).exists()
            row._guide_lock()
            if row and (row.state != engine.OPEN or row.activity_id):
                # a second "Schedule" dialog on the same step plans nothing
                raise UserError(
                    self.env._(
                        "The step %(step)s is already planned or closed.",
                        step=row.name,
                    )
                )
            if row and len(vals_list) == 1:
                # planning a required step of someone else for another user
                # is taking it over (checked before anything is written)
                vals = vals_list[0]
                user_id = (
                    vals["user_id"]
                    if "user_id" in vals
                    else self.env.context.get("default_user_id", self.env.uid)
                )
                row.with_env(self.env)._guide_check_reassign(
                    self.env["res.users"].browse(user_id or ())
                )
        activities = super().create(vals_list)
        if row_id and len(activities) == 1:
            activities._guide_link_record_step(row_id)
        return activities

    def write(self, vals):
        """An activity of a guide step given to someone else (or moved) gives
        the step to them: only who may close a required step assigned to
        another user may reassign it."""
        rows = self.env["crm.guide.record.step"]
        if {"user_id", "date_deadline"} & set(vals) and self.ids:
            rows = rows.sudo().search(
                [("activity_id", "in", self.ids), ("state", "=", engine.OPEN)]
            )
        if rows and "user_id" in vals:
            rows.with_env(self.env)._guide_check_reassign(
                self.env["res.users"].browse(vals["user_id"] or ())
            )
        result = super().write(vals)
        if rows:
            rows.sudo().write(
                {
                    fname: vals[fname]
                    for fname in ("user_id", "date_deadline")
                    if fname in vals
                }
            )
        return result

    def action_create_calendar_event(self):
        """ "Open Calendar and Invite Stakeholders" of the guide step's
        dialog: the meeting's attendees are the assignee and the stakeholders
        of the activity's record (a record with ``stakeholder_ids``), read as
        the user."""
        action = super().action_create_calendar_event()
        if not self.env.context.get("crm_workflow_guide_invite_stakeholders"):
            return action
        Model = self.env.get(self.res_model)
        if Model is None or "stakeholder_ids" not in Model._fields:
            return action
        record = Model.browse(self.res_id).exists()
        if not record:
            return action
        record.check_access("read")
        attendees = action["context"].get("default_partner_ids") or []
        action["context"] = dict(
            action["context"],
            default_partner_ids=list(
                dict.fromkeys(attendees + record.stakeholder_ids.partner_id.ids)
            ),
        )
        return action

    def _guide_link_record_step(self, row_id):
        """Link the activity scheduled from a guide step's dialog to the step."""
        self.ensure_one()
        row = self.env["crm.guide.record.step"].sudo().browse(row_id).exists()
        if (
            row
            and row.state == engine.OPEN
            and not row.activity_id
            and (row.res_model, row.res_id) == (self.res_model, self.res_id)
        ):
            row._link_activity(self)

    def _action_done(self, feedback=False, attachment_ids=None):
        """Marking a guide activity done anywhere (chatter, activity view,
        kanban popover, RPC) marks its guide step done, linked to the message
        that records it (Odoo deletes done activities)."""
        self._guide_approve_from_activity(feedback)
        rows = (
            self.env["crm.guide.record.step"]
            .sudo()
            .search([("activity_id", "in", self.ids), ("state", "=", engine.OPEN)])
        )
        if not rows:
            return super()._action_done(
                feedback=feedback, attachment_ids=attachment_ids
            )
        # required steps assigned to someone else stay theirs to close
        rows.with_env(self.env)._guide_check_closable()
        row_by_activity = {row.activity_id.id: row for row in rows}
        # super() posts one message per activity, model by model, in this order
        posted_order = [
            activity.id
            for data in self._classify_by_model().values()
            for activity in data["activities"]
        ]
        messages, next_activities = super()._action_done(
            feedback=feedback, attachment_ids=attachment_ids
        )
        message_by_activity = dict(zip(posted_order, messages, strict=False))
        rows.with_env(self.env)._set_state(
            engine.DONE,
            messages={
                row.id: message_by_activity.get(activity_id)
                for activity_id, row in row_by_activity.items()
            },
        )
        return messages, next_activities

    def _guide_approve_from_activity(self, feedback):
        """Marking a quotation's approval activity done is approving the
        quotation, by whoever marks it (refused to anybody else than its
        approvers, nothing changed)."""
        if self.env.context.get("guide_approval_from_activity"):
            return
        approval_type = self.env.ref(
            "crm_workflow_guide.mail_activity_type_quote_approval",
            raise_if_not_found=False,
        )
        if not approval_type:
            return
        order_ids = [
            activity.res_id
            for activity in self
            if activity.res_model == "sale.order"
            and activity.activity_type_id == approval_type
        ]
        if order_ids:
            orders = self.env["sale.order"].browse(order_ids).exists()
            orders.with_context(guide_approval_from_activity=True)._guide_decide(
                "approved", feedback or None
            )

    def _guide_notify_assignees(self):
        """Tell each assignee (other than the current user) about the guide
        activities planned for them: Odoo's own notification for a single
        activity, one digest when a move planned several (a stage move on 500
        records must not send 500 e-mails to the same person)."""
        others = self.filtered(lambda act: act.user_id and act.user_id != self.env.user)
        for user, activities in others.grouped("user_id").items():
            if len(activities) == 1:
                # like mail.activity.create: sudo when the assignee is not readable
                activities.sudo().action_notify()
                continue
            activities = activities.with_context(lang=user.sudo().lang)
            lines = Markup("").join(
                Markup(
                    '<li><a href="/mail/view?model=%s&amp;res_id=%s">%s</a>:'
                    " %s (%s)</li>"
                )
                % (
                    activity.res_model,
                    activity.res_id,
                    activity.res_name,
                    activity.summary or activity.activity_type_id.name,
                    format_date(activities.env, activity.date_deadline),
                )
                for activity in activities[:100]
            )
            more = len(activities) - 100
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                activities.env._(
                    "The workflow guide planned these activities for you:"
                ),
                lines,
            )
            if more > 0:
                body += Markup("<p>%s</p>") % activities.env._(
                    "... and %(count)s more in your activities.", count=more
                )
            self.env["mail.thread"].sudo().message_notify(
                partner_ids=user.sudo().partner_id.ids,
                subject=activities.env._(
                    "%(count)s activities planned for you", count=len(activities)
                ),
                body=body,
                email_layout_xmlid="mail.mail_notification_light",
            )
