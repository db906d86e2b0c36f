# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The layout of a guide, cached: its stages, their steps, the steps'
activity templates and types.

Every move of a guided record reads it (which gates it passes, which steps
it plans), and it changes only when a guide is designed; reading it costs a
single move as many queries as the rest of the guide's work. So its values
are kept in Odoo's ormcache, per user, company and language (what the user
may read of it), and put in a transaction's cache before a move, only where
the transaction has no value of its own (``insert_missing``): a transaction
always sees its own changes.

Any change of these records (create, write, unlink, a translation) clears
the cache, in every worker (Odoo's cache signaling); a transaction rolled
back after such a change clears it again (``Registry.reset_changes``).
"""

from odoo import api, models, tools


def _snapshot_fields(records, extra=()):
    """The fields of ``records`` a move reads: their stored columns (what
    the ORM fetches at once) and the relations given in ``extra``."""
    return [
        name
        for name, field in records._fields.items()
        if field.store and field.column_type and field.prefetch is True
    ] + list(extra)


class _ClearsLayouts:
    """Any change of a guide's layout clears the cached layouts (a plain
    Python base of the layout's models below, not a model)."""

    __slots__ = ()  # as Odoo's models

    # cleared after the change: a layout read meanwhile (a move in the same
    # request) is not kept
    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    def _update_field_translations(
        self, fname, translations, digest=None, source_lang=""
    ):
        result = super()._update_field_translations(
            fname, translations, digest=digest, source_lang=source_lang
        )
        self.env.registry.clear_cache()
        return result


# The models are extended by concern, in several files of this addon.
# pylint: disable=consider-merging-classes-inherited
class CrmGuide(_ClearsLayouts, models.Model):
    _inherit = "crm.guide"

    def _guide_prefetch_layout(self):
        """Put the layout of these guides in the transaction's cache (see
        the module's docstring); nothing is overwritten."""
        guide_ids = tuple(sorted({gid for gid in self._ids if isinstance(gid, int)}))
        if not guide_ids or self.env.context.get("prefetch_langs"):
            # (translations of all languages at once are cached otherwise)
            return
        cache = self.env.cache
        for model_name, fname, ids, values in self._guide_layout_snapshot(guide_ids):
            records = self.env[model_name].browse(ids)
            cache.insert_missing(records, records._fields[fname], values)

    @api.model
    @tools.ormcache(
        "guide_ids",
        "self.env.uid",
        "self.env.su",
        "tuple(self.env.companies.ids)",
        "self.env.lang",
        "self.env.context.get('active_test', True)",
    )
    def _guide_layout_snapshot(self, guide_ids):
        """``((model, field, ids, values), ...)``: the layout of the guides
        ``guide_ids`` as the current user reads it."""
        # what the user may read of it (a guide of another company written
        # by a client is refused by the move's checks, not here)
        guides = self.browse(guide_ids)._filtered_access("read")
        stages = guides.guide_stage_ids
        steps = stages.step_ids
        templates = steps.template_id
        types = templates.activity_type_id
        snapshot = []
        for records, extra in (
            (guides, ["guide_stage_ids"]),
            (stages, ["step_ids"]),
            (steps, []),
            (templates, []),
            (types, []),
        ):
            if not records:
                continue
            fnames = _snapshot_fields(records, extra)
            records.fetch(fnames)
            for fname in fnames:
                field = records._fields[fname]
                values = [self.env.cache.get(rec, field, None) for rec in records]
                snapshot.append(
                    (records._name, fname, tuple(records.ids), tuple(values))
                )
        return tuple(snapshot)


# pylint: disable=consider-merging-classes-inherited
class CrmGuideStageLayout(_ClearsLayouts, models.Model):
    _inherit = "crm.guide.stage"


class CrmGuideStepLayout(_ClearsLayouts, models.Model):
    _inherit = "crm.guide.step"


class MailActivityPlanTemplateLayout(_ClearsLayouts, models.Model):
    _inherit = "mail.activity.plan.template"


class MailActivityTypeLayout(_ClearsLayouts, models.Model):
    _inherit = "mail.activity.type"
