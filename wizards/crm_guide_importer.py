# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The work of one preview or import of a guide file: the references it
makes to records outside the guides, how each is resolved (XML id, name,
created, missing) and the designer's choices, then the guides created or
updated and their translations written in batch."""

import json
import uuid

from markupsafe import Markup

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_list

CREATABLE = ("team", "stage", "activity_type")
ICON_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789- ")


def _ref_label(ref):
    name = ref.get("name") or ref.get("login") or ""
    return f"{name} ({ref['xmlid']})" if ref.get("xmlid") else name


def in_lang(text, lang):
    if not text:
        return ""
    return text.get(lang) or text.get("en_US") or ""


class Importer:
    """The work of one preview or import: references found, choices, and
    the guides created or updated."""

    def __init__(self, wizard, document):
        self.wizard = wizard
        self.env = wizard.env
        self.env_en = wizard.env(context=dict(wizard.env.context, lang="en_US"))
        self.document = document
        self.entries = document["guides"]
        self.installed = {code for code, _name in self.env["res.lang"].get_installed()}
        self.installed.add("en_US")
        self.refs = {}  # ref_key: {kind, ref, place, count, model, res_model}
        self.resolved = {}  # ref_key: (resolution, record)
        self.choices = {}  # ref_key: (action, record)
        self.created = {}  # ref_key: record created by the import
        self.existing = {}  # guide key: guide already imported
        self.skipped_langs = {}  # lang: first place
        self.team = wizard.team_id
        self.file_keys = {entry["key"] for entry in self.entries}

    # -- errors ----------------------------------------------------------

    def error(self, place, message):
        return UserError(
            self.env._("%(place)s: %(message)s", place=place, message=message)
        )

    # -- collecting references -----------------------------------------------

    def _add(self, kind, ref, place, model, res_model=None):
        key_parts = [kind, ref.get("xmlid"), ref.get("name") or ref.get("login")]
        if kind == "activity_type" and ref.get("limited_to_model"):
            key_parts.append(res_model)
        if kind == "mail_template":
            key_parts.append(ref.get("model"))
        ref_key = json.dumps(key_parts)
        if ref_key in self.refs:
            self.refs[ref_key]["count"] += 1
        else:
            self.refs[ref_key] = {
                "kind": kind,
                "ref": ref,
                "place": place,
                "count": 1,
                "model": model,
                "res_model": res_model,
            }
        return ref_key

    def _check_model(self, entry, place):
        res_model = entry["res_model"]
        guided = dict(self.env["crm.guide"]._selection_res_model())
        if res_model not in guided:
            raise self.error(
                f"{place}.res_model",
                self.env._(
                    "the guide is for %(model)s, which is not installed or "
                    "cannot follow guides here.",
                    model=res_model,
                ),
            )
        if not self.env["ir.model.access"].check(res_model, "read", False):
            raise self.error(
                f"{place}.res_model",
                self.env._(
                    "you may not read the records of %(model)s.", model=res_model
                ),
            )
        return res_model

    def _check_selection(self, model, fname, value, place):
        values = self.env[model]._fields[fname].get_values(self.env)
        if value not in values:
            raise self.error(
                place,
                self.env._(
                    "%(value)s is not one of %(allowed)s.",
                    value=value,
                    allowed=format_list(self.env, values),
                ),
            )

    def _collect_texts(self, value, place):
        for lang in value or ():
            if lang not in self.installed:
                self.skipped_langs.setdefault(lang, f"{place}.{lang}")

    def collect(self):
        for g_index, entry in enumerate(self.entries):
            place = f"guides[{g_index}]"
            res_model = self._check_model(entry, place)
            self._collect_texts(entry["name"], f"{place}.name")
            if not self.team:
                for t_index, team in enumerate(entry.get("teams") or ()):
                    entry_place = f"{place}.teams[{t_index}]"
                    team["_ref_key"] = self._add("team", team, entry_place, "crm.team")
            if entry.get("quotation_guide"):
                ref = entry["quotation_guide"]
                ref["_ref_key"] = self._add(
                    "quotation_guide", ref, f"{place}.quotation_guide", "crm.guide"
                )
            if entry.get("approval_user"):
                entry["approval_user"]["_ref_key"] = self._add(
                    "user",
                    entry["approval_user"],
                    f"{place}.approval_user",
                    "res.users",
                )
            for s_index, stage in enumerate(entry.get("stages") or ()):
                self._collect_stage(stage, f"{place}.stages[{s_index}]", res_model)

    def _collect_stage(self, stage, place, res_model):
        self._collect_texts(stage["name"], f"{place}.name")
        link = self.env[res_model]._guide_stage_link_field()
        if link:
            if not stage.get("stage"):
                raise self.error(
                    place,
                    self.env._("the stage must say which pipeline stage it is."),
                )
            comodel = self.env["crm.guide.stage"]._fields[link].comodel_name
            stage["stage"]["_ref_key"] = self._add(
                "stage", stage["stage"], f"{place}.stage", comodel, res_model
            )
        for fname in ("status_value", "order_state"):
            if stage.get(fname):
                self._check_selection(
                    "crm.guide.stage", fname, stage[fname], f"{place}.{fname}"
                )
        for t_index, step in enumerate(stage.get("steps") or ()):
            self._collect_step(step, f"{place}.steps[{t_index}]", res_model)

    def _collect_step(self, step, place, res_model):
        self._collect_texts(step["name"], f"{place}.name")
        activity_type = step["activity_type"]
        activity_type["_ref_key"] = self._add(
            "activity_type",
            activity_type,
            f"{place}.activity_type",
            "mail.activity.type",
            res_model,
        )
        for m_index, template in enumerate(activity_type.get("mail_templates") or ()):
            template["_ref_key"] = self._add(
                "mail_template",
                template,
                f"{place}.activity_type.mail_templates[{m_index}]",
                "mail.template",
            )
        if step.get("responsible_type") == "other":
            if not step.get("responsible"):
                raise self.error(
                    place, self.env._("a step for a given user must name the user.")
                )
            step["responsible"]["_ref_key"] = self._add(
                "user", step["responsible"], f"{place}.responsible", "res.users"
            )
        if step.get("report"):
            step["_report_id"] = self._find_report(
                step["report"], f"{place}.report", res_model
            ).id
        if step.get("completed_by"):
            self._check_selection(
                "crm.guide.step",
                "completed_by",
                step["completed_by"],
                f"{place}.completed_by",
            )

    def _find_report(self, ref, place, res_model):
        """A step's report, by its XML id, else its technical name: refused
        when this database has no such report of the guided model (reports
        are code, never created by an import). As the system: report
        definitions are not readable by designers otherwise."""
        Report = self.env["ir.actions.report"].sudo()
        report = Report.browse()
        if ref.get("xmlid"):
            report = self.env.ref(ref["xmlid"], raise_if_not_found=False) or Report
            if report and report._name != "ir.actions.report":
                report = Report
        if not report:
            report = Report.search([("report_name", "=", ref["report_name"])], limit=1)
        if not report or report.model != res_model:
            raise self.error(
                place,
                self.env._(
                    "this database has no report %(report)s of %(model)s: install "
                    "the module that brings it, or remove the report from the "
                    "step.",
                    report=ref.get("xmlid") or ref["report_name"],
                    model=res_model,
                ),
            )
        return report

    # -- resolving them ------------------------------------------------------

    def resolve(self):
        self.collect()
        keys = [entry["key"] for entry in self.entries]
        # a key taken by a guide the user cannot see still cannot be reused
        taken = (
            self.env["crm.guide"]
            .sudo()
            .with_context(active_test=False)
            .search([("guide_key", "in", keys)])
        )
        visible = taken.with_env(self.env)._filtered_access("write")
        self.taken_keys = set(taken.mapped("guide_key"))
        self.existing = {guide.guide_key: guide for guide in visible}
        for ref_key, info in self.refs.items():
            self.resolved[ref_key] = self._resolve(info)
        for ref_key, info in self.refs.items():
            resolution, record = self.resolved[ref_key]
            if resolution == "missing" and self._can_create(info):
                self.choices[ref_key] = ("create", None)
            elif resolution == "missing":
                self.choices[ref_key] = ("drop", None)
            else:
                self.choices[ref_key] = ("use", record)

    def _can_create(self, info):
        return info["kind"] in CREATABLE and self.env[info["model"]].has_access(
            "create"
        )

    def _by_xmlid(self, info):
        xmlid = info["ref"].get("xmlid")
        if not xmlid:
            return None
        model, res_id = self.env["ir.model.data"]._xmlid_to_res_model_res_id(
            xmlid, raise_if_not_found=False
        )
        if not model:
            return None
        if model != info["model"]:
            raise self.error(
                f"{info['place']}.xmlid",
                self.env._(
                    "%(xmlid)s is a record of %(model)s, not of %(expected)s.",
                    xmlid=xmlid,
                    model=model,
                    expected=info["model"],
                ),
            )
        record = self.env[model].browse(res_id).exists()
        if record and not record.has_access("read"):
            raise self.error(
                f"{info['place']}.xmlid",
                self.env._("you may not read %(xmlid)s.", xmlid=xmlid),
            )
        return record or None

    def _name_domain(self, info):
        ref, kind = info["ref"], info["kind"]
        if kind == "user":
            return [("login", "=", ref["login"])]
        domain = [("name", "=", ref["name"])]
        if kind == "activity_type":
            domain.append(("res_model", "in", [False, info["res_model"]]))
        elif kind == "mail_template" and ref.get("model"):
            domain.append(("model", "=", ref["model"]))
        elif kind == "quotation_guide":
            domain.append(("res_model", "=", "sale.order"))
        elif kind == "stage" and "team_id" in self.env[info["model"]]._fields:
            teams = self.team.ids or [
                record.id
                for key, (_res, record) in self.resolved.items()
                if record and self.refs[key]["kind"] == "team"
            ]
            domain.append(("team_id", "in", [False, *teams]))
        return domain

    def _resolve(self, info):
        if not self.env["ir.model.access"].check(info["model"], "read", False):
            raise self.error(
                info["place"],
                self.env._(
                    "the file refers to records of %(model)s, which you may not "
                    "read.",
                    model=info["model"],
                ),
            )
        if info["kind"] == "quotation_guide" and info["ref"].get("key"):
            key = info["ref"]["key"]
            if key in self.file_keys:
                return ("file", None)
            if key in self.existing:
                return ("key", self.existing[key])
        record = self._by_xmlid(info)
        if record:
            return ("xmlid", record)
        found = self.env_en[info["model"]].search(self._name_domain(info))
        if info["kind"] == "stage" and "team_id" in found._fields:
            # a stage of the team before a shared one
            found = found.sorted(lambda stage: not stage.team_id)
        if found:
            return ("name", found[0].with_env(self.env))
        return ("missing", None)

    # -- the preview ------------------------------------------------------------

    def line_vals(self):
        vals_list = []
        for g_index, entry in enumerate(self.entries):
            exists = entry["key"] in self.existing
            vals_list.append(
                {
                    "kind": "guide",
                    "reference": in_lang(entry["name"], self.env.lang or "en_US"),
                    "place": f"guides[{g_index}]",
                    "resolution": "exists" if exists else "new",
                    "found": exists
                    and self.existing[entry["key"]].display_name
                    or False,
                    "note": self.env._(
                        "%(stages)s stages, %(steps)s steps",
                        stages=len(entry.get("stages") or ()),
                        steps=sum(
                            len(stage.get("steps") or ())
                            for stage in entry.get("stages") or ()
                        ),
                    ),
                }
            )
        for ref_key, info in self.refs.items():
            resolution, record = self.resolved[ref_key]
            action = self.choices[ref_key][0]
            if resolution == "missing" and action == "create":
                resolution = "create"
            vals_list.append(
                {
                    "kind": info["kind"],
                    "reference": _ref_label(info["ref"]),
                    "place": info["place"],
                    "usage_count": info["count"],
                    "resolution": resolution,
                    "found": record.display_name if record else False,
                    "ref_key": ref_key,
                    "can_create": self._can_create(info),
                    "needs_choice": resolution in ("missing", "create"),
                    "action": action if action != "use" else False,
                }
            )
        for lang, place in sorted(self.skipped_langs.items()):
            vals_list.append(
                {
                    "kind": "language",
                    "reference": lang,
                    "place": place,
                    "resolution": "skipped",
                    "note": self.env._(
                        "The texts in this language are skipped: the language is "
                        "not installed."
                    ),
                }
            )
        for sequence, vals in enumerate(vals_list):
            vals["sequence"] = sequence
        return vals_list

    def summary(self):
        stage_count = sum(len(entry.get("stages") or ()) for entry in self.entries)
        step_count = sum(
            len(stage.get("steps") or ())
            for entry in self.entries
            for stage in entry.get("stages") or ()
        )
        missing = sum(
            1
            for resolution, _record in self.resolved.values()
            if resolution == "missing"
        )
        parts = [
            self.env._(
                "%(guides)s guides with %(stages)s stages and %(steps)s steps.",
                guides=len(self.entries),
                stages=stage_count,
                steps=step_count,
            )
        ]
        if self.existing:
            parts.append(
                self.env._(
                    "%(count)s of them were imported before: choose below whether "
                    "to create a copy or to update them.",
                    count=len(self.existing),
                )
            )
        if missing:
            parts.append(
                self.env._(
                    "%(count)s references are missing in this database: choose for "
                    "each one what to do.",
                    count=missing,
                )
            )
        return Markup("").join(Markup("<p>%s</p>") % part for part in parts)

    # -- choices ---------------------------------------------------------------

    def apply_choices(self, lines):
        """The designer's choices of the preview for the missing references."""
        for line in lines.filtered(lambda ln: ln.ref_key in self.choices):
            resolution = self.resolved[line.ref_key][0]
            if resolution not in ("missing",):
                continue
            info = self.refs[line.ref_key]
            if line.action == "pick":
                picked = line._picked()
                if not picked:
                    raise UserError(
                        self.env._(
                            "Choose the existing record to use for %(reference)s.",
                            reference=line.reference,
                        )
                    )
                self.choices[line.ref_key] = ("use", picked)
            elif line.action == "create":
                if not self._can_create(info):
                    raise UserError(
                        self.env._(
                            "You may not create %(reference)s: pick an existing "
                            "one or drop it.",
                            reference=line.reference,
                        )
                    )
                self.choices[line.ref_key] = ("create", None)
            elif line.action == "drop":
                self.choices[line.ref_key] = ("drop", None)

    def record(self, ref):
        """The record a reference of the file stands for after the choices,
        created on first use; None when dropped."""
        ref_key = ref["_ref_key"]
        action, record = self.choices[ref_key]
        if action == "use":
            return record
        if action == "drop":
            return None
        if ref_key not in self.created:
            self.created[ref_key] = self._create_ref(self.refs[ref_key])
        return self.created[ref_key]

    def _create_ref(self, info):
        ref, kind = info["ref"], info["kind"]
        Model = self.env_en[info["model"]]
        if kind == "team":
            return Model.create({"name": ref["name"]}).with_env(self.env)
        if kind == "stage":
            vals = {"name": ref["name"], "sequence": ref.get("sequence", 10)}
            if "fold" in Model._fields:
                vals["fold"] = ref.get("fold", False)
            if "team_id" in Model._fields and self.team:
                vals["team_id"] = self.team.id
            return Model.create(vals).with_env(self.env)
        # activity type
        category = ref.get("category") or "default"
        if category not in Model._fields["category"].get_values(self.env):
            category = "default"
        icon = ref.get("icon") or False
        if icon and (not set(icon) <= ICON_CHARS or not icon.startswith("fa")):
            icon = False
        templates = [
            self.record(template) for template in ref.get("mail_templates") or ()
        ]
        return Model.create(
            {
                "name": ref["name"],
                "icon": icon,
                "category": category,
                "res_model": info["res_model"]
                if ref.get("limited_to_model")
                else False,
                "mail_template_ids": [
                    Command.set([tpl.id for tpl in templates if tpl])
                ],
            }
        ).with_env(self.env)

    # -- building the guides ---------------------------------------------------

    def _texts(self, value):
        """The English text (for the ORM) of a translated value."""
        return value["en_US"] if value else False

    def _guide_vals(self, entry, key):
        teams = (
            self.team
            if self.team
            else self.env["crm.team"].union(
                *(
                    self.record(team) or self.env["crm.team"]
                    for team in entry.get("teams") or ()
                )
            )
        )
        vals = {
            "name": entry["name"]["en_US"],
            "description": self._texts(entry.get("description")),
            "res_model": entry["res_model"],
            "sequence": entry.get("sequence", 10),
            "color": entry.get("color", 0),
            "auto_advance": entry.get("auto_advance", False),
            "expected_duration_days": entry.get("expected_duration_days", 0),
            "use_stakeholders": entry.get("use_stakeholders", False),
            "company_id": False if entry.get("shared") else self.env.company.id,
            "team_ids": [Command.set(teams.ids)],
            "guide_key": key,
        }
        if entry["res_model"] == "sale.order":
            # the quote rules; an approver not found here: any sales manager
            approver = (
                self.record(entry["approval_user"])
                if entry.get("approval_user")
                else None
            )
            rule = entry.get("approval_user_rule") or "team_leader"
            if rule == "user" and not approver:
                rule = "sales_manager"
            vals.update(
                quote_validity_days=entry.get("quote_validity_days", 0),
                approval_max_discount=entry.get("approval_max_discount", 0.0),
                approval_min_margin=entry.get("approval_min_margin", 0.0),
                approval_user_rule=rule,
                approval_user_id=approver.id if approver else False,
                approval_allow_self=entry.get("approval_allow_self", False),
            )
        return vals

    def _stage_vals(self, entry, stage):
        vals = {
            "guide_key": stage["key"],
            "sequence": stage.get("sequence", 10),
            "name": stage["name"]["en_US"],
            "guidance": self._texts(stage.get("guidance")),
            "is_blocking": stage.get("is_blocking", False),
            "rotting_days": stage.get("rotting_days", 0),
            "status_value": stage.get("status_value") or False,
            "order_state": stage.get("order_state") or False,
            "active": True,
        }
        link = self.env[entry["res_model"]]._guide_stage_link_field()
        if link:
            record = self.record(stage["stage"])
            if not record:
                return None  # dropped
            vals[link] = record.id
        return vals

    def _step_vals(self, step):
        activity_type = self.record(step["activity_type"])
        if not activity_type:
            return None
        vals = {
            "guide_key": step["key"],
            "sequence": step.get("sequence", 10),
            "name": step["name"]["en_US"],
            "purpose": self._texts(step.get("purpose")),
            "kind": step["kind"],
            "auto_schedule": step.get("auto_schedule", False),
            "is_required": step.get("is_required", False),
            "activity_type_id": activity_type.id,
            "summary": step.get("summary") or step["name"]["en_US"],
            "note": step.get("note") or False,
            "delay_count": step.get("delay_count", 0),
            "delay_unit": step.get("delay_unit", "days"),
            "delay_from": step.get("delay_from", "after_plan_date"),
            "responsible_type": step.get("responsible_type", "salesperson"),
            "responsible_id": False,
            "completed_by": step.get("completed_by") or False,
            "report_id": step.get("_report_id") or False,
            "active": True,
        }
        if vals["responsible_type"] == "other":
            user = self.record(step["responsible"])
            if not user:
                return None
            vals["responsible_id"] = user.id
        return vals

    def _stage_create_vals(self, entry, stage):
        vals = self._stage_vals(entry, stage)
        if vals is None:
            return None
        vals["step_ids"] = [
            Command.create(step_vals)
            for step_vals in map(self._step_vals, stage.get("steps") or ())
            if step_vals
        ]
        return vals

    def _copy_name(self, name):
        return {
            lang: self.wizard.with_context(lang=lang).env._(
                "%(name)s (copy)", name=text
            )
            if lang in self.installed
            else text
            for lang, text in name.items()
        }

    def run(self):
        """Create or update the guides; return them."""
        guides = self.env["crm.guide"]
        self.translations = []  # (record, field, {lang: text})
        by_key = {}
        update = self.wizard.on_existing == "update"
        for g_index, entry in enumerate(self.entries):
            place = f"guides[{g_index}]"
            try:
                if entry["key"] in self.existing and update:
                    guide = self._update(self.existing[entry["key"]], entry)
                else:
                    guide = self._create(entry)
            except (ValidationError, UserError) as error:
                raise self.error(
                    place, error.args[0] if error.args else str(error)
                ) from None
            by_key[entry["key"]] = guide
            guides |= guide
        for entry in self.entries:
            ref = entry.get("quotation_guide")
            if ref:
                action, record = self.choices[ref["_ref_key"]]
                if self.resolved[ref["_ref_key"]][0] == "file":
                    record = by_key[ref["key"]]
                elif action != "use":
                    record = None
                by_key[entry["key"]].quotation_guide_id = record
        self._write_translations()
        return guides

    def _create(self, entry):
        key, name = entry["key"], entry["name"]
        if key in self.taken_keys:
            key = str(uuid.uuid4())
            name = self._copy_name(name)
        vals = self._guide_vals(entry, key)
        vals["name"] = name["en_US"]
        vals["guide_stage_ids"] = [
            Command.create(stage_vals)
            for stage_vals in (
                self._stage_create_vals(entry, stage)
                for stage in entry.get("stages") or ()
            )
            if stage_vals
        ]
        guide = self.env_en["crm.guide"].create(vals).with_env(self.env)
        self._remember_texts(guide, dict(entry, name=name))
        return guide

    def _remember_texts(self, guide, entry):
        self.translations.append((guide, "name", entry["name"]))
        self.translations.append((guide, "description", entry.get("description")))
        stages = guide.with_context(active_test=False).guide_stage_ids
        stage_by_key = {stage.guide_key: stage for stage in stages}
        for stage in entry.get("stages") or ():
            guide_stage = stage_by_key.get(stage["key"])
            if not guide_stage:
                continue  # dropped
            self.translations.append((guide_stage, "name", stage["name"]))
            self.translations.append((guide_stage, "guidance", stage.get("guidance")))
            step_by_key = {
                step.guide_key: step
                for step in guide_stage.with_context(active_test=False).step_ids
            }
            for step in stage.get("steps") or ():
                guide_step = step_by_key.get(step["key"])
                if guide_step:
                    self.translations.append((guide_step, "name", step["name"]))
                    self.translations.append(
                        (guide_step, "purpose", step.get("purpose"))
                    )

    def _update(self, guide, entry):
        """Update the guide in place: stages and steps matched by key; those
        no longer in the file are archived when records went through them,
        deleted otherwise (as the designer does by hand)."""
        guide = guide.with_env(self.env_en).with_context(active_test=False)
        vals = self._guide_vals(entry, guide.guide_key)
        vals["active"] = True
        guide.write(vals)
        stage_by_key = {stage.guide_key: stage for stage in guide.guide_stage_ids}
        wanted = {}
        for stage in entry.get("stages") or ():
            stage_vals = self._stage_vals(entry, stage)
            if stage_vals is not None:
                wanted[stage["key"]] = (stage, stage_vals)
        self._retire(
            guide.guide_stage_ids.filtered(lambda gs: gs.guide_key not in wanted)
        )
        for key, (stage, stage_vals) in wanted.items():
            guide_stage = stage_by_key.get(key)
            if not guide_stage:
                stage_vals = self._stage_create_vals(entry, stage)
                guide.guide_stage_ids = [Command.create(stage_vals)]
                continue
            guide_stage.write(stage_vals)
            self._update_steps(guide_stage, stage)
        guide = guide.with_env(self.env)
        self._remember_texts(guide, entry)
        return guide

    def _update_steps(self, guide_stage, stage):
        step_by_key = {step.guide_key: step for step in guide_stage.step_ids}
        wanted = {}
        for step in stage.get("steps") or ():
            step_vals = self._step_vals(step)
            if step_vals is not None:
                wanted[step["key"]] = step_vals
        self._retire(
            guide_stage.step_ids.filtered(lambda st: st.guide_key not in wanted)
        )
        for key, step_vals in wanted.items():
            guide_step = step_by_key.get(key)
            if guide_step:
                # the assignee's two fields in one write of the template, after
                # the activity type they are computed from (one at a time
                # through the step, "other" fails without its user)
                assignee = {
                    fname: step_vals.pop(fname)
                    for fname in ("responsible_type", "responsible_id")
                }
                guide_step.write(step_vals)
                guide_step.template_id.write(assignee)
            else:
                guide_stage.step_ids = [Command.create(step_vals)]

    def _retire(self, records):
        """Archive what records went through, delete the rest."""
        used = records._guide_used()
        used.filtered("active").write({"active": False})
        (records - used).unlink()

    def _write_translations(self):
        """The other languages' texts, one UPDATE per table and field."""
        todo = {}
        for record, fname, value in self.translations:
            if not value:
                continue
            texts = {
                lang: text for lang, text in value.items() if lang in self.installed
            }
            if set(texts) <= {"en_US"}:
                continue  # written by create or write
            field = record._fields[fname]
            if field.type == "html":
                texts = {
                    lang: field.convert_to_cache(text, record) or ""
                    for lang, text in texts.items()
                }
            todo.setdefault((record._name, fname), []).append((record.id, texts))
        self.env.flush_all()
        for (model, fname), rows in todo.items():
            Model = self.env[model]
            values = SQL(", ").join(
                SQL("(%s, %s::jsonb)", record_id, json.dumps(texts))
                for record_id, texts in rows
            )
            self.env.cr.execute(
                SQL(
                    "UPDATE %(table)s AS t SET %(col)s = "
                    "COALESCE(t.%(col)s, '{}'::jsonb) || v.texts "
                    "FROM (VALUES %(values)s) AS v(id, texts) WHERE t.id = v.id",
                    table=SQL.identifier(Model._table),
                    col=SQL.identifier(fname),
                    values=values,
                )
            )
            Model.invalidate_model([fname])
