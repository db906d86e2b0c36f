# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Benchmark: opportunities enter a stage with two automatic steps.

Run by hand inside ``odoo shell`` on a database where crm_workflow_guide is
installed (``python3 tools/dev.py bench`` does it for you)::

    odoo shell -d DB --addons-path=... < bench/stage_move.py

Every comparison runs for two users, and the script reports both:

* the superuser with chatter tracking off (what the engine costs alone);
* a salesman of the team with tracking on, moving their own opportunities
  (the activities are theirs): the pipeline as it is really used, record
  rules, tracking and followers included.

For each, measured in the same run (times: best of the rounds for the
batches, median of the alternating single moves; queries counted; what the
request's commit still writes, the chatter's tracking messages, included):

1. batch vs the plan wizard (superuser only): (guided move - the same move
   of unguided records) / Odoo's ``activity_schedule`` of the same two
   activities, one record at a time (target <= 0.2);
2. batch vs the floor: guided move of N records / (unguided move + a
   batched ``mail.activity.create`` of the same 2N activities) (target <=
   1.5; the superuser's activities go to five other salespeople);
3. single move vs the floor: one record entering the stage / (the same move
   of an unguided record + one batched ``mail.activity.create`` of its two
   activities), alternating record by record (target <= 1.0, no more
   queries);
4. single move vs Odoo's way: the same / (plain move + two
   ``activity_schedule``) (target <= 1.0).

Nothing is committed.
"""

import os
import statistics
import sys
import time

from odoo.modules.module import get_module_path

# the scripts' shared helpers (bench/benchlib.py), beside this script
sys.path.insert(0, os.path.join(get_module_path("crm_workflow_guide"), "bench"))
from benchlib import measured  # noqa: E402

N = int(globals().get("BENCH_RECORDS", 1000))
SUPERUSER = globals().get("BENCH_SUPERUSER", True)  # False: the salesman only
ROUNDS = int(globals().get("BENCH_ROUNDS", 3))
SINGLE = int(globals().get("BENCH_SINGLE", 50))

root = env  # noqa: F821 (odoo shell)
quiet = dict(root.context, tracking_disable=True)
env = root(context=quiet)


def setup():
    salesman_group = env.ref("sales_team.group_sale_salesman")
    users = env["res.users"].create(
        [
            {
                "name": f"Bench rep {i}",
                "login": f"bench_rep_{i}_{time.time()}",
                "groups_id": [(6, 0, salesman_group.ids)],
            }
            for i in range(5)
        ]
    )
    team = env["crm.team"].create(
        {"name": "Bench team", "member_ids": [(6, 0, users.ids)]}
    )
    start, target = env["crm.stage"].create(
        [
            {"name": "Bench start", "team_id": team.id, "sequence": 900},
            {"name": "Bench target", "team_id": team.id, "sequence": 901},
        ]
    )
    call = env.ref("mail.mail_activity_data_call")
    todo = env.ref("mail.mail_activity_data_todo")
    steps = [
        {
            "name": name,
            "activity_type_id": activity_type.id,
            "auto_schedule": True,
            "delay_count": delay,
            "summary": name,
        }
        for name, activity_type, delay in (("Call", call, 1), ("Prepare", todo, 2))
    ]
    env["crm.guide"].create(
        {
            "name": "Bench guide",
            "sequence": -1,
            "team_ids": [(6, 0, team.ids)],
            "guide_stage_ids": [
                (0, 0, {"sequence": 1, "stage_id": start.id}),
                (
                    0,
                    0,
                    {
                        "sequence": 2,
                        "stage_id": target.id,
                        "step_ids": [(0, 0, vals) for vals in steps],
                    },
                ),
            ],
        }
    )
    return users, team, start, target, call, todo


USERS, TEAM, START, TARGET, CALL, TODO = setup()
SALESMAN = USERS[0]
MODES = {
    "superuser, tracking off": (env, USERS),
    "salesman of the team, tracking on": (
        root(user=SALESMAN.id, context=dict(root.context)),
        SALESMAN,
    ),
}


def leads(mode_env, owners, count, guided=True):
    records = env["crm.lead"].create(
        [
            {
                "name": f"Bench {i}",
                "type": "opportunity",
                "team_id": TEAM.id,
                "user_id": owners[i % len(owners)].id,
                "stage_id": START.id,
            }
            for i in range(count)
        ]
    )
    if not guided:
        records.write({"guide_id": False})
    env.flush_all()
    return records.with_env(mode_env)


def activity_vals(records):
    today = env.cr.now().date()
    model_id = env["ir.model"]._get_id("crm.lead")
    return [
        {
            "res_model_id": model_id,
            "res_id": lead.id,
            "activity_type_id": activity_type.id,
            "summary": summary,
            "user_id": lead.user_id.id,
            "date_deadline": today,
        }
        for lead in records
        for activity_type, summary in ((CALL, "Call"), (TODO, "Prepare"))
    ]


def move(records):
    records.write({"stage_id": TARGET.id})


def floor(records):
    """The unguided move plus the activities in batched creates (two: core
    inserts the same follower twice when one create holds two activities of
    one assignee on one record, a UniqueViolation)."""
    move(records)
    vals_list = activity_vals(records)
    Activity = records.env["mail.activity"]
    if len(records) == 1:
        Activity.create(vals_list)
        return
    Activity.create(vals_list[0::2])
    Activity.create(vals_list[1::2])


def schedule(records):
    """Odoo's way: the move, then ``activity_schedule`` twice a record."""
    move(records)
    today = env.cr.now().date()
    for lead in records:
        for activity_type, summary in ((CALL, "Call"), (TODO, "Prepare")):
            lead.activity_schedule(
                activity_type_id=activity_type.id,
                summary=summary,
                user_id=lead.user_id.id,
                date_deadline=today,
            )


