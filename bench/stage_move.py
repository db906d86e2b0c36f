# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Benchmark: 1,000 opportunities enter a stage with two automatic steps.

Run by hand inside ``odoo shell`` on a database where crm_workflow_guide is
installed (``python3 tools/dev.py bench`` does it for you)::

    odoo shell -d DB --addons-path=... < bench/stage_move.py

It prints absolute times and

    ratio = (guided move - the same move of unguided records)
            / (plain Odoo: activity_schedule of the same two activities,
               one record at a time, as Odoo's plan wizard does)

Chatter tracking is disabled on every side. Nothing is committed.
"""

import time

N = int(globals().get("BENCH_RECORDS", 1000))
ROUNDS = int(globals().get("BENCH_ROUNDS", 3))

env = env(context=dict(env.context, tracking_disable=True))  # noqa: F821 (odoo shell)


def timed(func):
    env.flush_all()
    env.invalidate_all()
    start = time.perf_counter()
    func()
    env.flush_all()
    return time.perf_counter() - start


def setup():
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
                    "user_id": users[i % len(users)].id,
                    "stage_id": start.id,
                }
                for i in range(N)
            ]
        )

    return leads, target, call, todo


results = {"guided": [], "unguided": [], "plain": []}
for _round in range(ROUNDS):
    make_leads, target, call, todo = setup()
    guided, unguided, plain = make_leads(), make_leads(), make_leads()
    unguided.write({"guide_id": False})
    plain.write({"guide_id": False})
    env.flush_all()

    def plain_schedule(plain=plain, call=call, todo=todo):
        today = env.cr.now().date()
        for lead in plain:
            lead.activity_schedule(
                activity_type_id=call.id,
                summary="Call",
                user_id=lead.user_id.id,
                date_deadline=today,
            )
            lead.activity_schedule(
                activity_type_id=todo.id,
                summary="Prepare",
                user_id=lead.user_id.id,
                date_deadline=today,
            )

    results["unguided"].append(
        timed(lambda u=unguided, t=target: u.write({"stage_id": t.id}))
    )
    results["guided"].append(
        timed(lambda g=guided, t=target: g.write({"stage_id": t.id}))
    )
    results["plain"].append(timed(plain_schedule))
    assert (
        env["mail.activity"].search_count(
            [("res_model", "=", "crm.lead"), ("res_id", "in", guided.ids)]
        )
        == 2 * N
    ), "the guided move planned two activities per record"
    env.cr.rollback()
    env.invalidate_all()

best = {key: min(values) for key, values in results.items()}
ratio = (best["guided"] - best["unguided"]) / best["plain"]
print(f"records: {N}, rounds: {ROUNDS} (best of each)")
print(f"guided stage move          : {best['guided']:.3f} s")
print(f"unguided stage move        : {best['unguided']:.3f} s")
print(f"plain activity_schedule x2 : {best['plain']:.3f} s")
print(f"ratio (guided - unguided) / plain = {ratio:.3f} (target <= 0.2)")
