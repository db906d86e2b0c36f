# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""18.0.1.2.0: quotations follow guides, CRM onboarding.

The new models and fields need no data moved. One thing to settle: orders
confirmed or cancelled before the upgrade are history, not quotations in
progress, so they follow no quotation guide (the upgrade may have computed
one for them from their team).
"""

from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not version or not column_exists(cr, "sale_order", "guide_id"):
        return
    cr.execute(
        """
        UPDATE sale_order
           SET guide_id = NULL, guide_stage_id = NULL, guide_progress = 0
         WHERE state IN ('sale', 'cancel') AND guide_id IS NOT NULL
        """
    )
