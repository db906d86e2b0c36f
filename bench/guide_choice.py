# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Benchmark: choosing the type of sale when opportunities are created.

Run by hand inside ``odoo shell`` (``python3 tools/dev.py bench guide_choice``
does it for you). A team served by two guides (each: one stage, two
automatic steps, an expected duration); a salesman of the team, tracking on,
creates ``BENCH_RECORDS`` (1,000) opportunities in one ``create``:

1. letting the rule choose the guide (the team's first guide);
2. giving the same guide explicitly (``guide_id`` in the values): the same
   work, so the ratio says what the choice costs (target <= 1.1);
3. giving the team's second guide (informative: another layout);
4. the floor: the same create where no guide serves the team.

Best of ``BENCH_ROUNDS`` in the same run; nothing is committed.
"""

import os
import sys
import time

from odoo.modules.module import get_module_path

sys.path.insert(0, os.path.join(get_module_path("crm_workflow_guide"), "bench"))
from benchlib import measured  # noqa: E402

N = int(globals().get("BENCH_RECORDS", 1000))
ROUNDS = int(globals().get("BENCH_ROUNDS", 3))

root = env  # noqa: F821 (odoo shell)
env = root(context=dict(root.context, tracking_disable=True))

salesman = env["res.users"].create(
    {
        "name": "Bench choice rep",
        "login": f"bench_choice_rep_{time.time()}",
        "groups_id": [(6, 0, env.ref("sales_team.group_sale_salesman").ids)],
    }
)
team, bare_team = env["crm.team"].create(
    [
        {"name": "Bench choice team", "member_ids": [(6, 0, salesman.ids)]},
        {"name": "Bench unguided team", "member_ids": [(4, salesman.id)]},
    ]
)
stage = env["crm.stage"].create(
    {"name": "Bench choice stage", "sequence": 900, "team_id": team.id}
)
bare_stage = env["crm.stage"].create(
    {"name": "Bench unguided stage", "sequence": 901, "team_id": bare_team.id}
)
call = env.ref("mail.mail_activity_data_call")
todo = env.ref("mail.mail_activity_data_todo")
first, second = env["crm.guide"].create(
    [
        {
            "name": f"Bench type {index}",
            "sequence": index,
            "team_ids": [(6, 0, team.ids)],
            "expected_duration_days": 30,
            "guide_stage_ids": [
                (
                    0,
                    0,
                    {
                        "stage_id": stage.id,
                        "step_ids": [
                            (
                                0,
                                0,
                                {
                                    "name": "Call",
                                    "activity_type_id": call.id,
                                    "auto_schedule": True,
                                    "sequence": 1,
                                },
                            ),
                            (
                                0,
                                0,
                                {
                                    "name": "Check",
                                    "activity_type_id": todo.id,
                                    "auto_schedule": True,
                                    "wait_previous": True,
                                    "delay_count": 2,
                                    "sequence": 2,
                                },
                            ),
                        ],
                    },
                )
            ],
        }
        for index in (1, 2)
    ]
)
rep_env = root(user=salesman)  # tracking on


def vals_list(guide=None, bare=False):
    base = {
        "type": "opportunity",
        "user_id": salesman.id,
        "team_id": (bare_team if bare else team).id,
        "stage_id": (bare_stage if bare else stage).id,
    }
    if guide:
        base["guide_id"] = guide.id
    return [dict(base, name=f"Bench choice {i}") for i in range(N)]


def best(label, values):
    result = None
    for _round in range(ROUNDS):
        with env.cr.savepoint(flush=False) as savepoint:
            seconds, queries = measured(
                rep_env, lambda: rep_env["crm.lead"].create(values)
            )
            savepoint.rollback()
        rep_env.invalidate_all()
        result = (
            (seconds, queries) if result is None else min(result, (seconds, queries))
        )
    print(f"{label:<44} {result[0]:6.2f} s {result[1]:6d} queries")
    return result[0]


rule = best("rule chooses (first guide)", vals_list())
explicit = best("explicit guide_id (the same guide)", vals_list(first))
other = best("explicit guide_id (the second guide)", vals_list(second))
floor = best("floor: no guide serves the team", vals_list(bare=True))
print(f"ratio explicit / rule: {explicit / rule:.2f} (target <= 1.1)")
print(f"ratio second guide / rule: {other / rule:.2f}")
print(f"ratio rule / floor (what the guide's work costs): {rule / floor:.2f}")
env.cr.rollback()
