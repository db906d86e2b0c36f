# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.tools import SQL

#: The adoption figures are kept in a materialized view: reading them is a
#: grouped query over a few rows per user and day instead of a scan of every
#: message, activity and opportunity.  They are refreshed by the hourly
#: scheduled action and when the report is opened and the figures are older
#: than this.
REFRESH_AFTER = timedelta(minutes=5)
REFRESHED_AT_PARAM = "crm_workflow_guide.adoption_refreshed_at"

#: ``score`` of one record (a lead/opportunity or a contact): the weighted
#: share of its key fields that are filled and valid.  ``rec`` is the record's
#: alias; the ``{…}`` parts are filled in per record kind below.  The e-mail
#: is checked on the normalized address: the mail gateway stores
#: ``"Name" <address>`` in the e-mail field.
EMAIL_PATTERN = "'^[^@[:space:]]+@[^@[:space:]]+\\.[^@[:space:]]+$'"
#: The weights are added up as numeric: the constraint bounds them, but a
#: figure must never be out of range whatever is stored in the settings.
QUALITY_SCORE = """
    (
        wc.crm_quality_weight_email::numeric
            * coalesce({email} ~* {email_pattern}, false)::int
        + wc.crm_quality_weight_phone::numeric
            * (length(regexp_replace(coalesce({phone}, ''), '[^0-9]', '', 'g'))
               >= 6)::int
        + wc.crm_quality_weight_company::numeric
            * coalesce({company}, false)::int
        + wc.crm_quality_weight_industry::numeric
            * (ind.industry_id IS NOT NULL)::int
        + wc.crm_quality_weight_category::numeric
            * coalesce({category}, false)::int
    ) / NULLIF(
        wc.crm_quality_weight_email::numeric + wc.crm_quality_weight_phone
        + wc.crm_quality_weight_company + wc.crm_quality_weight_industry
        + wc.crm_quality_weight_category,
        0
    )
"""

LEAD_SCORE = QUALITY_SCORE.format(
    email_pattern=EMAIL_PATTERN,
    email="rec.email_normalized",
    phone="coalesce(nullif(rec.phone, ''), rec.mobile)",
    company="coalesce(rec.partner_name, '') <> '' OR ind.is_company",
    category="EXISTS (SELECT 1 FROM crm_tag_rel r WHERE r.lead_id = rec.id)",
)
PARTNER_SCORE = QUALITY_SCORE.format(
    email_pattern=EMAIL_PATTERN,
    email="rec.email_normalized",
    phone="coalesce(nullif(rec.phone, ''), rec.mobile)",
    company="rec.is_company OR rec.parent_id IS NOT NULL",
    category="EXISTS (SELECT 1 FROM res_partner_res_partner_category_rel r "
    "WHERE r.partner_id = rec.id)",
)

#: One row per record whose data quality counts: (user_id, company_id,
#: create_date, score).  Used by the report and by the ambassador follow-up.
QUALITY_ROWS = f"""
    SELECT rec.user_id, rec.company_id, rec.create_date, rec.id AS res_id,
           'crm.lead' AS res_model, {LEAD_SCORE} AS score
      FROM crm_lead rec
      JOIN res_users u ON u.id = rec.user_id
      JOIN res_company wc ON wc.id = coalesce(rec.company_id, u.company_id)
      LEFT JOIN res_partner p ON p.id = rec.partner_id
      LEFT JOIN res_partner ind ON ind.id = p.commercial_partner_id
     WHERE rec.active AND rec.user_id IS NOT NULL
    UNION ALL
    SELECT rec.user_id, rec.company_id, rec.create_date, rec.id AS res_id,
           'res.partner' AS res_model, {PARTNER_SCORE} AS score
      FROM res_partner rec
      JOIN res_users u ON u.id = rec.user_id
      JOIN res_company wc ON wc.id = coalesce(rec.company_id, u.company_id)
      LEFT JOIN res_partner ind ON ind.id = rec.commercial_partner_id
     WHERE rec.active AND rec.user_id IS NOT NULL
"""


