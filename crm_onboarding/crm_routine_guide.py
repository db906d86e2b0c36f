# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The routine guide (what to register, how, who is responsible) and the
configuration questionnaire of the seeds, one per company."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


def _check_company_kept(records, vals):
    """A company's guide or questionnaire stays the company's."""
    if (
        "company_id" in vals
        and not records.env.su
        and any(record.company_id.id != vals["company_id"] for record in records)
    ):
        raise UserError(
            records.env._(
                "A routine guide or questionnaire belongs to its company for good: "
                "its company cannot be changed."
            )
        )


class CrmRoutineGuide(models.Model):
    _name = "crm.routine.guide"
    _description = "CRM Routine Guide"
    _inherit = ["mail.thread"]
    _order = "company_id, id"
    _check_company_auto = True

    name = fields.Char(required=True, default=lambda self: self.env._("Routine Guide"))
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    body = fields.Html(
        "Routine",
        sanitize_style=True,
        default=lambda self: self._default_body(),
        help="What to register in the CRM, how, and who is responsible.",
    )

    _sql_constraints = [
        ("company_uniq", "unique (company_id)", "A company has one routine guide.")
    ]

    @api.model
    def action_open_company_guide(self):
        """The routine guide of the current company (created from the template
        the first time a CRM administrator or the ambassador opens it)."""
        guide = self.search([("company_id", "=", self.env.company.id)], limit=1)
        if not guide and self._can_edit():
            # the ambassador edits the guide but has no right to create it:
            # the system creates it for them, in their language
            guide = (
                self.sudo()
                .create({"company_id": self.env.company.id})
                .with_env(self.env)
            )
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Routine Guide"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
        if guide:
            action["res_id"] = guide.id
        else:
            action["context"] = {"create": False}
            action["views"] = [(False, "list")]
            action["view_mode"] = "list"
        return action

    def write(self, vals):
        _check_company_kept(self, vals)
        if not (
            self.env.su
            or self.env.user.has_group(
                "crm_workflow_guide.crm_workflow_guide_group_admin"
            )
        ):
            # a clear refusal rather than the record rule's hint about
            # switching companies
            self.check_access("read")
            others = self.sudo().filtered(
                lambda guide: guide.company_id.crm_ambassador_id != self.env.user
            )
            if others:
                raise AccessError(
                    self.env._(
                        "Only the CRM ambassador of %(company)s and the CRM "
                        "administrators edit its routine guide.",
                        company=others[0].company_id.name,
                    )
                )
        return super().write(vals)

    @api.model
    def _can_edit(self):
        return (
            self.env.user.has_group("crm_workflow_guide.crm_workflow_guide_group_admin")
            or self.env.company.crm_ambassador_id == self.env.user
        )

    @api.model
    def _default_body(self):
        """A starting template, in the user's language."""
        sections = [
            (
                self.env._("What we register"),
                [
                    self.env._("Every company and person we talk to, with their "
                               "category, industry and interests."),
                    self.env._("Every call, meeting and e-mail as an activity on "
                               "the contact or the opportunity."),
                    self.env._("Every sale as an opportunity that follows its "
                               "guide, and every quotation from it."),
                ],
            ),
            (
                self.env._("How we register"),
                [
                    self.env._("Search before you create: no duplicates."),
                    self.env._("Plan the next step before you close an activity."),
                    self.env._("Consent: register subscriptions with their date "
                               "and source; unsubscribe on request the same day."),
                ],
            ),
            (
                self.env._("Who is responsible"),
                [
                    self.env._("The salesperson keeps their accounts and "
                               "opportunities up to date."),
                    self.env._("The CRM ambassador answers questions and follows "
                               "up the figures every week."),
                    self.env._("The CRM administrator keeps the lists, guides and "
                               "templates."),
                ],
            ),
        ]  # fmt: skip
        return Markup("").join(
            Markup("<h3>%s</h3><ul>%s</ul>")
            % (title, Markup("").join(Markup("<li>%s</li>") % item for item in items))
            for title, items in sections
        )


class CrmConfigQuestionnaire(models.Model):
    """The seeds' configuration preparation document: the questions to answer
    before setting the CRM up, answered per company, printable."""

    _name = "crm.config.questionnaire"
    _description = "CRM Configuration Questionnaire"
    _inherit = ["mail.thread"]
    _order = "company_id, id"
    _check_company_auto = True

    name = fields.Char(
        required=True, default=lambda self: self.env._("CRM Configuration")
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    segmentation = fields.Text(
        help="Which company categories, industries and interests do we need? "
        "Which lists are for companies, which for persons?"
    )
    subscriptions = fields.Text(
        help="Which newsletters, invitations and other mailings do persons "
        "subscribe to? Where does their consent come from?"
    )
    report_fields = fields.Text(
        "Fields to Report On",
        help="Which figures do managers follow (turnover per industry, sales "
        "per salesperson...)? Which fields must therefore be filled in?",
    )
    sale_types = fields.Text(
        "Sale Types and Guides",
        help="Which types of sale do we make (new customer, existing customer, "
        "project...)? Which stages, follow-ups and documents does each need?",
    )
    users = fields.Text(
        "Users and Roles",
        help="Who uses the CRM, with which rights? Who is the CRM ambassador?",
    )
    documents = fields.Text(
        help="Which letters, quotations and e-mails do we send? Who writes the "
        "templates?"
    )
    imports = fields.Text(
        "Data to Import",
        help="Where are the companies, persons and products today (spreadsheets, "
        "old CRM)? Who cleans them before the import?",
    )
    routines = fields.Text(
        help="What must every user register, how, and by when? (the routine guide)"
    )
    is_answered = fields.Boolean(
        "Answered",
        compute="_compute_is_answered",
        store=True,
        help="Every question has an answer.",
    )

    _sql_constraints = [
        ("company_uniq", "unique (company_id)", "A company has one questionnaire.")
    ]

    _QUESTIONS = (
        "segmentation", "subscriptions", "report_fields", "sale_types", "users",
        "documents", "imports", "routines",
    )  # fmt: skip

    def write(self, vals):
        _check_company_kept(self, vals)
        return super().write(vals)

    @api.depends(*_QUESTIONS)
    def _compute_is_answered(self):
        for questionnaire in self:
            questionnaire.is_answered = all(
                (questionnaire[fname] or "").strip() for fname in self._QUESTIONS
            )

    def _report_rows(self):
        """``[(question, help, answer)]`` for the printed report."""
        self.ensure_one()
        return [
            (
                self._fields[fname].get_description(self.env)["string"],
                self._fields[fname].get_description(self.env).get("help", ""),
                self[fname] or "",
            )
            for fname in self._QUESTIONS
        ]

    def action_print(self):
        return self.env.ref(
            "crm_workflow_guide.action_report_crm_config_questionnaire"
        ).report_action(self)
