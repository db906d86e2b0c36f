# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""18.0.1.2.0: data quality weights are between 0 and 100 (a CHECK constraint
added by the upgrade): weights stored above are brought into the range first,
so the constraint can be added."""

from odoo.tools.sql import column_exists

WEIGHTS = (
    "crm_quality_weight_email",
    "crm_quality_weight_phone",
    "crm_quality_weight_company",
    "crm_quality_weight_industry",
    "crm_quality_weight_category",
)


def migrate(cr, version):
    if not version:
        return
    for column in WEIGHTS:
        if column_exists(cr, "res_company", column):
            # column names from the list above, not from data
            cr.execute(
                f"UPDATE res_company SET {column} = LEAST(GREATEST({column}, 0), 100)"  # noqa: S608
                f" WHERE {column} NOT BETWEEN 0 AND 100"
            )
