# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""18.0.1.1.0: a document step's e-mail template is now its activity type's.

Each template that document steps named directly gets an activity type
carrying it (reused when one already does), and the steps take that type.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not version or not column_exists(cr, "crm_guide_step", "mail_template_id"):
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute(
        """
        SELECT id, mail_template_id FROM crm_guide_step
         WHERE kind = 'document' AND mail_template_id IS NOT NULL
        """
    )
    rows = cr.fetchall()
    Step, Template = env["crm.guide.step"], env["mail.template"]
    Type = env["mail.activity.type"]
    for step_id, template_id in rows:
        step, template = Step.browse(step_id), Template.browse(template_id).exists()
        if not template or template in step.activity_type_id.mail_template_ids:
            continue
        activity_type = Type.search(
            [("mail_template_ids", "in", template.ids)], limit=1
        ) or Type.create(
            {
                "name": template.name,
                "res_model": template.model,
                "icon": "fa-envelope-o",
                "mail_template_ids": [(4, template.id)],
            }
        )
        step.activity_type_id = activity_type
