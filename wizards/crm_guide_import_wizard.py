# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Import guides from a guide file or from the library shipped in the addon.

Upload, preview (what will be created, how each reference was resolved,
the choice for each missing one), import. The import is all or nothing: it
runs in a savepoint, any error rolls everything back.
"""

import base64
import os

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import file_path

from ..crm_guides import guide_file
from .crm_guide_importer import Importer, in_lang

LIBRARY_DIR = "crm_workflow_guide/data/library"


class CrmGuideImportWizard(models.TransientModel):
    _name = "crm.guide.import.wizard"
    _description = "Import Workflow Guides"

    source = fields.Selection(
        [("file", "A guide file"), ("library", "The library")],
        default="file",
        required=True,
    )
    file = fields.Binary("Guide File", attachment=False)
    filename = fields.Char()
    library_file = fields.Selection(
        selection="_selection_library_file", string="Library Guide"
    )
    library_description = fields.Html(
        compute="_compute_library_description", string="About This Guide"
    )
    team_id = fields.Many2one(
        "crm.team",
        string="For Sales Team",
        help="The guides serve this team: their stages are found in its pipeline "
        "by name, and the missing ones are created in it. Empty: the teams and "
        "stages written in the file.",
    )
    state = fields.Selection(
        [("upload", "Upload"), ("preview", "Preview")], default="upload"
    )
    on_existing = fields.Selection(
        [("copy", "Create a copy"), ("update", "Update the existing guide")],
        string="Guides Already Imported",
        default="copy",
        help="A guide of the file that was imported before (same file key): "
        "create a copy of it, or update the existing guide. Updating archives "
        "the stages and steps records went through instead of deleting them.",
    )
    existing_count = fields.Integer(readonly=True)
    preview = fields.Html(readonly=True)
    line_ids = fields.One2many(
        "crm.guide.import.line", "wizard_id", string="References"
    )
    guide_ids = fields.Many2many("crm.guide", string="Imported Guides", readonly=True)

    # ------------------------------------------------------------------
    # Library
    # ------------------------------------------------------------------

    @api.model
    def _library_path(self):
        return file_path(LIBRARY_DIR)

    @api.model
    def _library_documents(self):
        """{file name: document} of the library's guide files."""
        folder = self._library_path()
        documents = {}
        for name in sorted(os.listdir(folder)):
            if name.endswith(".json"):
                with open(os.path.join(folder, name), "rb") as handle:
                    documents[name] = guide_file.load(handle.read())
        return documents

    @api.model
    def _selection_library_file(self):
        lang = self.env.lang or "en_US"
        return [
            (name, in_lang(document["guides"][0]["name"], lang))
            for name, document in self._library_documents().items()
        ]

    @api.depends("library_file")
    def _compute_library_description(self):
        documents = self._library_documents()
        lang = self.env.lang or "en_US"
        for wizard in self:
            document = documents.get(wizard.library_file)
            wizard.library_description = (
                Markup(in_lang(document["guides"][0].get("description"), lang))
                if document
                else False
            )

    # ------------------------------------------------------------------
    # Reading the file
    # ------------------------------------------------------------------

    def _guide_file_data(self):
        self.ensure_one()
        if self.source == "library":
            if not self.library_file:
                raise UserError(self.env._("Choose a guide of the library."))
            if not self.team_id:
                raise UserError(
                    self.env._("Choose the sales team the new guide is for.")
                )
            with open(
                os.path.join(self._library_path(), self.library_file), "rb"
            ) as handle:
                return handle.read()
        if not self.file:
            raise UserError(self.env._("Choose a guide file to import."))
        try:
            return base64.b64decode(self.file, validate=True)
        except ValueError:
            raise UserError(self.env._("The file could not be read.")) from None

    def _guide_document(self):
        """The checked document of the file, or a UserError naming the place."""
        try:
            return guide_file.load(self._guide_file_data())
        except guide_file.GuideFileError as error:
            raise UserError(self._guide_file_error_message(error)) from None

    def _guide_file_error_message(self, error):
        place = error.place or self.env._("the file")
        params = error.params
        messages = {
            "too_large": lambda: self.env._(
                "The file is too large (%(size)s bytes): a guide file has at most "
                "%(maximum)s bytes.",
                size=params["size"],
                maximum=params["maximum"],
            ),
            "not_json": lambda: self.env._(
                "The file is not a guide file: it is not valid JSON (%(detail)s).",
                detail=params.get("detail", ""),
            ),
            "not_format": lambda: self.env._(
                "The file is not a guide file of this addon: it has no "
                '"format": "%(format)s".',
                format=guide_file.FORMAT,
            ),
            "unknown_version": lambda: self.env._(
                "%(place)s: unknown format version %(version)s.",
                place=place,
                version=params.get("version"),
            ),
            "newer_version": lambda: self.env._(
                "%(place)s: the file has format version %(version)s, newer than "
                "the version %(known)s this addon reads. Update the addon to "
                "import it.",
                place=place,
                version=params.get("version"),
                known=params.get("known"),
            ),
            "unknown_key": lambda: self.env._(
                "%(place)s: unknown key %(key)s.", place=place, key=params["key"]
            ),
            "missing_key": lambda: self.env._(
                "%(place)s: this key is missing.", place=place
            ),
            "duplicate_key": lambda: self.env._(
                "The key %(key)s is written twice in the same object.",
                key=params["key"],
            ),
            "wrong_type": lambda: self.env._(
                "%(place)s: wrong type, expected %(expected)s.",
                place=place,
                expected=params["expected"],
            ),
            "bad_value": lambda: self.env._(
                "%(place)s: value not allowed (allowed: %(allowed)s).",
                place=place,
                allowed=params.get("allowed", "-"),
            ),
            "too_small": lambda: self.env._(
                "%(place)s: the value must be %(minimum)s or more.",
                place=place,
                minimum=params["minimum"],
            ),
            "too_large_number": lambda: self.env._(
                "%(place)s: the number is too large.", place=place
            ),
            "too_long": lambda: self.env._(
                "%(place)s: the text is too long.", place=place
            ),
            "missing_english": lambda: self.env._(
                "%(place)s: the text has no English (en_US) version.", place=place
            ),
            "bad_language": lambda: self.env._(
                "%(place)s: %(lang)s is not a language code.",
                place=place,
                lang=params["lang"],
            ),
            "unsafe_html": lambda: self.env._(
                "%(place)s: the text contains HTML that is not allowed in a guide "
                "(scripts, frames, forms, styles, event handlers or javascript "
                "links).",
                place=place,
            ),
            "duplicate_guide": lambda: self.env._(
                "%(place)s: this key is used twice.", place=place
            ),
            "bad_xmlid": lambda: self.env._(
                "%(place)s: an XML id is written module.name.", place=place
            ),
        }
        return messages.get(
            error.code,
            lambda: self.env._("%(place)s: not a valid value.", place=place),
        )()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _guide_check_designer(self):
        if not self.env.user.has_group(
            "crm_workflow_guide.crm_workflow_guide_group_designer"
        ):
            raise AccessError(self.env._("Only guide designers may import guides."))

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "name": self.env._("Import Guides"),
        }

    def action_preview(self):
        """Read and check the file, resolve its references and show what the
        import will do."""
        self.ensure_one()
        self._guide_check_designer()
        document = self._guide_document()
        importer = Importer(self, document)
        importer.resolve()
        self.line_ids.unlink()
        self.write(
            {
                "state": "preview",
                "existing_count": len(importer.existing),
                "line_ids": [Command.create(vals) for vals in importer.line_vals()],
                "preview": importer.summary(),
            }
        )
        return self._reopen()

    def action_back(self):
        self.ensure_one()
        self.line_ids.unlink()
        self.write({"state": "upload", "preview": False, "existing_count": 0})
        return self._reopen()

    def action_import(self):
        """Create (or update) the guides of the file, all or nothing."""
        self.ensure_one()
        self._guide_check_designer()
        document = self._guide_document()
        importer = Importer(self, document)
        importer.resolve()
        importer.apply_choices(self.line_ids)
        with self.env.cr.savepoint():
            guides = importer.run()
        self.guide_ids = guides
        if len(guides) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "crm.guide",
                "res_id": guides.id,
                "view_mode": "form",
                "views": [(False, "form")],
                "target": "current",
            }
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.guide",
            "name": self.env._("Imported Guides"),
            "domain": [("id", "in", guides.ids)],
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "target": "current",
        }