def measured_(env, func):
    """Measured with the commit's tracking messages (see ``benchlib``)."""
    return measured(env, func, precommit=True)


def undone(func):
    """``func()``, its records undone after (the set-up is kept)."""
    env.flush_all()
    env.cr.execute("SAVEPOINT bench_round")
    try:
        return func()
    finally:
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_round")
        env.invalidate_all()


def batch_round(mode_env, owners, with_loop):
    result = {}
    guided = leads(mode_env, owners, N)
    result["guided"] = measured_(env, lambda: move(guided))
    assert (
        env["mail.activity"].search_count(
            [("res_model", "=", "crm.lead"), ("res_id", "in", guided.ids)]
        )
        == 2 * N
    ), "the guided move planned two activities per record"
    unguided = leads(mode_env, owners, N, guided=False)
    result["unguided"] = measured_(env, lambda: move(unguided))
    floored = leads(mode_env, owners, N, guided=False)
    result["floor"] = measured_(env, lambda: floor(floored))
    if with_loop:
        looped = leads(mode_env, owners, N, guided=False)
        result["loop"] = measured_(env, lambda: schedule(looped))
    return result


def single_moves(mode_env, owners):
    """Alternating single moves: guided, floor, Odoo's way, record by record."""
    guided = leads(mode_env, owners, SINGLE)
    floored = leads(mode_env, owners, SINGLE, guided=False)
    scheduled = leads(mode_env, owners, SINGLE, guided=False)
    samples = {"guided": [], "floor": [], "schedule": []}
    for i in range(SINGLE):
        samples["guided"].append(measured_(env, lambda i=i: move(guided[i])))
        samples["floor"].append(measured_(env, lambda i=i: floor(floored[i])))
        samples["schedule"].append(measured_(env, lambda i=i: schedule(scheduled[i])))
    return {
        key: (
            statistics.median(seconds for seconds, __ in values),
            statistics.median(queries for __, queries in values),
        )
        for key, values in samples.items()
    }


def report(name, mode_env, owners, with_loop):
    rounds = [
        undone(lambda: batch_round(mode_env, owners, with_loop))
        for _round in range(ROUNDS)
    ]
    best = {key: min(r[key] for r in rounds) for key in rounds[0]}
    single = undone(lambda: single_moves(mode_env, owners))
    print(f"-- {name}")
    for key, (seconds, queries) in best.items():
        print(f"{key:>10} move of {N}: {seconds * 1000:9.1f} ms {queries:6d} queries")
    for key, (seconds, queries) in single.items():
        print(f"{key:>10} single move: {seconds * 1000:7.2f} ms {queries:6.0f} queries")
    if with_loop:
        ratio = (best["guided"][0] - best["unguided"][0]) / best["loop"][0]
        print(f"ratio 1 (guided - unguided) / loop = {ratio:.3f} (target <= 0.2)")
    ratio = best["guided"][0] / best["floor"][0]
    print(f"ratio 2 batch guided / floor = {ratio:.3f} (target <= 1.5)")
    ratio = single["guided"][0] / single["floor"][0]
    print(
        f"ratio 3 single guided / floor = {ratio:.3f} (target <= 1.0), queries "
        f"{single['guided'][1]:.0f} vs {single['floor'][1]:.0f}"
    )
    ratio = single["guided"][0] / single["schedule"][0]
    print(
        f"ratio 4 single guided / move + 2 activity_schedule = {ratio:.3f} "
        f"(target <= 1.0), queries {single['guided'][1]:.0f} vs "
        f"{single['schedule'][1]:.0f}"
    )


print(
    f"records: {N}, rounds: {ROUNDS} (best of each), single moves: {SINGLE} "
    "alternating (median)"
)


for name, (mode_env, owners) in MODES.items():
    if mode_env.su and not SUPERUSER:
        continue
    report(name, mode_env, owners, with_loop=mode_env.su)
