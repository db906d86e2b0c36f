# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).


def uninstall_hook(env):
    """Let the addon go even when its activity types and demo stages are in use.

    Activities of the addon's types keep existing as To-Dos (Odoo refuses to
    delete a type in use), and records on the addon's demo stages move to the
    first stage of the pipeline that stays. The activity plans of the guide
    stages go with the guides (they hold nothing but the guides' steps).
    """
    # record steps, steps (with their plan templates), stages (with their plans)
    forced = env(su=True, context={"_force_unlink": True, "active_test": False})
    forced["crm.guide.record.step"].search([]).unlink()
    forced["crm.guide"].search([]).unlink()
    data = env["ir.model.data"].sudo()
    own = data.search([("module", "=", "crm_workflow_guide")])
    type_ids = own.filtered(lambda d: d.model == "mail.activity.type").mapped("res_id")
    if type_ids:
        todo = env.ref("mail.mail_activity_data_todo")
        env["mail.activity"].sudo().with_context(active_test=False).search(
            [("activity_type_id", "in", type_ids)]
        ).write({"activity_type_id": todo.id})
    stage_ids = own.filtered(lambda d: d.model == "crm.stage").mapped("res_id")
    if stage_ids:
        fallback = env["crm.stage"].search(
            [
                ("id", "not in", stage_ids),
                ("team_id", "=", False),
                ("is_won", "=", False),
            ],
            limit=1,
        )
        leads = (
            env["crm.lead"]
            .sudo()
            .with_context(active_test=False)
            .search([("stage_id", "in", stage_ids)])
        )
        if fallback and leads:
            # a plain move: the guide engine is going away with this module
            leads.with_context(
                tracking_disable=True, crm_workflow_guide_disable=True
            ).write({"stage_id": fallback.id})
    # sale_crm's "My Quotations" opens sale's quotations again
    menu = env.ref("sale_crm.sale_order_menu_quotations_crm", raise_if_not_found=False)
    quotations = env.ref("sale.action_quotations", raise_if_not_found=False)
    if menu and quotations:
        menu.sudo().action = quotations
    # Odoo drops views and tables of removed models, not materialized views
    env.cr.execute("DROP MATERIALIZED VIEW IF EXISTS crm_adoption_report CASCADE")
