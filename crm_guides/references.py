# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Which records others refer to: what may not be deleted because history
or consent hangs on it."""


def referenced(records, model, field):
    """Those of ``records`` that records of ``model`` refer to through
    ``field`` (a Many2one or Many2many to them), in one grouped query. Every
    record counts: archived ones and those the user does not see (read as
    the system)."""
    if not records:
        return records
    groups = (
        records.env[model]
        .sudo()
        .with_context(active_test=False)
        ._read_group([(field, "in", records.ids)], [field])
    )
    used_ids = {record.id for (record,) in groups}
    return records.filtered(lambda record: record.id in used_ids)
