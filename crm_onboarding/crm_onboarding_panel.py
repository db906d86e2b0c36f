# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The CRM administrator's onboarding panel, on Odoo's ``onboarding``
framework: the panel and its steps are ``onboarding.onboarding`` /
``onboarding.onboarding.step`` records (with their per-company progress),
each step opens its screen through a method of the step model (the
framework's ``panel_step_open_action_name``). What the framework does not
know is when a step is done: here every step is checked against live data
each time the panel is shown, and its progress follows (done, or back to do
when the data went away)."""

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools import format_list

ONBOARDING = "crm_workflow_guide.crm_onboarding"
ADMIN_GROUP = "crm_workflow_guide.crm_workflow_guide_group_admin"


def _window(env, name, res_model, views=("list", "form"), **extra):
    action = {
        "type": "ir.actions.act_window",
        "name": name,
        "res_model": res_model,
        "view_mode": ",".join(views),
        "views": [(False, view) for view in views],
        "target": "current",
    }
    action.update(extra)
    return action


class OnboardingStep(models.Model):
    _inherit = "onboarding.onboarding.step"

    # ------------------------------------------------------------------
    # Live checks: ``{step xmlid name: method}``, each returning (done, detail)
    # ------------------------------------------------------------------

    def _crm_check_categories(self, company):
        Partner = self.env["res.partner"]
        count = Partner.search_count(
            [("is_company", "=", True), ("category_id", "!=", False),
             ("company_id", "in", [False, company.id])]
        )  # fmt: skip
        return count > 0, self.env._(
            "Companies with a category: %(count)s.", count=count
        )

    def _crm_check_industries(self, company):
        count = self.env["res.partner"].search_count(
            [("is_company", "=", True), ("industry_id", "!=", False),
             ("company_id", "in", [False, company.id])]
        )  # fmt: skip
        return count > 0, self.env._(
            "Companies with an industry: %(count)s.", count=count
        )

    def _crm_check_interests(self, company):
        count = self.env["crm.interest"].search_count([])
        return count > 0, self.env._("Interests: %(count)s.", count=count)

    def _crm_check_subscription_types(self, company):
        count = self.env["crm.subscription.type"].search_count([])
        return count > 0, self.env._("Subscription types: %(count)s.", count=count)

    def _crm_check_users(self, company):
        users = self.env["res.users"].search(
            [("share", "=", False), ("company_ids", "in", company.id),
             ("groups_id", "in", self.env.ref("sales_team.group_sale_salesman").id)]
        )  # fmt: skip
        count = len(users - self.env.ref("base.user_admin") - self.env.ref(
            "base.user_root"
        ))  # fmt: skip
        return count > 0, self.env._(
            "Users with sales rights besides the administrator: %(count)s.",
            count=count,
        )

    def _crm_teams_without_guide(self, company):
        teams = self.env["crm.team"].search(
            [
                ("company_id", "in", [False, company.id]),
                ("use_opportunities", "=", True),
            ]
        )
        guides = self.env["crm.guide"].search(
            [("res_model", "=", "crm.lead"), ("company_id", "in", [False, company.id])]
        )
        if guides.filtered(lambda g: not g.team_ids):
            return teams.browse()
        return teams - guides.team_ids

    def _crm_check_guides(self, company):
        missing = self._crm_teams_without_guide(company)
        return not missing, (
            self.env._(
                "Teams without a guide: %(teams)s.",
                teams=format_list(self.env, missing.mapped("name")),
            )
            if missing
            else self.env._("Every sales team has a guide.")
        )

    def _crm_check_ambassador(self, company):
        ambassador = company.crm_ambassador_id
        return bool(ambassador), (
            self.env._("%(name)s is the CRM ambassador.", name=ambassador.name)
            if ambassador
            else self.env._("No CRM ambassador yet.")
        )

    def _crm_check_routine_guide(self, company):
        guide = self.env["crm.routine.guide"].search(
            [("company_id", "=", company.id)], limit=1
        )
        return bool(guide), (
            self.env._(
                "Updated by %(user)s on %(date)s.",
                user=guide.write_uid.name,
                date=guide.write_date.date(),
            )
            if guide
            else self.env._("Not written yet.")
        )

    def _crm_check_questionnaire(self, company):
        questionnaire = self.env["crm.config.questionnaire"].search(
            [("company_id", "=", company.id)], limit=1
        )
        return questionnaire.is_answered, (
            self.env._("Every question is answered.")
            if questionnaire.is_answered
            else self.env._("Some questions have no answer yet.")
        )

    def _crm_check_templates(self, company):
        steps = self.env["crm.guide.step"].search(
            [("kind", "=", "document"), ("guide_id.active", "=", True),
             ("guide_id.company_id", "in", [False, company.id])]
        )  # fmt: skip
        missing = steps.filtered(lambda step: not step.mail_template_id)
        return bool(steps) and not missing, (
            self.env._(
                "Document steps without a template: %(steps)s.",
                steps=format_list(self.env, missing.mapped("name")),
            )
            if missing
            else self.env._("Document steps with their template: %(count)s.",
                            count=len(steps))
        )  # fmt: skip

    def _crm_count_imported(self, model, domain):
        return self.env[model].search_count(domain)

    def _crm_check_import_companies(self, company):
        count = self._crm_count_imported(
            "res.partner",
            [("is_company", "=", True), ("id", "not in",
                                         self.env["res.company"].search([]).partner_id.ids)],
        )  # fmt: skip
        return count > 0, self.env._("Companies: %(count)s.", count=count)

    def _crm_check_import_persons(self, company):
        count = self._crm_count_imported(
            "res.partner", [("is_company", "=", False), ("user_ids", "=", False)]
        )
        return count > 0, self.env._("Persons: %(count)s.", count=count)

    def _crm_check_import_products(self, company):
        count = self._crm_count_imported("product.template", [("sale_ok", "=", True)])
        return count > 0, self.env._("Products for sale: %(count)s.", count=count)

    _CRM_CHECKS = {
        "crm_onboarding_step_categories": "_crm_check_categories",
        "crm_onboarding_step_industries": "_crm_check_industries",
        "crm_onboarding_step_interests": "_crm_check_interests",
        "crm_onboarding_step_subscription_types": "_crm_check_subscription_types",
        "crm_onboarding_step_users": "_crm_check_users",
        "crm_onboarding_step_guides": "_crm_check_guides",
        "crm_onboarding_step_ambassador": "_crm_check_ambassador",
        "crm_onboarding_step_routine_guide": "_crm_check_routine_guide",
        "crm_onboarding_step_questionnaire": "_crm_check_questionnaire",
        "crm_onboarding_step_templates": "_crm_check_templates",
        "crm_onboarding_step_import_companies": "_crm_check_import_companies",
        "crm_onboarding_step_import_persons": "_crm_check_import_persons",
        "crm_onboarding_step_import_products": "_crm_check_import_products",
    }

    # ------------------------------------------------------------------
    # Opening actions (the framework's ``panel_step_open_action_name``)
    # ------------------------------------------------------------------

    @api.model
    def _crm_check_admin(self):
        if not self.env.user.has_group(ADMIN_GROUP):
            raise AccessError(self.env._("Only CRM administrators set up the CRM."))

    @api.model
    def action_crm_open_categories(self):
        self._crm_check_admin()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "base.action_partner_category_form"
        )

    @api.model
    def action_crm_open_industries(self):
        self._crm_check_admin()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "base.res_partner_industry_action"
        )

    @api.model
    def action_crm_open_interests(self):
        self._crm_check_admin()
        return _window(self.env, self.env._("Interests"), "crm.interest")

    @api.model
    def action_crm_open_subscription_types(self):
        self._crm_check_admin()
        return _window(
            self.env, self.env._("Subscription Types"), "crm.subscription.type"
        )

    @api.model
    def action_crm_open_users(self):
        self._crm_check_admin()
        return self.env["ir.actions.act_window"]._for_xml_id("base.action_res_users")

    @api.model
    def action_crm_open_guides(self):
        self._crm_check_admin()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "crm_workflow_guide.crm_guide_action"
        )

    @api.model
    def action_crm_open_ambassador(self):
        self._crm_check_admin()
        return _window(
            self.env,
            self.env._("Company"),
            "res.company",
            views=("form",),
            res_id=self.env.company.id,
        )

    @api.model
    def action_crm_open_routine_guide(self):
        self._crm_check_admin()
        return self.env["crm.routine.guide"].action_open_company_guide()

    @api.model
    def action_crm_open_questionnaire(self):
        self._crm_check_admin()
        Questionnaire = self.env["crm.config.questionnaire"]
        questionnaire = Questionnaire.search(
            [("company_id", "=", self.env.company.id)], limit=1
        ) or Questionnaire.create({"company_id": self.env.company.id})
        return _window(
            self.env,
            self.env._("Configuration Questionnaire"),
            "crm.config.questionnaire",
            views=("form",),
            res_id=questionnaire.id,
        )

    @api.model
    def action_crm_open_templates(self):
        self._crm_check_admin()
        return _window(
            self.env,
            self.env._("Document Steps"),
            "crm.guide.step",
            domain=[("kind", "=", "document")],
        )

    @api.model
    def _crm_import(self, model, name):
        self._crm_check_admin()
        return {
            "type": "ir.actions.client",
            "tag": "import",
            "name": name,
            "params": {"model": model, "context": self.env.context},
        }

    @api.model
    def action_crm_open_import_companies(self):
        return self._crm_import("res.partner", self.env._("Import Companies"))

    @api.model
    def action_crm_open_import_persons(self):
        return self._crm_import("res.partner", self.env._("Import Persons"))

    @api.model
    def action_crm_open_import_products(self):
        return self._crm_import("product.template", self.env._("Import Products"))


class OnboardingOnboarding(models.Model):
    _inherit = "onboarding.onboarding"

    @api.model
    def crm_onboarding_panel_data(self):
        """The panel for the current company: each step with its live state
        (``done``), a sentence on what was found, and the method opening its
        screen. The framework's progress follows the live state."""
        self.env["onboarding.onboarding.step"]._crm_check_admin()
        onboarding = self.env.ref(ONBOARDING).sudo()
        company = self.env.company
        progress = onboarding.with_company(company)._search_or_create_progress()
        Step = self.env["onboarding.onboarding.step"]
        StepSudo = Step.sudo()
        xmlids = {
            data.res_id: data.name
            for data in self.env["ir.model.data"].sudo().search(
                [("model", "=", "onboarding.onboarding.step"),
                 ("res_id", "in", onboarding.step_ids.ids)]
            )
        }  # fmt: skip
        steps, done_steps, open_steps = [], StepSudo.browse(), StepSudo.browse()
        for step in onboarding.step_ids:
            check = Step._CRM_CHECKS.get(xmlids.get(step.id))
            done, detail = getattr(Step, check)(company) if check else (False, "")
            if done:
                done_steps |= step
            else:
                open_steps |= step
            steps.append(
                {
                    "id": step.id,
                    "title": step.with_env(self.env).title,
                    "description": step.with_env(self.env).description,
                    "button": step.with_env(self.env).button_text,
                    "action": step.panel_step_open_action_name,
                    "done": done,
                    "detail": detail,
                }
            )
        # the framework's progress records follow the live data
        done_steps.filtered(
            lambda s: not s.current_progress_step_id
        )._create_progress_steps()
        progress_steps = onboarding.step_ids.with_company(company).mapped(
            "current_progress_step_id"
        )
        progress_steps.filtered(
            lambda p: p.step_id in done_steps and p.step_state == "not_done"
        ).write({"step_state": "done"})
        progress_steps.filtered(
            lambda p: p.step_id in open_steps and p.step_state != "not_done"
        ).write({"step_state": "not_done"})
        return {
            "name": onboarding.with_env(self.env).name,
            "company": company.name,
            "steps": steps,
            "done": len(done_steps),
            "total": len(steps),
            "state": progress.onboarding_state,
        }
