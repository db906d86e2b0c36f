# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    crm_guide_always_schedule_next = fields.Boolean(
        "Always Plan the Next Guide Step",
        help="When a step of a workflow guide is done, plan the stage's next "
        "suggested follow-up at once instead of asking.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["crm_guide_always_schedule_next"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + ["crm_guide_always_schedule_next"]
