# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models

from ..crm_guides import engine


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    @api.depends("composition_mode", "model", "res_domain", "res_ids", "template_id")
    def _compute_attachment_ids(self):
        """The document of a guide step's report goes with the template's
        attachments (rendered by the step, waiting on the composer like the
        template's reports until the mail is sent)."""
        result = super()._compute_attachment_ids()
        attachment_ids = self.env.context.get("crm_workflow_guide_attachment_ids")
        if not attachment_ids or not isinstance(attachment_ids, list):
            return result
        # only the user's own documents waiting for a composer
        documents = (
            self.env["ir.attachment"]
            .browse([aid for aid in attachment_ids if isinstance(aid, int)])
            .exists()
            .filtered(
                lambda att: att.res_model == "mail.compose.message"
                and not att.res_id
                and att.create_uid == self.env.user
            )
        )
        for composer in self.filtered(lambda c: c.composition_mode == "comment"):
            composer.attachment_ids |= documents
        return result

    def action_send_mail(self):
        """Once the document of a guide step is sent, offer what comes next
        (like marking a follow-up done does)."""
        result = super().action_send_mail()
        row_id = self.env.context.get("crm_workflow_guide_record_step_id")
        if not row_id:
            return result
        row = self.env["crm.guide.record.step"].browse(row_id).exists()
        if row and row.state == engine.DONE:
            prompt = row._prompt_after()
            if isinstance(prompt, dict):
                return prompt
        return result

    def _action_send_mail(self, auto_commit=False):
        """A document step is done when its mail is sent (not when the composer
        opens): the composer opened by the step carries the step in its context.
        A quotation that waits for its approval is not sent."""
        if self.model == "sale.order" and self.template_id:
            orders = self.env["sale.order"].browse(self._evaluate_res_ids())
            if orders._guide_is_quotation_template(self.template_id):
                orders._guide_check_approved_send()
        result_mails_su, result_messages = super()._action_send_mail(
            auto_commit=auto_commit
        )
        row_id = self.env.context.get("crm_workflow_guide_record_step_id")
        if not result_messages:
            return result_mails_su, result_messages
        if not row_id:
            self._guide_close_document_steps(result_messages)
            return result_mails_su, result_messages
        row = self.env["crm.guide.record.step"].sudo().browse(row_id).exists()
        if not row or row.state != engine.OPEN:
            return result_mails_su, result_messages
        message = result_messages.filtered(
            lambda msg: msg.model == row.res_model and msg.res_id == row.res_id
        )[:1]
        if not message:
            return result_mails_su, result_messages
        # the sender may edit the record (checked as the sender, not as sudo)
        row = row.with_env(self.env)
        row._check_document_write()
        row._guide_check_closable()
        activity = row.activity_id
        row._set_state(engine.DONE, messages={row.id: message})
        if activity:
            activity.with_env(self.env).action_feedback(
                feedback=self.env._(
                    "Document sent: %(subject)s", subject=message.subject or row.name
                )
            )
        return result_mails_su, result_messages

    def _guide_close_document_steps(self, messages):
        """Sent from the record's own button (e.g. a quotation's "Send by
        Email"): the open document steps of the records' guides made for this
        template are done, linked to the message."""
        model = self.model
        if (
            not self.template_id
            or model not in self.env.registry["crm.guide.mixin"]._inherit_children
        ):
            return
        message_by_res = {msg.res_id: msg for msg in messages if msg.model == model}
        records = self.env[model].browse(list(message_by_res))
        rows = (
            self.env["crm.guide.record.step"]
            .sudo()
            .search(
                [
                    ("res_model", "=", model),
                    ("res_id", "in", records.ids),
                    ("state", "=", engine.OPEN),
                    ("kind", "=", "document"),
                ]
            )
        )
        # the record may have moved on already (a sent quotation enters Sent)
        guide_of = {rec.id: rec.guide_id for rec in records}
        rows = rows.filtered(
            lambda row: row.guide_id == guide_of.get(row.res_id)
            and row.step_id.mail_template_id == self.template_id
        ).with_env(self.env)
        if not rows:
            return
        rows._check_document_write()
        rows._guide_check_closable()
        activities = rows.activity_id
        rows._set_state(
            engine.DONE, messages={row.id: message_by_res[row.res_id] for row in rows}
        )
        for activity in activities:
            activity.with_env(self.env).action_feedback(
                feedback=self.env._(
                    "Document sent: %(subject)s",
                    subject=message_by_res[activity.res_id].subject or activity.summary,
                )
            )
