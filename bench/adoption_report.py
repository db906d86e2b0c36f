# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Benchmark: the adoption figures of 50 users over 100,000 opportunities and
500,000 messages and activities, against Odoo's own pipeline analysis.

Run by hand inside ``odoo shell`` on a database where crm_workflow_guide is
installed::

    odoo shell -d DB --addons-path=... < bench/adoption_report.py

Set ``BENCH_SCALE`` (e.g. ``BENCH_SCALE = 0.1`` as the first line piped into
the shell) to generate less data; 1.0 = 50 users, 100,000 opportunities,
400,000 messages and 100,000 activities. The data is generated with plain SQL
inserts (the ORM would take hours) and nothing is committed.

It prints absolute times and

    ratio = adoption analysis (read_group of crm.adoption.report by user,
            all the figures)
            / Odoo's pipeline analysis (read_group of crm.lead by user over
              the same opportunities: count, expected and prorated revenue)

and, for information, the time of one full refresh of the figures (done by
the hourly scheduled action and when the report is opened with figures
older than five minutes). Target: ratio <= 2.
"""

import time

SCALE = float(globals().get("BENCH_SCALE", 1.0))
ROUNDS = int(globals().get("BENCH_ROUNDS", 3))
USERS = max(2, int(50 * SCALE))
OPPORTUNITIES = int(100_000 * SCALE)
MESSAGES = int(400_000 * SCALE)
ACTIVITIES = int(100_000 * SCALE)

cr = env.cr  # noqa: F821 (odoo shell)


def best(func):
    times = []
    for __ in range(ROUNDS):
        env.invalidate_all()  # noqa: F821
        env.registry.clear_cache()  # noqa: F821
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def generate():
    users = env["res.users"].create(  # noqa: F821
        [
            {
                "name": f"Adoption bench {i}",
                "login": f"adoption_bench_{i}_{time.time()}",
            }
            for i in range(USERS)
        ]
    )
    stages = env["crm.stage"].search([])  # noqa: F821
    won = stages.filtered("is_won")[:1]
    open_stages = (stages - won).ids
    user_ids = users.ids
    partner_ids = users.partner_id.ids
    company_id = env.company.id  # noqa: F821
    call = env.ref("mail.mail_activity_data_call").id  # noqa: F821
    meeting = env.ref("mail.mail_activity_data_meeting").id  # noqa: F821
    comment = env.ref("mail.mt_comment").id  # noqa: F821
    lead_model = env["ir.model"]._get_id("crm.lead")  # noqa: F821
    cr.execute(
        """
        INSERT INTO crm_lead (name, type, active, user_id, company_id, stage_id,
                              probability, email_from, email_normalized, phone,
                              partner_name,
                              create_date, write_date, date_conversion, date_closed)
        SELECT 'Bench ' || g, 'opportunity', g %% 10 <> 0,
               (%(users)s::int[])[1 + g %% %(nusers)s], %(company)s,
               CASE WHEN g %% 5 = 0 THEN %(won)s
                    ELSE (%(stages)s::int[])[1 + g %% %(nstages)s] END,
               CASE WHEN g %% 5 = 0 THEN 100 ELSE 30 END,
               CASE WHEN g %% 3 = 0 THEN 'x' || g || '@example.com' END,
               CASE WHEN g %% 3 = 0 THEN 'x' || g || '@example.com' END,
               CASE WHEN g %% 2 = 0 THEN '+32 2 555 ' || g END,
               CASE WHEN g %% 4 = 0 THEN 'Company ' || g END,
               now() - (g %% 365) * interval '1 day', now(),
               CASE WHEN g %% 3 = 0 THEN now() - (g %% 300) * interval '1 day' END,
               CASE WHEN g %% 5 = 0 THEN now() - (g %% 200) * interval '1 day' END
          FROM generate_series(1, %(count)s) g
        RETURNING id
        """,
        {
            "users": user_ids,
            "nusers": len(user_ids),
            "company": company_id,
            "won": won.id,
            "stages": open_stages,
            "nstages": len(open_stages),
            "count": OPPORTUNITIES,
        },
    )
    lead_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        """
        INSERT INTO mail_message (model, res_id, message_type, subtype_id,
                                  mail_activity_type_id, author_id, date, body)
        SELECT 'crm.lead', (%(leads)s::int[])[1 + g %% %(nleads)s],
               CASE WHEN g %% 4 = 0 THEN 'comment' ELSE 'notification' END,
               CASE WHEN g %% 4 = 0 THEN %(comment)s END,
               CASE WHEN g %% 4 = 1 THEN %(call)s WHEN g %% 4 = 2 THEN %(meeting)s END,
               (%(partners)s::int[])[1 + g %% %(npartners)s],
               now() - (g %% 365) * interval '1 day', '<p>Bench</p>'
          FROM generate_series(1, %(count)s) g
        """,
        {
            "leads": lead_ids,
            "nleads": len(lead_ids),
            "comment": comment,
            "call": call,
            "meeting": meeting,
            "partners": partner_ids,
            "npartners": len(partner_ids),
            "count": MESSAGES,
        },
    )
    cr.execute(
        """
        INSERT INTO mail_activity (res_model_id, res_model, res_id, activity_type_id,
                                   user_id, date_deadline, active, create_date)
        SELECT %(model)s, 'crm.lead', (%(leads)s::int[])[1 + g %% %(nleads)s],
               %(call)s, (%(users)s::int[])[1 + g %% %(nusers)s],
               (now() + ((g %% 60) - 30) * interval '1 day')::date, true, now()
          FROM generate_series(1, %(count)s) g
        """,
        {
            "model": lead_model,
            "leads": lead_ids,
            "nleads": len(lead_ids),
            "call": call,
            "users": user_ids,
            "nusers": len(user_ids),
            "count": ACTIVITIES,
        },
    )
    cr.execute("ANALYZE crm_lead; ANALYZE mail_message; ANALYZE mail_activity")
    return users


def pipeline_analysis():
    env["crm.lead"].read_group(  # noqa: F821
        [("type", "=", "opportunity")],
        ["expected_revenue:sum", "prorated_revenue:sum"],
        ["user_id"],
    )


def adoption_analysis():
    env["crm.adoption.report"].read_group(  # noqa: F821
        [],
        [
            "calls_logged:sum",
            "meetings_done:sum",
            "emails_sent:sum",
            "leads_converted:sum",
            "opportunities_won:sum",
            "orders_confirmed:sum",
            "guide_steps_done:sum",
            "overdue_activities:sum",
            "data_quality:avg",
        ],
        ["user_id"],
    )


start = time.perf_counter()
generate()
print(  # noqa: T201
    f"generated {USERS} users, {OPPORTUNITIES} opportunities, {MESSAGES} messages, "
    f"{ACTIVITIES} activities in {time.perf_counter() - start:.1f}s"
)
refresh = best(env["crm.adoption.report"]._refresh)  # noqa: F821
plain = best(pipeline_analysis)
adoption = best(adoption_analysis)
print(f"full refresh of the figures: {refresh * 1000:.0f} ms")  # noqa: T201
print(f"Odoo pipeline analysis (read_group by user): {plain * 1000:.1f} ms")  # noqa: T201
print(f"adoption analysis (read_group by user): {adoption * 1000:.1f} ms")  # noqa: T201
print(f"ratio adoption / pipeline = {adoption / plain:.2f} (target <= 2)")  # noqa: T201
print(  # noqa: T201
    f"for information: (refresh + adoption) / pipeline = "
    f"{(refresh + adoption) / plain:.1f}"
)
env.cr.rollback()  # noqa: F821
