# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Benchmark: what the quote rules cost when quotations are confirmed.

Run by hand inside ``odoo shell`` (``python3 tools/dev.py bench
quote_rules`` does it for you). Confirming 200 approved quotations of 200
opportunities in one call, as a salesman of the team with tracking on,
against confirming the same quotations (25 % discount) when their guide has
no rule (target <= 1.1), both measured in the same run, alternating, best of
the rounds; the queries of each side are printed too. Nothing is committed.
"""

import os
import sys
import time

from odoo.modules.module import get_module_path

# the scripts' shared helpers (bench/benchlib.py), beside this script
sys.path.insert(0, os.path.join(get_module_path("crm_workflow_guide"), "bench"))
from benchlib import measured  # noqa: E402

N = int(globals().get("BENCH_QUOTATIONS", 200))
ROUNDS = int(globals().get("BENCH_ROUNDS", 3))

env = env(context=dict(env.context, tracking_disable=False))  # noqa: F821 (odoo shell)
company = env.company
company.write(
    {
        "crm_guide_cancel_other_quotations": False,
        "crm_guide_confirmation_email": "never",
        "crm_guide_won_on_confirm": True,
    }
)
stamp = time.time()
salesman, leader = env["res.users"].create(
    [
        {
            "name": "Bench rules rep",
            "login": f"bench_rules_{stamp}",
            "groups_id": [(6, 0, [env.ref("sales_team.group_sale_salesman").id])],
        },
        {
            "name": "Bench rules leader",
            "login": f"bench_rules_leader_{stamp}",
            "groups_id": [
                (6, 0, [env.ref("sales_team.group_sale_salesman_all_leads").id])
            ],
        },
    ]
)
team = env["crm.team"].create(
    {
        "name": "Bench rules team",
        "user_id": leader.id,
        "member_ids": [(6, 0, salesman.ids)],
    }
)
quote_stage = env["crm.stage"].create(
    {"name": "Bench rules quote", "team_id": team.id, "sequence": 960}
)
env["crm.stage"].create(
    {"name": "Bench rules won", "team_id": team.id, "sequence": 961, "is_won": True}
)
call = env.ref("mail.mail_activity_data_call")


def guide(name, rule):
    quotation_guide = env["crm.guide"].create(
        {
            "name": f"Bench {name} quotation guide",
            "res_model": "sale.order",
            "sequence": -1,
            "team_ids": [(6, 0, team.ids)],
            "approval_max_discount": 20.0 if rule else 0.0,
            "approval_user_rule": "team_leader",
            "guide_stage_ids": [
                (0, 0, {"sequence": 1, "name": "Draft", "order_state": "draft"}),
                (0, 0, {"sequence": 3, "name": "Order", "order_state": "sale",
                        "step_ids": [(0, 0, {"name": "Kick-off", "auto_schedule": True,
                                             "activity_type_id": call.id,
                                             "delay_count": 7})]}),
            ],
        }
    )  # fmt: skip
    lead_guide = env["crm.guide"].create(
        {
            "name": f"Bench {name} opportunity guide",
            "sequence": -1,
            "team_ids": [(6, 0, team.ids)],
            "quotation_guide_id": quotation_guide.id,
            "guide_stage_ids": [(0, 0, {"stage_id": quote_stage.id})],
        }
    )
    return quotation_guide, lead_guide


ruled = guide("ruled", True)
free = guide("free", False)
partner = env["res.partner"].create({"name": "Bench rules customer"})
product = env["product.product"].create(
    {"name": "Bench rules product", "list_price": 100, "standard_price": 10}
)


def quotations(guides):
    quotation_guide, lead_guide = guides
    leads = env["crm.lead"].create(
        [
            {
                "name": f"Bench rules deal {i}",
                "type": "opportunity",
                "partner_id": partner.id,
                "team_id": team.id,
                "user_id": salesman.id,
                "stage_id": quote_stage.id,
                "guide_id": lead_guide.id,
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
                "guide_id": quotation_guide.id,
                "order_line": [(0, 0, {"product_id": product.id, "discount": 25.0})],
            }
            for lead in leads
        ]
    )
    if quotation_guide.approval_max_discount:
        assert set(orders.mapped("guide_approval_state")) == {"to_approve"}
        orders.with_user(leader)._guide_decide("approved")
        assert set(orders.mapped("guide_approval_state")) == {"approved"}
    orders.message_subscribe(partner_ids=partner.ids)
    env.flush_all()
    return orders.with_user(salesman)


results = {"ruled": [], "free": []}
for _round in range(ROUNDS):
    for name, guides in (("free", free), ("ruled", ruled)):
        orders = quotations(guides)
        results[name].append(measured(env, orders.action_confirm, precommit=True))
        assert set(orders.mapped("state")) == {"sale"}

(rt, rq), (ft, fq) = min(results["ruled"]), min(results["free"])
print(f"quotations confirmed in one call: {N}, as a salesman, tracking on")
print(f"approved quotations, guide with a rule: {rt:.3f} s, {rq} queries")
print(f"same quotations, guide with no rule:    {ft:.3f} s, {fq} queries")
print(f"RATIO rule vs no rule: {rt / ft:.3f} (target <= 1.1)")
env.cr.rollback()
