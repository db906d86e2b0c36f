# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Benchmark: confirming 200 quotations of 200 opportunities in one call.

Run by hand inside ``odoo shell`` (``python3 tools/dev.py bench
quote_to_order`` does it for you). Two cases, each measured in the same run:

- *not sent*: the customers do not follow their quotations yet (accepted by
  phone, never e-mailed): Odoo's confirmation subscribes them one order at a
  time, the addon once per customer for the batch;
- *sent*: the quotations were e-mailed, the customers follow them already:
  Odoo's confirmation has no follower to add, so the addon's work shows whole.

For each case it prints:

1. guided vs plain Odoo (target <= 1.3): guided quotations (guide checked,
   order stage entered with its kick-off call planned, opportunity marked won
   with its open guide activities closed and a note) / Odoo's own
   ``action_confirm`` (the addon's override skipped) on the same number of
   unguided quotations of unguided opportunities;
2. unguided quotations confirmed with the addon installed / plain Odoo
   (what the addon costs or saves where no guide applies);
3. guided vs the same work by hand: plain Odoo confirming, then
   ``action_set_won`` on the opportunities and one ``activity_schedule``
   kick-off call per order;
4. guided vs the floor: plain Odoo confirming, then the addon's rows written
   the cheapest way the ORM has: one won ``write``, one ``mail.activity``
   ``create`` of the kick-off calls, one ``unlink`` of the closed activities,
   one ``_message_log_batch`` of the notes.

No e-mail on any side (confirmation e-mail "never"); chatter tracking is
disabled on every side. Nothing is committed.
"""

import os
import sys
import time

from odoo import fields
from odoo.modules.module import get_module_path

from odoo.addons.crm_workflow_guide.crm_guides.sales.sale_order_confirmation import (
    SaleOrder as GuideSaleOrder,
)

# the scripts' shared helpers (bench/benchlib.py), beside this script
sys.path.insert(0, os.path.join(get_module_path("crm_workflow_guide"), "bench"))
from benchlib import timed  # noqa: E402

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
won_stage = env["crm.stage"].create(
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


def quotations(guided, sent, call_back=False):
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
    if call_back:
        # the open activity a guided opportunity has (its "Call back" step)
        env["mail.activity"].create(
            [
                {
                    "res_model_id": env["ir.model"]._get_id("crm.lead"),
                    "res_id": lead.id,
                    "activity_type_id": call.id,
                    "user_id": salesman.id,
                }
                for lead in leads
            ]
        )
    if sent:
        # e-mailed: the customer follows the quotation (its state stays
        # draft: the guide stages are the same on every side)
        orders.message_subscribe(partner_ids=partner.ids)
    env.flush_all()
    return orders.with_user(salesman)


def odoo_confirm(orders):
    """Odoo's own confirmation (sale, sale_crm): the addon's override of
    ``action_confirm`` skipped."""
    return super(GuideSaleOrder, orders).action_confirm()


def by_hand(orders):
    odoo_confirm(orders)
    orders.opportunity_id.action_set_won()
    for order in orders:
        order.activity_schedule(act_type_xmlid="mail.mail_activity_data_call")


def floor(orders):
    odoo_confirm(orders)
    leads = orders.opportunity_id
    leads.write({"stage_id": won_stage.id, "probability": 100})
    env["mail.activity"].with_user(salesman).with_context(
        mail_activity_quick_update=True
    ).create(
        [
            {
                "res_model_id": order_model,
                "res_id": order.id,
                "activity_type_id": call.id,
                "summary": "Kick-off",
                "user_id": salesman.id,
                "date_deadline": deadline,
            }
            for order in orders
        ]
    )
    leads.activity_ids.sudo().unlink()
    leads._message_log_batch(
        {lead.id: "<p>Won: the order was confirmed.</p><p>Closed: Call back.</p>"
         for lead in leads}
    )  # fmt: skip


order_model = env["ir.model"]._get_id("sale.order")
deadline = fields.Date.add(fields.Date.context_today(salesman), days=7)
results = {}
for sent in (False, True):
    best = results[sent] = {
        k: [] for k in ("guided", "plain", "addon", "hand", "floor")
    }
    for _round in range(ROUNDS):
        company.crm_guide_won_on_confirm = False
        orders = quotations(False, sent)
        best["plain"].append(timed(env, lambda o=orders: odoo_confirm(o)))
        orders = quotations(False, sent)
        best["addon"].append(timed(env, orders.action_confirm))
        orders = quotations(False, sent)
        best["hand"].append(timed(env, lambda o=orders: by_hand(o)))
        orders = quotations(False, sent, call_back=True)
        best["floor"].append(timed(env, lambda o=orders: floor(o)))
        company.crm_guide_won_on_confirm = True
        guided = quotations(True, sent)
        best["guided"].append(timed(env, guided.action_confirm))
        assert set(guided.mapped("state")) == {"sale"}
        assert all(guided.opportunity_id.stage_id.mapped("is_won"))
        assert len(guided.activity_ids) == N, "one kick-off call per order"
        assert not guided.opportunity_id.activity_ids, "guide activities closed"
        assert all(o.partner_id in o.message_partner_ids for o in guided)

print(f"quotations confirmed in one call: {N}, best of {ROUNDS} rounds")
for sent, best in results.items():
    g, p, a, h, f = (
        min(best[k]) for k in ("guided", "plain", "addon", "hand", "floor")
    )
    print(f"-- quotations {'sent (customers follow them)' if sent else 'not sent'}")
    print(f"guided confirmation:               {g:.3f} s")
    print(f"plain Odoo confirmation:           {p:.3f} s")
    print(f"unguided, with the addon:          {a:.3f} s")
    print(f"plain Odoo, same work by hand:     {h:.3f} s")
    print(f"plain Odoo + the floor of the work: {f:.3f} s")
    print(f"RATIO guided vs plain confirmation: {g / p:.3f} (target <= 1.3)")
    print(f"RATIO unguided with the addon vs plain: {a / p:.3f}")
    print(f"RATIO guided vs the same work by hand: {g / h:.3f}")
    print(f"RATIO guided vs the floor: {g / f:.3f}")
env.cr.rollback()
