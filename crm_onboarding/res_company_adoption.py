# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
# Kept apart from res_company.py (shared with the onboarding work) on purpose.
# pylint: disable=consider-merging-classes-inherited
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..report.crm_adoption_report import QUALITY_ROWS

#: Allowed range of each data quality weight (the CHECK constraint below
#: repeats it).
WEIGHT_MIN, WEIGHT_MAX = 0, 100
WEIGHT_FIELDS = (
    "crm_quality_weight_email",
    "crm_quality_weight_phone",
    "crm_quality_weight_company",
    "crm_quality_weight_industry",
    "crm_quality_weight_category",
)
#: The ambassador reads the adoption figures of the company: a Sales user.
AMBASSADOR_GROUP = "sales_team.group_sale_salesman"
WEIGHT_HELP = (
    "Weight of this key field in the data quality of the company's leads, "
    "opportunities and contacts, from 0 (not checked) to 100."
)


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_ambassador_id = fields.Many2one(
        domain=lambda self: (
            "[('share', '=', False), ('company_ids', 'in', id), "
            f"('groups_id', 'in', {self.env.ref(AMBASSADOR_GROUP).id})]"
        ),
        help="The colleague who champions the CRM: keeps the routine guide up to "
        "date, follows up on how the CRM is used and helps the other users. A "
        "Sales user (Own Documents Only at least), who sees the adoption figures "
        "of the whole company.",
    )

    crm_quality_weight_email = fields.Integer(
        "E-mail Weight", default=3, help=WEIGHT_HELP
    )
    crm_quality_weight_phone = fields.Integer(
        "Phone Weight", default=3, help=WEIGHT_HELP
    )
    crm_quality_weight_company = fields.Integer(
        "Company Weight", default=2, help=WEIGHT_HELP
    )
    crm_quality_weight_industry = fields.Integer(
        "Industry Weight", default=1, help=WEIGHT_HELP
    )
    crm_quality_weight_category = fields.Integer(
        "Category Weight", default=1, help=WEIGHT_HELP
    )

    _sql_constraints = [
        (
            "crm_quality_weights_positive",
            "CHECK(crm_quality_weight_email BETWEEN 0 AND 100 "
            "AND crm_quality_weight_phone BETWEEN 0 AND 100 "
            "AND crm_quality_weight_company BETWEEN 0 AND 100 "
            "AND crm_quality_weight_industry BETWEEN 0 AND 100 "
            "AND crm_quality_weight_category BETWEEN 0 AND 100)",
            "Data quality weights must be between 0 and 100.",
        ),
    ]

    @api.constrains(*WEIGHT_FIELDS)
    def _check_crm_quality_weights(self):
        for company in self:
            for fname in WEIGHT_FIELDS:
                weight = company[fname]
                if not WEIGHT_MIN <= weight <= WEIGHT_MAX:
                    raise ValidationError(
                        self.env._(
                            "Data quality weights must be between %(min)s and "
                            "%(max)s (0 = not checked): %(weight)s is %(value)s.",
                            min=WEIGHT_MIN,
                            max=WEIGHT_MAX,
                            weight=company._fields[fname]._description_string(self.env),
                            value=weight,
                        )
                    )

    # ------------------------------------------------------------------
    # Weekly follow-up by the CRM ambassador
    # ------------------------------------------------------------------

    @api.constrains("crm_ambassador_id")
    def _check_crm_ambassador(self):
        for company in self:
            user = company.crm_ambassador_id
            if user and (
                not user.active or user.share or not user._has_group(AMBASSADOR_GROUP)
            ):
                raise ValidationError(
                    self.env._(
                        "The CRM ambassador of %(company)s must be an active user "
                        "with Sales rights (Sales: User: Own Documents Only at "
                        "least), which %(user)s is not.",
                        company=company.name,
                        user=user.name,
                    )
                )

    def write(self, vals):
        if "crm_ambassador_id" not in vals:
            return super().write(vals)
        previous = {company: company.crm_ambassador_id for company in self}
        result = super().write(vals)
        self._crm_adoption_follow_up_hand_over(previous)
        return result

    def _crm_adoption_follow_up_activities(self, users=None):
        """Open follow-up to-dos on these companies (of these users)."""
        domain = [
            (
                "activity_type_id",
                "=",
                self.env.ref(
                    "crm_workflow_guide.mail_activity_type_crm_adoption_follow_up"
                ).id,
            ),
            ("res_model", "=", "res.partner"),
            ("res_id", "in", self.partner_id.ids),
        ]
        if users is not None:
            domain.append(("user_id", "in", users.ids))
        return self.env["mail.activity"].sudo().search(domain)

    def _crm_adoption_follow_up_hand_over(self, previous):
        """The open follow-up to-do of a former ambassador goes to the new
        one, or is removed when the company has no ambassador any more."""
        changed = self.filtered(
            lambda company: company.crm_ambassador_id != previous[company]
        )
        if not changed:
            return
        activities = changed._crm_adoption_follow_up_activities(
            users=self.env["res.users"].union(*previous.values())
        )
        ambassadors = {company.partner_id.id: company for company in changed}
        for activity in activities:
            company = ambassadors[activity.res_id]
            if activity.user_id != previous[company]:
                continue
            if company.crm_ambassador_id:
                activity.user_id = company.crm_ambassador_id
            else:
                activity.unlink()

    @api.model
    def _crm_adoption_follow_up_figures(self):
        """``{company_id: {user_id: [incomplete, rated, overdue_steps]}}`` for
        every company, from two grouped queries."""
        figures = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT q.user_id, coalesce(q.company_id, u.company_id),
                       count(*) FILTER (WHERE q.score < 1), count(*)
                  FROM (%s) q
                  JOIN res_users u ON u.id = q.user_id
                 WHERE q.score IS NOT NULL AND u.active AND u.share IS NOT TRUE
                 GROUP BY 1, 2
                """,
                SQL(QUALITY_ROWS),
            )
        )
        for user_id, company_id, incomplete, rated in self.env.cr.fetchall():
            figures[company_id][user_id][0] = incomplete
            figures[company_id][user_id][1] = rated
        self.env.cr.execute(
            SQL(
                """
                SELECT s.user_id, coalesce(s.company_id, u.company_id), count(*)
                  FROM crm_guide_record_step s
                  JOIN res_users u ON u.id = s.user_id
                 WHERE s.state = 'todo' AND s.date_deadline < %s
                   AND u.active AND u.share IS NOT TRUE
                 GROUP BY 1, 2
                """,
                fields.Date.context_today(self),
            )
        )
        for user_id, company_id, overdue in self.env.cr.fetchall():
            figures[company_id][user_id][2] = overdue
        return figures

    def _crm_adoption_follow_up_note(self, per_user, users):
        _ = self.env._
        rows = Markup("").join(
            Markup(
                "<tr><td>%(user)s</td><td>%(incomplete)s / %(rated)s</td>"
                "<td>%(overdue)s</td></tr>"
            )
            % {
                "user": users[user_id].name,
                "incomplete": incomplete,
                "rated": rated,
                "overdue": overdue,
            }
            for user_id, (incomplete, rated, overdue) in sorted(
                per_user.items(), key=lambda item: users[item[0]].name or ""
            )
            if incomplete or overdue
        )
        return Markup(
            "<p>%(intro)s</p><table class='table table-sm'><thead><tr>"
            "<th>%(user)s</th><th>%(quality)s</th><th>%(overdue)s</th>"
            "</tr></thead><tbody>%(rows)s</tbody></table>"
        ) % {
            "intro": _(
                "Users with incomplete customer data or overdue guide steps. "
                "Open the Adoption analysis for details."
            ),
            "user": _("User"),
            "quality": _("Records with incomplete key fields / records rated"),
            "overdue": _("Overdue guide steps"),
            "rows": rows,
        }

    @api.model
    def _cron_crm_adoption_follow_up(self):
        """Give the CRM ambassador of each company one to-do listing each
        user's data quality problems and overdue guide steps; it replaces the
        previous week's to-do if still open."""
        # last week's to-dos, also of the companies without an ambassador now
        self.with_context(active_test=False).search(
            []
        )._crm_adoption_follow_up_activities().unlink()
        companies = self.search([("crm_ambassador_id", "!=", False)])
        # archived ambassadors, and those without Sales rights any more, are
        # skipped: nobody would see or could follow up their to-do
        ambassadors = self.env["res.users"].search(
            [
                ("id", "in", companies.crm_ambassador_id.ids),
                ("share", "=", False),
                ("groups_id", "in", self.env.ref(AMBASSADOR_GROUP).id),
            ]
        )
        companies = companies.filtered(
            lambda company: company.crm_ambassador_id in ambassadors
        )
        if not companies:
            return
        activity_type = self.env.ref(
            "crm_workflow_guide.mail_activity_type_crm_adoption_follow_up"
        )
        figures = self._crm_adoption_follow_up_figures()
        user_ids = {user_id for company in companies for user_id in figures[company.id]}
        users = {user.id: user for user in self.env["res.users"].browse(user_ids)}
        Activity = self.env["mail.activity"].sudo()
        partner_model = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        for company in companies:
            per_user = figures[company.id]
            if not any(
                incomplete or overdue for incomplete, __, overdue in per_user.values()
            ):
                continue
            vals_list.append(
                {
                    "res_model_id": partner_model,
                    "res_id": company.partner_id.id,
                    "activity_type_id": activity_type.id,
                    "user_id": company.crm_ambassador_id.id,
                    "summary": self.env._(
                        "CRM adoption follow-up: %(company)s", company=company.name
                    ),
                    "note": self._crm_adoption_follow_up_note(per_user, users),
                    "date_deadline": fields.Date.context_today(self),
                }
            )
        Activity.create(vals_list)
