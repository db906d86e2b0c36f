# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Benchmark: scheduling the calls of a 10,000-contact call list.

Run by hand inside ``odoo shell`` (``python3 tools/dev.py bench call_list``
does it for you). It prints, measured in the same run:

1. the call list vs Odoo's loop: ``action_schedule_calls`` on a list of N
   contacts / Odoo's own ``activity_schedule`` called contact by contact for
   the same contacts (target <= 0.2);
2. the call list vs the floor: the same / one batched ``mail.activity.create``
   of the same N activities (what any batch must pay).

The calls go to the contacts' salespeople (five other users), as a call
list does; Odoo's loop notifies each assignee of each activity by e-mail, so
the loop is also measured with the notifications off (``mail_activity_quick_
update``) to compare like with like. Nothing is committed.
"""

import os
import sys
import time

from odoo.modules.module import get_module_path

# the scripts' shared helpers (bench/benchlib.py), beside this script
sys.path.insert(0, os.path.join(get_module_path("crm_workflow_guide"), "bench"))
from benchlib import timed  # noqa: E402

N = int(globals().get("BENCH_PARTNERS", 10000))
env = env(context=dict(env.context, tracking_disable=True))  # noqa: F821 (odoo shell)

stamp = time.time()
users = env["res.users"].create(
    [
        {"name": f"Bench caller {i}", "login": f"bench_caller_{i}_{stamp}"}
        for i in range(5)
    ]
)
call = env.ref("mail.mail_activity_data_call")
model_id = env["ir.model"]._get_id("res.partner")


def contacts(tag):
    industry = env["res.partner.industry"].create({"name": f"Bench {tag} {stamp}"})
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench {tag} {i}",
                "is_company": True,
                "industry_id": industry.id,
                "user_id": users[i % 5].id,
            }
            for i in range(N)
        ]
    )
    env.flush_all()
    return industry, partners


industry, __ = contacts("list")
call_list = env["crm.call.list"].create(
    {"name": "Bench list", "industry_ids": [(6, 0, industry.ids)]}
)
ours = timed(env, call_list.action_schedule_calls)
assert len(env["mail.activity"].search([("crm_call_list_id", "=", call_list.id)])) == N

__, loop_partners = contacts("loop")
loop = timed(
    env,
    lambda: [
        partner.activity_schedule(
            activity_type_id=call.id, summary="Bench", user_id=partner.user_id.id
        )
        for partner in loop_partners
    ],
)
__, quiet_partners = contacts("quiet")
quiet = timed(
    env,
    lambda: [
        partner.with_context(mail_activity_quick_update=True).activity_schedule(
            activity_type_id=call.id, summary="Bench", user_id=partner.user_id.id
        )
        for partner in quiet_partners
    ],
)
__, floor_partners = contacts("floor")
floor = timed(
    env,
    lambda: env["mail.activity"]
    .with_context(mail_activity_quick_update=True)
    .create(
        [
            {
                "res_model_id": model_id,
                "res_id": partner.id,
                "activity_type_id": call.id,
                "summary": "Bench",
                "user_id": partner.user_id.id,
            }
            for partner in floor_partners
        ]
    ),
)

print(f"contacts: {N}")
print(f"call list, one batch:                      {ours:.3f} s")
print(f"Odoo activity_schedule loop:               {loop:.3f} s")
print(f"Odoo loop without notification e-mails:    {quiet:.3f} s")
print(f"floor, one batched mail.activity.create:   {floor:.3f} s")
print(f"RATIO call list vs Odoo's loop: {ours / loop:.3f} (target <= 0.2)")
print(f"RATIO call list vs the loop without e-mails: {ours / quiet:.3f}")
print(f"RATIO call list vs the floor: {ours / floor:.3f}")
env.cr.rollback()