class CrmGuideImportLine(models.TransientModel):
    """One reference of the file (or one guide, or one skipped language) and
    how the import resolves it."""

    _name = "crm.guide.import.line"
    _description = "Workflow Guide Import: Reference"
    _order = "sequence, id"

    wizard_id = fields.Many2one(
        "crm.guide.import.wizard", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer()
    kind = fields.Selection(
        [
            ("guide", "Guide"),
            ("team", "Sales Team"),
            ("stage", "Pipeline Stage"),
            ("activity_type", "Activity Type"),
            ("mail_template", "E-mail Template"),
            ("user", "User"),
            ("quotation_guide", "Quotation Guide"),
            ("language", "Language"),
        ],
        required=True,
        readonly=True,
    )
    reference = fields.Char(readonly=True, help="As written in the file.")
    place = fields.Char(readonly=True, help="Where the file uses it first.")
    usage_count = fields.Integer("Uses", readonly=True)
    resolution = fields.Selection(
        [
            ("xmlid", "Found by XML id"),
            ("name", "Found by name"),
            ("key", "Found by file key"),
            ("file", "Imported from the same file"),
            ("create", "Will be created"),
            ("missing", "Missing"),
            ("new", "New guide"),
            ("exists", "Already imported"),
            ("skipped", "Skipped"),
        ],
        readonly=True,
    )
    found = fields.Char(readonly=True)
    note = fields.Char(readonly=True)
    can_create = fields.Boolean(readonly=True)
    needs_choice = fields.Boolean(readonly=True)
    action = fields.Selection(
        [
            ("create", "Create it"),
            ("pick", "Use an existing one"),
            ("drop", "Drop what uses it"),
        ],
        string="Choice",
    )
    ref_key = fields.Char(readonly=True)
    stage_id = fields.Many2one("crm.stage", string="Use Stage")
    activity_type_id = fields.Many2one("mail.activity.type", string="Use Activity Type")
    team_id = fields.Many2one("crm.team", string="Use Team")
    user_id = fields.Many2one("res.users", string="Use User")
    mail_template_id = fields.Many2one("mail.template", string="Use Template")

    def _picked(self):
        self.ensure_one()
        return {
            "stage": self.stage_id,
            "activity_type": self.activity_type_id,
            "team": self.team_id,
            "user": self.user_id,
            "mail_template": self.mail_template_id,
        }.get(self.kind)
