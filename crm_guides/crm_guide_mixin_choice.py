# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The guide engine: the record's status and which guide it follows.

Status keys turn a record's own status (Many2one, Selection, or the guide
stage itself) into comparable values; the guide choice says which guide a
record follows and predicts guide and stage for a write before it is made."""

from odoo import api, models, tools
from odoo.exceptions import UserError


# The model is extended by concern, in several files of this addon.
# pylint: disable=consider-merging-classes-inherited
class CrmGuideMixin(models.AbstractModel):
    _inherit = "crm.guide.mixin"

    # ------------------------------------------------------------------
    # Status keys: the record's status, whatever its kind
    # ------------------------------------------------------------------

    @api.model
    def _guide_status_field(self):
        """The record's own status field, or None when the guide stage is the
        status."""
        return self._fields.get(self._guide_stage_field or "")

    @api.model
    def _guide_stage_link_field(self):
        """Field of ``crm.guide.stage`` holding the status value a guide stage
        stands for: ``status_value`` for a Selection status, a Many2one named
        ``_guide_stage_link`` (default: as the status field) for a Many2one
        status, None when the guide stage is the status."""
        field = self._guide_status_field()
        if field is None:
            return None
        if field.type == "selection":
            return "status_value"
        return self._guide_stage_link or field.name

    @api.model
    def _guide_status_key(self, value):
        """A status value (of a record or of a write) as a comparable key: an
        id for a Many2one status (``"3"`` is 3), the key for a Selection."""
        field = self._guide_status_field()
        if field is None or field.type != "many2one":
            return value or None
        if isinstance(value, models.BaseModel):
            return value.id or None
        if isinstance(value, str):
            try:
                value = int(value)
            except ValueError as exc:
                raise UserError(
                    self.env._(
                        "%(value)s is not a valid %(field)s.",
                        value=value,
                        field=field.string,
                    )
                ) from exc
        return value or None

    def _guide_record_status_key(self):
        self.ensure_one()
        return self._guide_status_key(self[self._guide_stage_field])

    @api.model
    def _guide_status_value(self, guide_stage):
        """What to write in the status field to put a record in ``guide_stage``."""
        return guide_stage._guide_status_key()

    def _guide_status_positions(self, keys):
        """``{status key: position}`` in the order of the status itself (the
        pipeline's order for a Many2one, the list's for a Selection)."""
        field = self._guide_status_field()
        keys = {key for key in keys if key is not None}
        if field is None or not keys:
            return {}
        if field.type == "selection":
            order = [v for v, __ in field._description_selection(self.env)]
            return {key: order.index(key) for key in keys if key in order}
        ordered = (
            self.env[field.comodel_name]
            .with_context(active_test=False)
            .search([("id", "in", list(keys))])
        )
        return {record_id: index for index, record_id in enumerate(ordered.ids)}

    # ------------------------------------------------------------------
    # Guide choice: which guide a record follows
    # ------------------------------------------------------------------

    def _guide_depends(self):
        return [
            f
            for f in (self._guide_team_field, self._guide_company_field)
            if f and f in self._fields
        ]

    @api.model
    @tools.ormcache()
    def _guide_trigger_fields(self):
        """Fields of this model whose change may recompute its guide: what
        it depends on, through the model's own computed fields (the team
        computed from the customer or the salesperson, the company from the
        team). The guide stage follows the guide and the status field."""
        names, todo = set(), ["guide_id"]
        while todo:
            field = self._fields[todo.pop()]
            for path in self.pool.field_depends.get(field, ()):
                name = path.split(".")[0]
                if name in self._fields and name not in names:
                    names.add(name)
                    todo.append(name)
        return frozenset(names - {"guide_id"})

    @api.depends(lambda self: self._guide_depends())
    def _compute_guide_id(self):
        kept = self._guide_keeps_guide()
        for rec in kept:
            rec.guide_id = rec.guide_id
        todo = (self - kept).filtered(
            lambda rec: not (rec.guide_id and rec._guide_matches(rec.guide_id))
        )
        if not todo:
            return
        guides = None
        for rec in todo:
            preferred = not rec.guide_id and rec._guide_preferred_guide()
            if preferred and preferred.active and rec._guide_matches(preferred):
                rec.guide_id = preferred.id
                continue
            if guides is None:
                guides = self._guide_candidates()
            rec.guide_id = rec._guide_first_match(guides)

    def _guide_matches(self, guide, team=None, company=None, keeping=False):
        """Whether ``guide`` may be followed by this record (team, company).
        ``team`` / ``company`` predict the answer for values being written;
        ``keeping``: the guide is the record's own."""
        self.ensure_one()
        if guide.res_model != self._name:
            return False
        if company is None:
            company = (
                self[self._guide_company_field] if self._guide_company_field else False
            )
        # a record without company gets only guides without company; it may
        # keep its own (see ``_guide_first_match``)
        if guide.company_id and guide.company_id != company:
            if company or not keeping:
                return False
        if team is None:
            team = self[self._guide_team_field] if self._guide_team_field else False
        return not guide.team_ids or bool(team and team in guide.team_ids)

    def _guide_first_match(self, guides, team=None, company=None):
        """The first of ``guides`` this record may follow; a record that lost
        its company keeps its own guide when no guide without company serves
        it (crm empties the company of an opportunity unassigned in a team
        without company: it stays in its workflow)."""
        guide = next(
            (g for g in guides if self._guide_matches(g, team, company)),
            self.env["crm.guide"],
        )
        if not guide and self.guide_id:
            if self._guide_matches(self.guide_id, team, company, keeping=True):
                return self.guide_id
        return guide

    @api.model
    def _guide_candidates(self):
        """The active guides of this model in their order, as the system
        (whether one applies is ``_guide_matches``' business: team, company).
        Their ids are cached, so that writes of teams or companies on records
        cost no query (crm's lead assignment writes them one by one)."""
        return self.env["crm.guide"].sudo().browse(self._guide_candidate_ids())

    @api.model
    @tools.ormcache("self._name")
    def _guide_candidate_ids(self):
        return tuple(
            self.env["crm.guide"].sudo().search([("res_model", "=", self._name)]).ids
        )

    # ------------------------------------------------------------------
    # Guide stage: where the record stands in its guide
    # ------------------------------------------------------------------

    def _guide_stage_depends(self):
        depends = ["guide_id", "guide_id.guide_stage_ids"]
        link = self._guide_stage_link_field()
        if link and link in self.env["crm.guide.stage"]._fields:
            depends += [self._guide_stage_field, f"guide_id.guide_stage_ids.{link}"]
        return depends

    @api.depends(lambda self: self._guide_stage_depends())
    def _compute_guide_stage_id(self):
        guide_stages = self.guide_id.guide_stage_ids
        if self._guide_stage_field:
            by_stage = {
                (gs.guide_id.id, gs._guide_status_key()): gs for gs in guide_stages
            }
            for rec in self:
                rec.guide_stage_id = by_stage.get(
                    (rec.guide_id.id, rec._guide_record_status_key()), False
                )
            return
        for rec in self:
            if rec.guide_stage_id.guide_id != rec.guide_id:
                rec.guide_stage_id = rec.guide_id.guide_stage_ids[:1]

    # ------------------------------------------------------------------
    # Prediction: guide and stage after a write, before it is made
    # ------------------------------------------------------------------

    def _guide_predict(self, vals):
        """``{record id: (guide, guide stage)}`` after the write ``vals``, as the
        ORM will compute them, without writing anything."""
        Guide, GuideStage = self.env["crm.guide"], self.env["crm.guide.stage"]
        team_field, company_field = self._guide_team_field, self._guide_company_field
        changes_scope = bool({f for f in (team_field, company_field) if f} & set(vals))
        team, company = self._guide_scope_from_vals(vals)
        guides = None
        kept = set(self._guide_keeps_guide().ids) if "guide_id" not in vals else ()
        result = {}
        for rec in self:
            if "guide_id" in vals:
                guide = Guide.browse(vals["guide_id"])
            elif changes_scope:
                if rec.guide_id and rec._guide_matches(rec.guide_id, team, company):
                    guide = rec.guide_id
                else:
                    if guides is None:
                        guides = self._guide_candidates()
                    guide = rec._guide_first_match(guides, team, company)
            else:
                guide = rec.guide_id
            if self._guide_stage_field:
                key = (
                    self._guide_status_key(vals[self._guide_stage_field])
                    if self._guide_stage_field in vals
                    else rec._guide_record_status_key()
                )
                stage = guide.guide_stage_ids.filtered(
                    lambda gs, key=key: key is not None
                    and gs._guide_status_key() == key
                )[:1]
            elif "guide_stage_id" in vals:
                stage = GuideStage.browse(vals["guide_stage_id"])
            elif guide == rec.guide_id:
                stage = rec.guide_stage_id
            else:
                stage = guide.guide_stage_ids[:1]
            if rec.id in kept and guide != rec.guide_id:
                # it keeps its guide (``_guide_keeps_guide``), and its stage
                guide, stage = rec.guide_id, rec.guide_stage_id
            result[rec.id] = (guide, stage)
        return result

    def _guide_scope_from_vals(self, vals):
        """``(team, company)`` written by ``vals``; None for what it keeps."""
        team_field, company_field = self._guide_team_field, self._guide_company_field
        team = (
            self.env[self._fields[team_field].comodel_name].browse(vals[team_field])
            if team_field and team_field in vals
            else None
        )
        company = (
            self.env["res.company"].browse(vals[company_field])
            if company_field and company_field in vals
            else None
        )
        return team, company
