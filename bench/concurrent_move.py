# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""By hand, on a throw-away database with the demo data: two users move the
same opportunity into the same stage at the same moment, each in its own
cursor, through Odoo's own request retry (``retrying``).

Expected: both succeed (the second one waits on the record's lock, gets a
serialization failure and is retried by Odoo), one set of guide steps and
activities. It commits (and removes) its own opportunity.

    odoo shell -d DB --addons-path=... < bench/concurrent_move.py
"""

import threading
import time

from odoo import api
from odoo.service.model import retrying

env = env  # noqa: F821, PLW0127 (given by odoo shell)
reg = env.registry
lead = env["crm.lead"].create(
    {
        "name": "Concurrency deal",
        "type": "opportunity",
        "team_id": env.ref("sales_team.team_sales_department").id,
        "user_id": env.ref("base.user_demo").id,
        "stage_id": env.ref("crm.stage_lead1").id,
    }
)
env["crm.guide.record.step"].search(
    [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
).action_not_applicable()
target = env.ref("crm.stage_lead2").id
env.cr.commit()
results = {}


def worker(name, uid, delay):
    time.sleep(delay)
    with reg.cursor() as cr:
        e = api.Environment(cr, uid, {})
        tries = [0]

        def move():
            tries[0] += 1
            e["crm.lead"].browse(lead.id).write({"stage_id": target})
            e.flush_all()
            time.sleep(1.0)  # hold the transaction open

        try:
            retrying(move, e)
            results[name] = ("ok", tries[0])
        except Exception as exc:
            results[name] = ("error", repr(exc)[:200])


t1 = threading.Thread(target=worker, args=("admin", env.ref("base.user_admin").id, 0))
t2 = threading.Thread(target=worker, args=("demo", env.ref("base.user_demo").id, 0.2))
t1.start()
t2.start()
t1.join()
t2.join()
env.cr.rollback()  # end the shell's own (stale) snapshot
print("RESULTS", results)
env.invalidate_all()
rows = env["crm.guide.record.step"].search(
    [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
)
acts = env["mail.activity"].search(
    [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
)
print("STAGE", lead.stage_id.name, lead.guide_stage_id.name)
print(
    "ROWS",
    len(rows),
    sorted(rows.mapped("step_id.name")),
    "ACTIVITIES",
    len(acts),
    acts.mapped("summary"),
)
lead.unlink()
rows.exists().sudo().unlink()
env.cr.commit()
