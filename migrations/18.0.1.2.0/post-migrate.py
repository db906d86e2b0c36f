# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""18.0.1.2.0: quotations follow guides, CRM onboarding.

The new models and fields need no data moved. Orders
confirmed or cancelled before the upgrade are history, not quotations in
progress, so they follow no quotation guide (the upgrade may have computed
one for them from their team). The rewards' descriptions say what Odoo's
gamification does (unless an administrator changed them).
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import html2plaintext
from odoo.tools.sql import column_exists

#: The rewards (shipped ``noupdate``) say what Odoo's gamification does; the
#: texts an administrator did not change are brought up to date.
DESCRIPTIONS = {
    "crm_adoption_goal_definition_data_quality": (
        "Share of the key fields of your active leads, opportunities and contacts "
        "created in the period that are filled and valid.",
        "Share of the key fields of your active leads, opportunities and contacts "
        "created in the period that are filled and valid. Without any such record "
        "in the period, the goal is at 0 %.",
    ),
    "crm_adoption_badge_data_champion": (
        "Best data quality of the month: complete and valid customer data.",
        "Reached every goal of the monthly CRM Adoption challenge: calls logged, "
        "leads converted, data quality and guide steps done.",
    ),
    "crm_adoption_badge_closer": (
        "Converted the most leads into opportunities this month.",
        "First place of the monthly CRM Adoption challenge: of the users who "
        "reached every goal, the one furthest above the targets (all goals added "
        "up).",
    ),
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, (old, new) in DESCRIPTIONS.items():
        record = env.ref(f"crm_workflow_guide.{xmlid}", raise_if_not_found=False)
        record = record and record.with_context(lang="en_US")
        if record and html2plaintext(record.description or "").strip() == old:
            record.description = new
    if not column_exists(cr, "sale_order", "guide_id"):
        return
    cr.execute(
        """
        UPDATE sale_order
           SET guide_id = NULL, guide_stage_id = NULL, guide_progress = 0
         WHERE state IN ('sale', 'cancel') AND guide_id IS NOT NULL
        """
    )
