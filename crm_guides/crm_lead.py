# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The CRM's glue: opportunities follow guides over their pipeline stages.

Everything crm-specific lives here; the engine (``crm.guide.mixin``) and the
designer models name no CRM model.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmLead(models.Model):
    # the mixin comes first so that a refused move is refused before crm's own
    # write updates anything (won/lost frequencies, probabilities)
    _name = "crm.lead"
    _inherit = ["crm.guide.mixin", "crm.lead"]
    _guide_stage_field = "stage_id"
    _guide_team_field = "team_id"
    _guide_user_field = "user_id"
    _guide_company_field = "company_id"
    _guide_closing_date_field = "date_deadline"

    def _guide_is_exempt_move(self, target):
        # marking won is never refused (lost archives, it does not move)
        return bool(target.is_won)

    @api.model
    def _guide_user_is_manager(self):
        return super()._guide_user_is_manager() or self.env.user.has_group(
            "sales_team.group_sale_manager"
        )

    def _guide_finish(self):
        # after the guide's last stage comes Won (with crm's rainbow man)
        if len(self) == 1:
            return self.action_set_won_rainbowman()
        self.action_set_won()
        return True

    def _guide_finish_label(self):
        return self.env._("mark it as won")

    def _guide_is_closed(self):
        self.ensure_one()
        return not self.active or self.stage_id.is_won

    @api.model
    def _guide_open_domain(self):
        return [("active", "=", True), ("stage_id.is_won", "=", False)]


class CrmGuideStage(models.Model):
    """A guide stage of an opportunity guide is a pipeline stage."""

    _inherit = "crm.guide.stage"

    stage_id = fields.Many2one(
        "crm.stage",
        string="Pipeline Stage",
        ondelete="restrict",
        index="btree_not_null",
        help="Shared stages or stages of one of the guide's teams.",
    )

    @api.depends("status_value", "stage_id")
    def _compute_name(self):
        return super()._compute_name()

    @api.constrains("guide_id", "status_value", "stage_id")
    def _check_status(self):
        result = super()._check_status()
        for guide_stage in self.filtered("stage_id"):
            guide = guide_stage.guide_id
            team = guide_stage.stage_id.team_id
            if team and team not in guide.team_ids:
                raise ValidationError(
                    self.env._(
                        "The stage %(stage)s belongs to the sales team %(team)s, "
                        "which the guide %(guide)s does not serve. Use a shared "
                        "stage or add the team to the guide.",
                        stage=guide_stage.stage_id.display_name,
                        team=team.display_name,
                        guide=guide.display_name,
                    )
                )
        return result


# The model is extended by concern, in several files of this addon.
# pylint: disable=consider-merging-classes-inherited
class CrmGuide(models.Model):
    _inherit = "crm.guide"

    @api.constrains("team_ids")
    def _check_team_ids(self):
        # a stage of a team must belong to a served team
        self.guide_stage_ids._check_status()

    @api.model
    def action_open_for_stage(self, stage_id):
        """'Edit guide for this stage' from the pipeline's column menu: the
        guide using the stage, the guides using it, or a new guide."""
        stage = self.env["crm.stage"].browse(
            self.env["crm.lead"]._guide_normalize_id(
                stage_id, "crm.stage", self.env._("stage")
            )
        )
        guides = (
            self.env["crm.guide.stage"].search([("stage_id", "=", stage.id)]).guide_id
        )
        action = {
            "type": "ir.actions.act_window",
            "res_model": "crm.guide",
            "name": self.env._("Workflow Guides"),
            "context": {"default_guide_stage_ids": [(0, 0, {"stage_id": stage.id})]},
        }
        if len(guides) == 1:
            action.update(res_id=guides.id, view_mode="form", views=[(False, "form")])
        elif guides:
            action.update(
                domain=[("id", "in", guides.ids)],
                view_mode="list,form",
                views=[(False, "list"), (False, "form")],
            )
        else:
            action.update(view_mode="form", views=[(False, "form")])
        return action

    def _guide_records_action(self):
        if self.res_model != "crm.lead":
            return super()._guide_records_action()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "crm.crm_lead_action_pipeline"
        )


class CrmLeadStakeholders(models.Model):
    """Opportunities list the people involved on the customer's side."""

    _inherit = "crm.lead"

    stakeholder_ids = fields.One2many(
        "crm.lead.stakeholder", "lead_id", string="Stakeholders", copy=True
    )
    guide_use_stakeholders = fields.Boolean(
        "Guide Uses Stakeholders", related="guide_id.use_stakeholders"
    )

    def _merge_dependences(self, opportunities):
        """Merged opportunities give their stakeholders to the kept one, once
        per contact (the kept opportunity's own entry wins)."""
        result = super()._merge_dependences(opportunities)
        others = opportunities.sudo().stakeholder_ids
        known = set(self.sudo().stakeholder_ids.partner_id.ids)
        moving = others.browse()
        for stakeholder in others.sorted(lambda s: (s.lead_id.id, s.sequence, s.id)):
            if stakeholder.partner_id.id not in known:
                known.add(stakeholder.partner_id.id)
                moving |= stakeholder
        # as the system: the merge was allowed on the opportunities
        (others - moving).unlink()
        moving.write({"lead_id": self.id})
        return result


class CrmGuideStakeholders(models.Model):
    _inherit = "crm.guide"

    use_stakeholders = fields.Boolean(
        "Stakeholders",
        help="The opportunities following this guide list the people involved "
        "on the customer's side (contact, role, note); meetings planned from "
        "the guide may invite them.",
    )