class CrmAdoptionReport(models.Model):
    """How each user uses the CRM, per user and day (UTC)."""

    _name = "crm.adoption.report"
    _description = "CRM Adoption Analysis"
    _auto = False
    _order = "date desc, user_id"
    _rec_name = "user_id"

    user_id = fields.Many2one("res.users", string="User", readonly=True)
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        readonly=True,
        help="The user's main sales team (today), for every figure of the user.",
    )
    company_id = fields.Many2one(
        "res.company",
        readonly=True,
        help="Company of the record the figure is about: the opportunity, order "
        "or guide step, the record a call, meeting or e-mail was logged on, the "
        "opportunity or order an activity is on; the user's default company when "
        "that record has none.",
    )
    date = fields.Date(readonly=True, help="Day the figures happened (UTC).")
    calls_logged = fields.Integer(
        readonly=True,
        help="Activities of an activity type whose action is 'Phonecall' that the "
        "user marked done that day, on any document (counted from the chatter "
        "message the done activity leaves; the user is the author of that "
        "message). Calls done by another user count for that user.",
    )
    meetings_done = fields.Integer(
        readonly=True,
        help="Activities of an activity type whose action is 'Meeting' that the "
        "user marked done that day, on any document.",
    )
    emails_sent = fields.Integer(
        "E-mails Sent",
        readonly=True,
        help="Messages the user sent that day to the followers of a lead, an "
        "opportunity or a contact (chatter 'Send message', templates sent from "
        "the record). Internal notes and incoming e-mails are not counted.",
    )
    leads_converted = fields.Integer(
        readonly=True,
        help="Leads converted into an opportunity that day (conversion date), "
        "counted for the salesperson of the opportunity. Opportunities lost or "
        "archived afterwards still count; opportunities created directly as "
        "opportunities (never a lead) do not.",
    )
    opportunities_won = fields.Integer(
        readonly=True,
        help="Opportunities of the salesperson that are in a won stage, counted on "
        "their closing date. Lost and archived opportunities are not counted.",
    )
    orders_confirmed = fields.Integer(
        readonly=True,
        help="Sales orders of the salesperson in state 'Sales Order' (confirmed, "
        "locked or not), counted on their order date. Quotations and cancelled "
        "orders are not counted.",
    )
    guide_steps_done = fields.Integer(
        readonly=True,
        help="Workflow guide steps the user did that day, on any record (guide "
        "steps marked not applicable are not counted).",
    )
    overdue_activities = fields.Integer(
        readonly=True,
        help="Open activities assigned to the user whose due date is before today, "
        "counted on their due date. Done and cancelled activities are not counted.",
    )
    quality_record_count = fields.Integer(
        "Records Rated",
        readonly=True,
        help="Active leads, opportunities and contacts whose salesperson is the "
        "user, counted on the day they were created. Lost and archived records "
        "are not rated.",
    )
    quality_points = fields.Float(
        readonly=True,
        help="Sum over the rated records of the weighted share of their key fields "
        "that are filled and valid (1 for a perfect record).",
    )
    data_quality = fields.Float(
        "Data Quality (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the key fields of the user's active leads, opportunities and "
        "contacts that are filled and valid, weighted as set in the CRM settings "
        "of the record's company: e-mail (a valid address), phone or mobile (at "
        "least 6 digits), company (company name, or a company / a contact of a "
        "company as customer), industry (of the customer's company) and category "
        "(a tag on the opportunity, a tag on the contact). Totals are weighted by "
        "the number of records, not averaged per day.",
    )
    adoption_points = fields.Integer(
        readonly=True,
        help="Leaderboard score: one point per call logged, meeting done, e-mail "
        "sent, lead converted, opportunity won, order confirmed and guide step "
        "done.",
    )

    def _select_sql(self):
        mt_comment = "(SELECT res_id FROM ir_model_data WHERE module = 'mail' AND name = 'mt_comment')"  # noqa: E501
        zeros = {
            "calls": "0",
            "meetings": "0",
            "emails": "0",
            "converted": "0",
            "won": "0",
            "orders": "0",
            "steps": "0",
            "overdue": "0",
            "q_records": "0",
            "q_points": "0::numeric",
        }

        def cols(**values):
            return ", ".join(
                f"{values.get(name, zero)} AS {name}" for name, zero in zeros.items()
            )

        return f"""
            WITH events AS (
                SELECT u.id AS user_id, m.record_company_id AS company_id,
                       m.date::date AS date,
                       {
            cols(
                calls="(t.category = 'phonecall')::int",
                meetings="(t.category = 'meeting')::int",
            )
        }
                  FROM mail_message m
                  JOIN mail_activity_type t ON t.id = m.mail_activity_type_id
                   AND t.category IN ('phonecall', 'meeting')
                  JOIN res_users u ON u.partner_id = m.author_id
                 WHERE m.message_type = 'notification'
                UNION ALL
                SELECT u.id, m.record_company_id, m.date::date, {cols(emails="1")}
                  FROM mail_message m
                  JOIN res_users u ON u.partner_id = m.author_id
                 WHERE m.model IN ('crm.lead', 'res.partner')
                   AND m.message_type IN ('comment', 'email', 'email_outgoing')
                   AND m.subtype_id = {mt_comment}
                UNION ALL
                SELECT l.user_id, l.company_id, l.date_conversion::date,
                       {cols(converted="1")}
                  FROM crm_lead l
                 WHERE l.date_conversion IS NOT NULL AND l.user_id IS NOT NULL
                UNION ALL
                SELECT l.user_id, l.company_id, l.date_closed::date, {cols(won="1")}
                  FROM crm_lead l
                  JOIN crm_stage st ON st.id = l.stage_id AND st.is_won
                 WHERE l.active AND l.type = 'opportunity'
                   AND l.date_closed IS NOT NULL AND l.user_id IS NOT NULL
                UNION ALL
                SELECT o.user_id, o.company_id, o.date_order::date, {cols(orders="1")}
                  FROM sale_order o
                 WHERE o.state = 'sale' AND o.user_id IS NOT NULL
                UNION ALL
                SELECT s.done_user_id, s.company_id, s.date_done::date,
                       {cols(steps="1")}
                  FROM crm_guide_record_step s
                 WHERE s.state = 'done' AND s.done_user_id IS NOT NULL
                   AND s.date_done IS NOT NULL
                UNION ALL
                SELECT a.user_id, coalesce(l.company_id, o.company_id),
                       a.date_deadline, {cols(overdue="1")}
                  FROM mail_activity a
                  LEFT JOIN crm_lead l ON a.res_model = 'crm.lead' AND l.id = a.res_id
                  LEFT JOIN sale_order o
                    ON a.res_model = 'sale.order' AND o.id = a.res_id
                 WHERE a.active AND a.user_id IS NOT NULL
                   AND a.date_deadline < (now() AT TIME ZONE 'UTC')::date
                UNION ALL
                SELECT q.user_id, q.company_id, q.create_date::date,
                       {cols(q_records="1", q_points="q.score")}
                  FROM ({QUALITY_ROWS}) q
                 WHERE q.score IS NOT NULL
            )
            SELECT
                (row_number() OVER (
                    ORDER BY e.user_id, coalesce(e.company_id, u.company_id), e.date
                ))::int AS id,
                e.user_id,
                u.sale_team_id AS team_id,
                coalesce(e.company_id, u.company_id) AS company_id,
                e.date,
                sum(e.calls)::int AS calls_logged,
                sum(e.meetings)::int AS meetings_done,
                sum(e.emails)::int AS emails_sent,
                sum(e.converted)::int AS leads_converted,
                sum(e.won)::int AS opportunities_won,
                sum(e.orders)::int AS orders_confirmed,
                sum(e.steps)::int AS guide_steps_done,
                sum(e.overdue)::int AS overdue_activities,
                sum(e.q_records)::int AS quality_record_count,
                sum(e.q_points)::float AS quality_points,
                (100.0 * sum(e.q_points) / nullif(sum(e.q_records), 0))::float
                    AS data_quality,
                (sum(e.calls) + sum(e.meetings) + sum(e.emails) + sum(e.converted)
                 + sum(e.won) + sum(e.orders) + sum(e.steps))::int AS adoption_points
            FROM events e
            JOIN res_users u ON u.id = e.user_id AND u.share IS NOT TRUE
            WHERE e.date IS NOT NULL
            GROUP BY e.user_id, u.sale_team_id, coalesce(e.company_id, u.company_id),
                     e.date
        """

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE MATERIALIZED VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL(self._select_sql()),
            )
        )
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX %s ON %s (id)",
                SQL.identifier(f"{self._table}_id_uniq"),
                SQL.identifier(self._table),
            )
        )
        self.env.cr.execute(
            SQL(
                "CREATE INDEX %s ON %s (user_id, date)",
                SQL.identifier(f"{self._table}_user_date_idx"),
                SQL.identifier(self._table),
            )
        )
        self.env["ir.config_parameter"].sudo().set_param(
            REFRESHED_AT_PARAM, fields.Datetime.to_string(fields.Datetime.now())
        )

    # ------------------------------------------------------------------
    # Aggregation: data quality is weighted by records, not averaged per row
    # ------------------------------------------------------------------

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec.split(":")[0] == "data_quality":
            # checks access to the field like any other aggregate
            super()._read_group_select("data_quality:avg", query)
            return SQL(
                "100.0 * SUM(%s) / NULLIF(SUM(%s), 0)",
                self._field_to_sql(self._table, "quality_points", query),
                self._field_to_sql(self._table, "quality_record_count", query),
            )
        return super()._read_group_select(aggregate_spec, query)

    # ------------------------------------------------------------------
    # Refresh
    # ------------------------------------------------------------------

    @api.model
    def _refresh(self):
        """Recompute the figures (concurrent readers keep reading the old
        ones meanwhile)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "REFRESH MATERIALIZED VIEW CONCURRENTLY %s",
                SQL.identifier(self._table),
            )
        )
        self.env["ir.config_parameter"].sudo().set_param(
            REFRESHED_AT_PARAM, fields.Datetime.to_string(fields.Datetime.now())
        )
        self.invalidate_model()

    @api.model
    def _refresh_if_stale(self):
        refreshed_at = (
            self.env["ir.config_parameter"].sudo().get_param(REFRESHED_AT_PARAM)
        )
        if (
            not refreshed_at
            or fields.Datetime.to_datetime(refreshed_at) + REFRESH_AFTER
            < fields.Datetime.now()
        ):
            self._refresh()

    @api.model
    def _cron_refresh(self):
        self._refresh()

    @api.model
    def _gamification_data_quality(self, goal):
        """Live data quality (%) of the goal's user over the goal's period
        (records created in it), for the 'Data Quality' goal definition."""
        self.env.flush_all()
        conditions = [
            SQL("q.user_id = %s", goal.user_id.id),
            SQL("q.score IS NOT NULL"),
        ]
        if goal.start_date:
            conditions.append(SQL("q.create_date >= %s", goal.start_date))
        if goal.end_date:
            conditions.append(
                SQL("q.create_date < %s", goal.end_date + timedelta(days=1))
            )
        self.env.cr.execute(
            SQL(
                "SELECT 100.0 * sum(q.score) / nullif(count(*), 0) "
                "FROM (%s) q WHERE %s",
                SQL(QUALITY_ROWS),
                SQL(" AND ").join(conditions),
            )
        )
        return float(self.env.cr.fetchone()[0] or 0.0)

    @api.model
    def action_open_report(self):
        """Menu entry: refresh stale figures, then open the analysis (for the
        users who may read the figures: the refresh is costly)."""
        self.browse().check_access("read")
        self._refresh_if_stale()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "crm_workflow_guide.crm_adoption_report_action"
        )

    @api.model
    def action_open_leaderboard(self):
        self.env["crm.adoption.leaderboard"].browse().check_access("read")
        self._refresh_if_stale()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "crm_workflow_guide.crm_adoption_leaderboard_action"
        )


class CrmAdoptionLeaderboard(models.Model):
    """Adoption points per user and month, with the user's rank among all
    the users of the company (a salesman sees only their own row, with their
    rank)."""

    _name = "crm.adoption.leaderboard"
    _description = "CRM Adoption Leaderboard"
    _auto = False
    _order = "date desc, rank, user_id"
    _rec_name = "user_id"

    user_id = fields.Many2one("res.users", string="User", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(
        "Month", readonly=True, help="First day of the month (UTC) of the figures."
    )
    adoption_points = fields.Integer(
        readonly=True,
        help="One point per call logged, meeting done, e-mail sent, lead "
        "converted, opportunity won, order confirmed and guide step done in the "
        "month (see the Adoption analysis for what each figure counts).",
    )
    rank = fields.Integer(
        readonly=True,
        aggregator=False,
        help="Place of the user among all the users of the company that month "
        "(1 = most points; equal points share a place).",
    )
    calls_logged = fields.Integer(readonly=True)
    leads_converted = fields.Integer(readonly=True)
    opportunities_won = fields.Integer(readonly=True)
    guide_steps_done = fields.Integer(readonly=True)
    data_quality = fields.Float("Data Quality (%)", readonly=True, aggregator=False)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
                SELECT (row_number() OVER (ORDER BY month, company_id, user_id))::int
                           AS id,
                       user_id, team_id, company_id, month AS date, adoption_points,
                       (rank() OVER (PARTITION BY company_id, month
                                     ORDER BY adoption_points DESC))::int AS rank,
                       calls_logged, leads_converted, opportunities_won,
                       guide_steps_done, data_quality
                  FROM (
                    SELECT r.user_id, max(r.team_id) AS team_id, r.company_id,
                           date_trunc('month', r.date)::date AS month,
                           sum(r.adoption_points)::int AS adoption_points,
                           sum(r.calls_logged)::int AS calls_logged,
                           sum(r.leads_converted)::int AS leads_converted,
                           sum(r.opportunities_won)::int AS opportunities_won,
                           sum(r.guide_steps_done)::int AS guide_steps_done,
                           (100.0 * sum(r.quality_points)
                            / nullif(sum(r.quality_record_count), 0))::float
                               AS data_quality
                      FROM crm_adoption_report r
                     GROUP BY r.user_id, r.company_id, date_trunc('month', r.date)
                  ) per_month
            )""",
                SQL.identifier(self._table),
            )
        )
