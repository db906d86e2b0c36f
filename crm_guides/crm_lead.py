# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class CrmLead(models.Model):
    # the mixin comes first so that a refused move is refused before crm's own
    # write updates anything (won/lost frequencies, probabilities)
    _name = "crm.lead"
    _inherit = ["crm.guide.mixin", "crm.lead"]

    guide_id = fields.Many2one(tracking=True)

    def _guide_is_exempt_move(self, target):
        # marking won is never refused (lost archives, it does not move)
        return bool(target.is_won)

    def _guide_forward_outside(self, target):
        # a pipeline stage outside the guide: forward in the pipeline's order
        if not target or not self:
            return self.browse()
        ordered = self.env["crm.stage"].search(
            [("id", "in", (target | self.stage_id).ids)]
        )
        position = {stage_id: index for index, stage_id in enumerate(ordered.ids)}
        return self.filtered(
            lambda lead: lead.stage_id
            and position[target.id] > position[lead.stage_id.id]
        )

    def _guide_finish(self):
        # after the guide's last stage comes Won (with crm's rainbow man)
        if len(self) == 1:
            return self.action_set_won_rainbowman()
        self.action_set_won()
        return True

    def _guide_finish_label(self):
        return self.env._("mark it as won")

    def _guide_is_closed(self):
        self.ensure_one()
        return not self.active or self.stage_id.is_won

    @api.model
    def _guide_open_domain(self):
        return [("active", "=", True), ("stage_id.is_won", "=", False)]
