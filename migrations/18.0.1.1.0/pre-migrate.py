# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""18.0.1.1.0: guide steps become activity plan templates of their stage's
plan, record steps name their model with ``res_model_id``.

Runs before the new models are loaded, so the new required columns are
filled before the ORM sets NOT NULL on them. Steps keep their delay (in
days, after stage entry), activity type (To-Do when none) and assignee
(salesperson, team leader, a specific user = "Default user", the user who
moves = "Ask at launch").
"""

from odoo.tools.sql import column_exists

RESPONSIBLE = {
    "salesperson": "salesperson",
    "team_leader": "team_leader",
    "user": "other",
    "current_user": "on_demand",
}


def migrate(cr, version):
    if not version:
        return
    # record steps: res_model_id
    if not column_exists(cr, "crm_guide_record_step", "res_model_id"):
        cr.execute("ALTER TABLE crm_guide_record_step ADD COLUMN res_model_id int4")
    cr.execute(
        """
        UPDATE crm_guide_record_step row
           SET res_model_id = m.id
          FROM ir_model m
         WHERE m.model = row.res_model AND row.res_model_id IS NULL
        """
    )
    cr.execute("DELETE FROM crm_guide_record_step WHERE res_model_id IS NULL")

    # guide stages: one activity plan each
    if not column_exists(cr, "crm_guide_stage", "plan_id"):
        cr.execute("ALTER TABLE crm_guide_stage ADD COLUMN plan_id int4")
    cr.execute(
        """
        SELECT gs.id, g.name->>'en_US', gs.name->>'en_US', g.res_model, m.id,
               g.company_id, g.active
          FROM crm_guide_stage gs
          JOIN crm_guide g ON g.id = gs.guide_id
          JOIN ir_model m ON m.model = g.res_model
         WHERE gs.plan_id IS NULL
        """
    )
    for gs_id, guide, stage, res_model, model_id, company_id, active in cr.fetchall():
        cr.execute(
            """
            INSERT INTO mail_activity_plan
                (name, res_model, res_model_id, company_id, active,
                 create_uid, write_uid, create_date, write_date)
            VALUES (%s, %s, %s, %s, %s, 1, 1, now() at time zone 'UTC',
                    now() at time zone 'UTC')
            RETURNING id
            """,
            (f"{guide}: {stage}", res_model, model_id, company_id, bool(active)),
        )
        cr.execute(
            "UPDATE crm_guide_stage SET plan_id = %s WHERE id = %s",
            (cr.fetchone()[0], gs_id),
        )

    # steps: one plan template each
    if not column_exists(cr, "crm_guide_step", "template_id"):
        cr.execute("ALTER TABLE crm_guide_step ADD COLUMN template_id int4")
    cr.execute(
        """
        SELECT res_id FROM ir_model_data
         WHERE module = 'mail' AND name = 'mail_activity_data_todo'
        """
    )
    todo_id = cr.fetchone()[0]
    cr.execute(
        """
        SELECT s.id, gs.plan_id, s.sequence, s.activity_type_id, s.delay_count,
               COALESCE(s.summary->>'en_US', s.name->>'en_US'), s.note->>'en_US',
               s.responsible, s.user_id
          FROM crm_guide_step s
          JOIN crm_guide_stage gs ON gs.id = s.guide_stage_id
         WHERE s.template_id IS NULL
        """
    )
    for (
        step_id,
        plan_id,
        sequence,
        type_id,
        delay,
        summary,
        note,
        responsible,
        user_id,
    ) in cr.fetchall():
        responsible_type = RESPONSIBLE.get(responsible, "salesperson")
        cr.execute(
            """
            INSERT INTO mail_activity_plan_template
                (plan_id, sequence, activity_type_id, delay_count, delay_unit,
                 delay_from, summary, note, responsible_type, responsible_id,
                 create_uid, write_uid, create_date, write_date)
            VALUES (%s, %s, %s, %s, 'days', 'after_plan_date', %s, %s, %s, %s,
                    1, 1, now() at time zone 'UTC', now() at time zone 'UTC')
            RETURNING id
            """,
            (
                plan_id,
                sequence or 10,
                type_id or todo_id,
                max(delay or 0, 0),
                summary,
                note,
                responsible_type,
                user_id if responsible_type == "other" else None,
            ),
        )
        cr.execute(
            "UPDATE crm_guide_step SET template_id = %s WHERE id = %s",
            (cr.fetchone()[0], step_id),
        )
