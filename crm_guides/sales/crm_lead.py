# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Sales' glue on opportunities: steps done by a quotation, won on
confirmation."""

from odoo import models

from .. import engine


# The model is extended by concern, in several files of this addon.
# pylint: disable=consider-merging-classes-inherited
class CrmLead(models.Model):
    _inherit = "crm.lead"

    def _guide_after_enter(self):
        result = super()._guide_after_enter()
        # entering a stage whose step is done by a quotation, with one already:
        # the orders are read only for the stages that have such a step
        leads = self.filtered(
            lambda lead: any(
                step.completed_by == "sale.order"
                for step in lead.guide_stage_id.step_ids
            )
        )
        leads.filtered(
            lambda lead: any(order.state != "cancel" for order in lead.sudo().order_ids)
        )._guide_quotation_created()
        return result

    def _guide_quotation_created(self, orders=None):
        """A quotation exists for these opportunities: their open steps that a
        quotation completes are done (by the system: it is a fact, whoever
        created the quotation)."""
        # only the opportunities the user may edit: a quotation linked to
        # somebody else's opportunity changes nothing there
        leads = self if self.env.su else self._filtered_access("write")
        if not leads:
            return
        rows = leads._guide_rows(
            [("state", "=", engine.OPEN), ("step_id.completed_by", "=", "sale.order")]
        )
        if not rows:
            return
        by_lead = {}
        for order in orders or self.env["sale.order"]:
            by_lead.setdefault(order.opportunity_id.id, order)
        with_activity = rows.filtered("activity_id")
        for row in with_activity:
            order = by_lead.get(row.res_id)
            # as the system: whoever made the quotation, even for a step
            # assigned to another
            row.activity_id.sudo().action_feedback(
                feedback=self.env._("Quotation %(order)s created.", order=order.name)
                if order
                else self.env._("A quotation exists.")
            )
        (rows - with_activity)._set_state(engine.DONE)

    def _guide_set_won(self):
        """Odoo's won flow (``action_set_won``: the won stage after the
        current one, probability 100, one write per won stage), with the won
        stages searched once for the batch instead of once per opportunity."""
        leads = self.filtered(lambda lead: lead.active and not lead.stage_id.is_won)
        if not leads:
            return leads
        won_stages = leads._stage_find(domain=[("is_won", "=", True)], limit=None)
        if not won_stages:
            return self.browse()
        by_stage = {}
        for lead in leads:
            stage = next(
                (s for s in won_stages if s.sequence > lead.stage_id.sequence), None
            ) or next(
                (
                    s
                    for s in reversed(won_stages)
                    if s.sequence <= lead.stage_id.sequence
                ),
                won_stages[:1],
            )
            by_stage[stage] = by_stage.get(stage, self.browse()) | lead
        for stage, stage_leads in by_stage.items():
            stage_leads.write({"stage_id": stage.id, "probability": 100})
        return leads
