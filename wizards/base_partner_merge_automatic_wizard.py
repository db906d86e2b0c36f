# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Merging contacts merges their consents (``crm.subscription``) and their
places among opportunities' stakeholders."""

from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_foreign_keys(self, src_partners, dst_partner):
        """Merging contacts merges their consents: where both have a
        subscription of the same type, the kept contact keeps one, and a
        withdrawal (unsubscribed) wins over a subscription, so that merging a
        duplicate never selects again a person who unsubscribed."""
        Subscription = self.env["crm.subscription"].sudo()
        subs = Subscription.search(
            [("partner_id", "in", (src_partners | dst_partner).ids)]
        )
        kept = {sub.type_id: sub for sub in subs if sub.partner_id == dst_partner}
        doubles = Subscription
        for sub in subs - Subscription.concat(*kept.values()):
            mine = kept.get(sub.type_id)
            if not mine:
                kept[sub.type_id] = sub
                continue
            if sub.state == "unsubscribed" and mine.state == "subscribed":
                mine.write(
                    {
                        "state": "unsubscribed",
                        "consent_date": sub.consent_date,
                        "source": sub.source,
                    }
                )
            doubles |= sub
        # the merged contact's own copies go (as the system: a subscription is
        # otherwise never deleted); the others follow the contact
        doubles.unlink()
        self._crm_merge_stakeholders(src_partners, dst_partner)
        result = super()._update_foreign_keys(src_partners, dst_partner)
        dst_partner._crm_sync_subscribed_types()
        return result

    def _crm_merge_stakeholders(self, src_partners, dst_partner):
        """An opportunity keeps one stakeholder per contact: where the merged
        contacts were several stakeholders of one opportunity, the kept
        contact's entry (or the first one) stays; Odoo's generic rewrite then
        moves the others (it would delete every row of the merged contacts if
        one update broke the uniqueness)."""
        Stakeholder = self.env["crm.lead.stakeholder"].sudo()
        stakeholders = Stakeholder.search(
            [("partner_id", "in", (src_partners | dst_partner).ids)]
        )
        doubles = Stakeholder
        for _lead, rows in stakeholders.grouped("lead_id").items():
            kept = (
                rows.filtered(lambda row: row.partner_id == dst_partner)[:1] or rows[:1]
            )
            doubles |= rows - kept
        doubles.unlink()
