# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models

from . import engine


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """Marking a guide activity done anywhere (chatter, activity view,
        kanban popover, RPC) marks its guide step done, linked to the message
        that records it (Odoo deletes done activities)."""
        rows = (
            self.env["crm.guide.record.step"]
            .sudo()
            .search([("activity_id", "in", self.ids), ("state", "=", engine.OPEN)])
        )
        if not rows:
            return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
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
        rows._set_state(
            engine.DONE,
            messages={
                row.id: message_by_activity.get(activity_id)
                for activity_id, row in row_by_activity.items()
            },
        )
        return messages, next_activities
