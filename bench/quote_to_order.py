# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Benchmark: confirming 200 quotations of 200 opportunities in one call.

Run by hand inside ``odoo shell`` (``python3 tools/dev.py bench
quote_to_order`` does it for you). It prints, measured in the same run:

1. guided vs plain: guided quotations (guide checked, order stage entered
   with its kick-off call planned, opportunity marked won with its open guide
   activities closed and a note) / plain Odoo confirming the same number of
   unguided quotations of unguided opportunities, with the addon's settings
   off (target <= 1.3);
2. guided vs the same work by hand: the guided confirmation / plain Odoo
   confirming, then ``action_set_won`` on the opportunities and one
   ``activity_schedule`` kick-off call per order.

No e-mail on any side (confirmation e-mail "never"); chatter tracking is
disabled on every side. Nothing is committed.
"""

import time

N = int(globals().get("BENCH_QUOTATIONS", 200))
ROUNDS = int(globals().get("BENCH_ROUNDS", 3))

env = env(context=dict(env.context, tracking_disable=True))  # noqa: F821 (odoo shell)
company = env.company
company.write(
    {
        "crm_guide_cancel_other_quotations": False,
        "crm_guide_confirmation_email": "never",
    }
)
stamp = time.time()
salesman = env["res.users"].create(
    {
        "name": "Bench quote rep",
        "login": f"bench_quote_{stamp}",
        "groups_id": [(6, 0, [env.ref("sales_team.group_sale_salesman").id])],
    }
)
team = env["crm.team"].create(
    {"name": "Bench quote team", "member_ids": [(6, 0, salesman.ids)]}
)
quote_stage = env["crm.stage"].create(
    {"name": "Bench quote", "team_id": team.id, "sequence": 950}
)
env["crm.stage"].create(
    {"name": "Bench won", "team_id": team.id, "sequence": 951, "is_won": True}
)
call = env.ref("mail.mail_activity_data_call")
todo = env.ref("mail.mail_activity_data_todo")
quotation_guide = env["crm.guide"].create(
    {
        "name": "Bench quotation guide",
        "res_model": "sale.order",
        "sequence": -1,
        "team_ids": [(6, 0, team.ids)],
        "guide_stage_ids": [
            (0, 0, {"sequence": 1, "name": "Draft", "order_state": "draft"}),
            (0, 0, {"sequence": 2, "name": "Verbal", "is_blocking": True,
                    "step_ids": [(0, 0, {"name": "Verbal yes", "is_required": True,
                                         "activity_type_id": todo.id})]}),
            (0, 0, {"sequence": 3, "name": "Order", "order_state": "sale",
                    "step_ids": [(0, 0, {"name": "Kick-off", "auto_schedule": True,
                                         "activity_type_id": call.id,
                                         "delay_count": 7})]}),
        ],
    }
)  # fmt: skip
verbal = quotation_guide.guide_stage_ids[1]
lead_guide = env["crm.guide"].create(
    {
        "name": "Bench opportunity guide",
        "sequence": -1,
        "team_ids": [(6, 0, team.ids)],
        "quotation_guide_id": quotation_guide.id,
        "guide_stage_ids": [
            (0, 0, {"stage_id": quote_stage.id,
                    "step_ids": [(0, 0, {"name": "Call back", "auto_schedule": True,
                                         "activity_type_id": call.id})]}),
        ],
    }
)  # fmt: skip
partner = env["res.partner"].create({"name": "Bench customer"})
product = env["product.product"].create({"name": "Bench product", "list_price": 10})


def quotations(guided):
    leads = env["crm.lead"].create(
        [
            {
                "name": f"Bench deal {i}",
                "type": "opportunity",
                "partner_id": partner.id,
                "team_id": team.id,
                "user_id": salesman.id,
                "stage_id": quote_stage.id,
                "guide_id": lead_guide.id if guided else False,
            }
            for i in range(N)
        ]
    )
    orders = env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "opportunity_id": lead.id,
                "team_id": team.id,
                "user_id": salesman.id,
                "guide_id": quotation_guide.id if guided else False,
                "order_line": [(0, 0, {"product_id": product.id})],
            }
            for lead in leads
        ]
    )
    if guided:
        orders.write({"guide_stage_id": verbal.id})
        rows = env["crm.guide.record.step"].search(
            [("res_model", "=", "sale.order"), ("res_id", "in", orders.ids)]
        )
        rows._set_state("done")
    env.flush_all()
    return orders.with_user(salesman)


def timed(func):
    env.flush_all()
    env.invalidate_all()
    start = time.perf_counter()
    func()
    env.flush_all()
    return time.perf_counter() - start


def by_hand(orders):
    orders.action_confirm()
    orders.opportunity_id.action_set_won()
    for order in orders:
        order.activity_schedule(act_type_xmlid="mail.mail_activity_data_call")


best = {"guided": [], "plain": [], "by_hand": []}
for _round in range(ROUNDS):
    company.crm_guide_won_on_confirm = False
    plain = quotations(False)
    best["plain"].append(timed(plain.action_confirm))
    hand = quotations(False)
    best["by_hand"].append(timed(lambda hand=hand: by_hand(hand)))
    company.crm_guide_won_on_confirm = True
    guided = quotations(True)
    best["guided"].append(timed(guided.action_confirm))
    assert set(guided.mapped("state")) == {"sale"}
    assert all(guided.opportunity_id.stage_id.mapped("is_won"))
    assert len(guided.activity_ids) == N, "one kick-off call per order"

g, p, h = (min(best[k]) for k in ("guided", "plain", "by_hand"))
print(f"quotations confirmed in one call: {N}, best of {ROUNDS} rounds")
print(f"guided confirmation:            {g:.3f} s")
print(f"plain Odoo confirmation:        {p:.3f} s")
print(f"plain Odoo, same work by hand:  {h:.3f} s")
print(f"RATIO guided vs plain confirmation: {g / p:.3f} (target <= 1.3)")
print(f"RATIO guided vs the same work by hand: {g / h:.3f}")
env.cr.rollback()
