# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The order's states as the guide sees them, and the flags that say, for
one write, that the guide checked a confirmation (kept on the cursor:
nothing a client can send)."""

from odoo.tools import format_list

ORDER_STATES = [
    ("draft", "Quotation"),
    ("sent", "Quotation Sent"),
    ("sale", "Sales Order"),
]
#: a quotation, before its order stage
QUOTATION_STATES = ("draft", "sent")
#: a confirmed or cancelled order keeps its guide (``_guide_keeps_guide``)
KEEPS_GUIDE_STATES = ("sale", "cancel")
#: what may (again) become an order: a cancelled quotation set back too
REOPENABLE_STATES = ("draft", "sent", "cancel")

CONFIRM_CHECKED = "crm_workflow_guide.confirm_checked"
CONFIRMING = "crm_workflow_guide.confirming"


def format_names(env, names):
    """``format_list`` for a note written per record: one name is itself
    (Babel's list formatting costs more than the rest of such a note)."""
    return names[0] if len(names) == 1 else format_list(env, names)
