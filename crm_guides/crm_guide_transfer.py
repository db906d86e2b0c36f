# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Guides to a file (export) and the stable keys that match them again.

The file's format is described in ``guide_file``; the import is the wizard
``crm.guide.import.wizard``. References to records that live outside the
guide are written by XML id (when they have one that means something in
another database) and by name, never by database id.
"""

from urllib.parse import urlencode

from odoo import fields, models
from odoo.tools import SQL

from . import guide_file

# XML ids made up by Odoo's own export/import: they mean nothing elsewhere
LOCAL_XMLID_MODULES = ("__export__", "__import__", "__custom__")


class CrmGuideKeyMixin(models.AbstractModel):
    """The key matching a guide, a guide stage or a step to its entry in a
    guide file (update in place). Given at the first export, kept by the
    import; a guide's key is unique (a copy gets none), a stage's or a step's
    is unique in its guide or stage."""

    _name = "crm.guide.key.mixin"
    _description = "Workflow Guide File Key"

    guide_key = fields.Char(
        "File Key",
        readonly=True,
        index="btree_not_null",
        help="Technical: matches this record to its entry in an exported guide "
        "file, so importing the file again can update it.",
    )

    def _guide_ensure_keys(self):
        """Give a key to the records that have none (one query per model)."""
        missing = self.filtered(lambda rec: not rec.guide_key)
        if missing:
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET guide_key = gen_random_uuid()::text "
                    "WHERE id = ANY(%s) AND guide_key IS NULL",
                    SQL.identifier(self._table),
                    missing.ids,
                )
            )
            missing.invalidate_recordset(["guide_key"])


class CrmGuide(models.Model):
    _name = "crm.guide"
    _inherit = ["crm.guide", "crm.guide.key.mixin"]

    guide_key = fields.Char(copy=False)

    _sql_constraints = [
        (
            "guide_key_unique",
            "UNIQUE(guide_key)",
            "Two guides cannot have the same file key.",
        )
    ]

    def action_export(self):
        """Download the guides as one guide file."""
        guides = self.exists()
        guides.check_access("read")
        query = urlencode({"ids": ",".join(str(guide_id) for guide_id in guides.ids)})
        return {
            "type": "ir.actions.act_url",
            "url": f"/crm_workflow_guide/export?{query}",
            "target": "download",
        }

    def _guide_export_filename(self):
        if len(self) == 1:
            name = "".join(
                char if char.isalnum() else "-"
                for char in self.with_context(lang="en_US").name.lower()
            ).strip("-")
            return f"guide-{name or 'export'}.json"
        return "guides.json"

    def _guide_export_file(self):
        """The bytes of the guide file of these guides."""
        return guide_file.dump(self._guide_export_data())

    def _guide_export_data(self):
        """The guide file's document of these guides (see ``guide_file``),
        read in a fixed number of queries whatever the number of guides,
        stages and steps."""
        self.check_access("read")
        guides = self.sorted(lambda guide: (guide.sequence, guide.id))
        stages = self.env["crm.guide.stage"].search(
            [("guide_id", "in", guides.ids)], order="guide_id, sequence, id"
        )
        steps = self.env["crm.guide.step"].search(
            [("guide_stage_id", "in", stages.ids)],
            order="guide_stage_id, sequence, id",
        )
        (guides | guides.quotation_guide_id)._guide_ensure_keys()
        stages._guide_ensure_keys()
        steps._guide_ensure_keys()
        writer = _Writer(self.env)
        texts = {
            "crm.guide": writer.texts(guides, ["name", "description"]),
            "crm.guide.stage": writer.texts(stages, ["name", "guidance"]),
            "crm.guide.step": writer.texts(steps, ["name", "purpose"]),
        }
        writer.collect_xmlids(guides, stages, steps)
        steps_by_stage = steps.grouped("guide_stage_id")
        stages_by_guide = stages.grouped("guide_id")
        return {
            "format": guide_file.FORMAT,
            "format_version": guide_file.FORMAT_VERSION,
            "languages": sorted(writer.languages),
            "guides": [
                guide._guide_export_entry(
                    texts,
                    writer,
                    [
                        guide_stage._guide_export_entry(
                            texts,
                            writer,
                            [
                                step._guide_export_entry(texts, writer)
                                for step in steps_by_stage.get(guide_stage, ())
                            ],
                        )
                        for guide_stage in stages_by_guide.get(guide, ())
                    ],
                )
                for guide in guides
            ],
        }

    def _guide_export_entry(self, texts, writer, stage_entries):
        self.ensure_one()
        entry = {
            "key": self.guide_key,
            "res_model": self.res_model,
            "sequence": self.sequence,
            "color": self.color,
            "auto_advance": self.auto_advance,
            "expected_duration_days": self.expected_duration_days,
            "use_stakeholders": self.use_stakeholders,
            "shared": not self.company_id,
            "teams": [writer.ref(team) for team in self.team_ids],
            "stages": stage_entries,
            **texts["crm.guide"][self.id],
        }
        if self.res_model == "sale.order":
            entry.update(
                quote_validity_days=self.quote_validity_days,
                approval_max_discount=self.approval_max_discount,
                approval_min_margin=self.approval_min_margin,
                approval_user_rule=self.approval_user_rule,
                approval_allow_self=self.approval_allow_self,
            )
            if self.approval_user_id:
                entry["approval_user"] = writer.ref(self.approval_user_id)
        if self.quotation_guide_id:
            entry["quotation_guide"] = {
                "key": self.quotation_guide_id.guide_key,
                **writer.ref(self.quotation_guide_id),
            }
        return entry


class CrmGuideStage(models.Model):
    _name = "crm.guide.stage"
    _inherit = ["crm.guide.stage", "crm.guide.key.mixin"]

    guide_key = fields.Char(copy=True)

    def _guide_export_entry(self, texts, writer, step_entries):
        self.ensure_one()
        entry = {
            "key": self.guide_key,
            "sequence": self.sequence,
            "is_blocking": self.is_blocking,
            "rotting_days": self.rotting_days,
            "steps": step_entries,
            **texts["crm.guide.stage"][self.id],
        }
        link = self._guide_link_field()
        if link and self[link]:
            entry["stage"] = writer.stage_ref(self[link])
        if self.status_value:
            entry["status_value"] = self.status_value
        if self.order_state:
            entry["order_state"] = self.order_state
        return entry


class CrmGuideStep(models.Model):
    _name = "crm.guide.step"
    _inherit = ["crm.guide.step", "crm.guide.key.mixin"]

    guide_key = fields.Char(copy=True)

    def _guide_export_entry(self, texts, writer):
        self.ensure_one()
        entry = {
            "key": self.guide_key,
            "sequence": self.sequence,
            "kind": self.kind,
            "auto_schedule": self.auto_schedule,
            "is_required": self.is_required,
            "activity_type": writer.activity_type_ref(self.activity_type_id),
            "delay_count": self.delay_count,
            "delay_unit": self.delay_unit,
            "delay_from": self.delay_from,
            "responsible_type": self.responsible_type,
            **texts["crm.guide.step"][self.id],
        }
        if self.summary and self.summary != entry["name"]["en_US"]:
            entry["summary"] = self.summary
        if self.note and not _is_empty_html(self.note):
            entry["note"] = str(self.note)
        if self.responsible_type == "other" and self.responsible_id:
            entry["responsible"] = writer.user_ref(self.responsible_id)
        if self.completed_by:
            entry["completed_by"] = self.completed_by
        if self.report_id:
            entry["report"] = writer.report_ref(self.report_id)
        return entry


def _is_empty_html(value):
    return (
        not str(value or "")
        .replace("<p>", "")
        .replace("</p>", "")
        .replace("<br>", "")
        .strip()
    )


class _Writer:
    """What the export needs from outside the guides, fetched in batch: the
    stored translations of the guides' texts and the XML ids and English
    names of the records they refer to."""

    def __init__(self, env):
        self.env = env
        self.env_en = env(context=dict(env.context, lang="en_US"))
        self.installed = {code for code, _name in env["res.lang"].get_installed()}
        self.installed.add("en_US")
        self.languages = {"en_US"}
        self.xmlids = {}

    def texts(self, records, fnames):
        """{id: {field: {lang: text}}} of the translated fields, as stored
        (only the languages that have their own text), in the installed
        languages."""
        result = {record_id: {} for record_id in records.ids}
        if not records:
            return result
        records.flush_recordset(fnames)
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM %s WHERE id = ANY(%s)",
                SQL(", ").join(SQL.identifier(fname) for fname in fnames),
                SQL.identifier(records._table),
                records.ids,
            )
        )
        html_fields = {
            fname for fname in fnames if records._fields[fname].type == "html"
        }
        for row in self.env.cr.fetchall():
            for fname, stored in zip(fnames, row[1:], strict=True):
                values = {
                    lang: text
                    for lang, text in (stored or {}).items()
                    if lang in self.installed and text
                }
                if fname in html_fields and _is_empty_html(values.get("en_US")):
                    continue
                if values.get("en_US"):
                    result[row[0]][fname] = values
                    self.languages.update(values)
        return result

    def collect_xmlids(self, guides, stages, steps):
        """The XML ids of every record the guides refer to, one query per
        model."""
        records = [
            guides.team_ids,
            guides.quotation_guide_id,
            steps.activity_type_id,
            steps.activity_type_id.mail_template_ids,
            steps.activity_type_id.mail_template_ids.report_template_ids,
            steps.responsible_id,
            steps.sudo().report_id,
        ]
        for link in {stage._guide_link_field() for stage in stages} - {None}:
            records.append(stages[link])
        for recordset in records:
            for record_id, xmlids in recordset._get_external_ids().items():
                portable = [
                    xmlid
                    for xmlid in xmlids
                    if xmlid.split(".", 1)[0] not in LOCAL_XMLID_MODULES
                ]
                if portable:
                    self.xmlids[recordset._name, record_id] = portable[0]

    def ref(self, record, name_field=None):
        """{"xmlid": ..., "name": ...} of a record (its English name)."""
        ref = {}
        xmlid = self.xmlids.get((record._name, record.id))
        if xmlid:
            ref["xmlid"] = xmlid
        name_field = name_field or record._rec_name or "name"
        ref["name"] = record.with_env(self.env_en)[name_field] or ""
        return ref

    def report_ref(self, report):
        """A step's report: found again by its XML id, else its technical
        name (report definitions are read as the system)."""
        report = report.sudo()
        return dict(self.ref(report), report_name=report.report_name)

    def stage_ref(self, stage):
        ref = self.ref(stage)
        if "sequence" in stage._fields:
            ref["sequence"] = stage.sequence
        if "fold" in stage._fields:
            ref["fold"] = stage.fold
        return ref

    def user_ref(self, user):
        ref = {"login": user.login}
        xmlid = self.xmlids.get((user._name, user.id))
        if xmlid:
            ref["xmlid"] = xmlid
        return ref

    def activity_type_ref(self, activity_type):
        ref = self.ref(activity_type)
        ref.update(
            icon=activity_type.icon or "",
            category=activity_type.category or "default",
            limited_to_model=bool(activity_type.res_model),
        )
        templates = []
        for template in activity_type.mail_template_ids:
            template_ref = self.ref(template)
            template_ref["model"] = template.model or ""
            if template.report_template_ids:
                template_ref["reports"] = [
                    self.ref(report) for report in template.report_template_ids
                ]
            templates.append(template_ref)
        if templates:
            ref["mail_templates"] = templates
        return ref
