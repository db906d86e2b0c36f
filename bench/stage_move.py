# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Benchmark: opportunities enter a stage with two automatic steps.

Run by hand inside ``odoo shell`` on a database where crm_workflow_guide is
installed (``python3 tools/dev.py bench`` does it for you)::

    odoo shell -d DB --addons-path=... < bench/stage_move.py

It prints absolute times and four ratios, all measured in the same run:

1. batch vs the plan wizard: (guided move - the same move of unguided
   records) / Odoo's ``activity_schedule`` of the same two activities, one
   record at a time (target <= 0.2);
2. batch vs the floor: guided move of N records / (unguided move + a
   batched ``mail.activity.create`` of the same 2N activities), assignees
   being five other salespeople (target <= 1.5);
3. the same with the salesman assigning to themselves (no notification on
   either side; target <= 1.5);
4. single move: one record entering the stage, repeated record by record /
   (plain move of one record + two ``activity_schedule`` on it) (target <=
   1.0).

Chatter tracking is disabled on every side. Nothing is committed.
"""

import time

from odoo.addons.crm_workflow_guide.bench.benchlib import timed

N = int(globals().get("BENCH_RECORDS", 1000))
ROUNDS = int(globals().get("BENCH_ROUNDS", 3))

env = env(context=dict(env.context, tracking_disable=True))  # noqa: F821 (odoo shell)


def setup(self_assigned=False):
    users = env["res.users"].create(
        [
            {"name": f"Bench rep {i}", "login": f"bench_rep_{i}_{time.time()}"}
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
                        "step_ids": [
                            (
                                0,
                                0,
                                {
                                    "name": "Call",
                                    "activity_type_id": call.id,
                                    "auto_schedule": True,
                                    "delay_count": 1,
                                    "summary": "Call",
                                },
                            ),
                            (
                                0,
                                0,
                                {
                                    "name": "Prepare",
                                    "activity_type_id": todo.id,
                                    "auto_schedule": True,
                                    "delay_count": 2,
                                    "summary": "Prepare",
                                },
                            ),
                        ],
                    },
                ),
            ],
        }
    )

    def leads():
        return env["crm.lead"].create(
            [
                {
                    "name": f"Bench {i}",
                    "type": "opportunity",
                    "team_id": team.id,
                    "user_id": env.uid if self_assigned else users[i % len(users)].id,
                    "stage_id": start.id,
                }
                for i in range(N)
            ]
        )

    return leads, target, call, todo


SINGLE = min(N, 200)


def activity_vals(leads, call, todo):
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
        for lead in leads
        for activity_type, summary in ((call, "Call"), (todo, "Prepare"))
    ]


def measure(self_assigned):
    make_leads, target, call, todo = setup(self_assigned)
    guided, unguided, floor, plain = (make_leads() for _i in range(4))
    (unguided | floor | plain).write({"guide_id": False})
    env.flush_all()
    times = {}
    times["unguided"] = timed(env, lambda: unguided.write({"stage_id": target.id}))
    times["guided"] = timed(env, lambda: guided.write({"stage_id": target.id}))
    times["floor_move"] = timed(env, lambda: floor.write({"stage_id": target.id}))
    # two batched creates (one per activity): core mail.activity.create
    # inserts the same follower twice when one create holds two activities of
    # one assignee on one record (a UniqueViolation)
    vals_list = activity_vals(floor, call, todo)
    times["floor_create"] = timed(
        env,
        lambda: (
            env["mail.activity"].create(vals_list[0::2]),
            env["mail.activity"].create(vals_list[1::2]),
        ),
    )

    def plain_schedule():
        today = env.cr.now().date()
        for lead in plain:
            for activity_type, summary in ((call, "Call"), (todo, "Prepare")):
                lead.activity_schedule(
                    activity_type_id=activity_type.id,
                    summary=summary,
                    user_id=lead.user_id.id,
                    date_deadline=today,
                )

    times["plain"] = timed(env, plain_schedule)
    assert (
        env["mail.activity"].search_count(
            [("res_model", "=", "crm.lead"), ("res_id", "in", guided.ids)]
        )
        == 2 * N
    ), "the guided move planned two activities per record"
    # single moves, record by record
    single_guided, single_plain = make_leads()[:SINGLE], make_leads()[:SINGLE]
    single_plain.write({"guide_id": False})
    env.flush_all()

    def guided_one_by_one():
        for lead in single_guided:
            lead.write({"stage_id": target.id})
            env.flush_all()

    def plain_one_by_one():
        today = env.cr.now().date()
        for lead in single_plain:
            lead.write({"stage_id": target.id})
            for activity_type, summary in ((call, "Call"), (todo, "Prepare")):
                lead.activity_schedule(
                    activity_type_id=activity_type.id,
                    summary=summary,
                    user_id=lead.user_id.id,
                    date_deadline=today,
                )
            env.flush_all()

    times["single_guided"] = timed(env, guided_one_by_one)
    times["single_plain"] = timed(env, plain_one_by_one)
    env.cr.rollback()
    env.invalidate_all()
    return times


results = {False: [], True: []}
for _round in range(ROUNDS):
    for self_assigned in (False, True):
        results[self_assigned].append(measure(self_assigned))


def best(self_assigned, key):
    return min(times[key] for times in results[self_assigned])


print(f"records: {N}, single moves: {SINGLE}, rounds: {ROUNDS} (best of each)")
for self_assigned in (False, True):
    who = "assigned to themselves" if self_assigned else "assigned to 5 other users"
    b = {key: best(self_assigned, key) for key in results[self_assigned][0]}
    floor = b["floor_move"] + b["floor_create"]
    print(f"-- {who}")
    print(f"guided move of {N}              : {b['guided']:.3f} s")
    print(f"unguided move                  : {b['unguided']:.3f} s")
    print(f"floor: move + batched create   : {floor:.3f} s")
    print(f"plain activity_schedule x2 loop: {b['plain']:.3f} s")
    print(f"single guided moves            : {b['single_guided']:.3f} s")
    print(f"single plain move + 2 schedules: {b['single_plain']:.3f} s")
    print(
        "ratio 1 (guided - unguided) / plain loop = "
        f"{(b['guided'] - b['unguided']) / b['plain']:.3f} (target <= 0.2)"
    )
    print(f"ratio 2/3 guided / floor = {b['guided'] / floor:.3f} (target <= 1.5)")
    print(
        "ratio 4 single guided / single plain = "
        f"{b['single_guided'] / b['single_plain']:.3f} (target <= 1.0)"
    )
