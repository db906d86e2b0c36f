# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models, tools
from odoo.tools import SQL

RATES = {
    # rate field: (numerator count, denominator count)
    "win_rate_done": ("won_done_count", "closed_done_count"),
    "win_rate_not_done": ("won_not_done_count", "closed_not_done_count"),
    "done_rate": ("done_count", "record_count"),
}
#: Averages whose totals are weighted by the records: (sum, count) columns.
AVERAGES = {
    "avg_days_to_done": ("days_to_done_total", "done_count"),
}


class CrmGuideStepReport(models.Model):
    """How each step of the workflow guides performs on the opportunities:
    one row per step and company of the records (a guide without company
    serves several companies, and each user may only count the records of
    their allowed companies)."""

    _name = "crm.guide.step.report"
    _description = "Guide Step Effectiveness"
    _auto = False
    _order = "guide_id, guide_stage_sequence, sequence, step_id"
    _rec_name = "step_id"

    step_id = fields.Many2one("crm.guide.step", string="Step", readonly=True)
    guide_stage_id = fields.Many2one(
        "crm.guide.stage", string="Guide Stage", readonly=True
    )
    guide_id = fields.Many2one("crm.guide", string="Guide", readonly=True)
    guide_stage_sequence = fields.Integer(readonly=True, aggregator=False)
    sequence = fields.Integer(readonly=True, aggregator=False)
    company_id = fields.Many2one(
        "res.company",
        readonly=True,
        help="Company of the records counted on this row (the guide's company "
        "for a step no record reached yet).",
    )
    is_required = fields.Boolean("Required", readonly=True)
    record_count = fields.Integer(
        "Reached",
        readonly=True,
        help="Leads and opportunities (archived and lost ones included) that "
        "reached the stage of the step: the guide gave them the step.",
    )
    done_count = fields.Integer(
        "Done", readonly=True, help="Of the records reached, those where it is done."
    )
    na_count = fields.Integer(
        "Not Applicable",
        readonly=True,
        help="Of the records reached, those where someone marked it not applicable "
        "(skipped).",
    )
    forgotten_count = fields.Integer(
        "Forgotten",
        readonly=True,
        help="Of the records reached, those where it is still to do although the "
        "record moved on: it is in another pipeline stage, or it is won, lost or "
        "archived.",
    )
    open_count = fields.Integer(
        "To Do",
        readonly=True,
        help="Still to do on records that are in the step's stage.",
    )
    done_rate = fields.Float(
        "Done (%)",
        readonly=True,
        aggregator="avg",
        help="Done / Reached. Totals are computed over all the records.",
    )
    closed_done_count = fields.Integer(
        "Closed With Step Done",
        readonly=True,
        help="Won or lost opportunities on which the step is done. Won: active in a "
        "won stage. Lost: archived with a probability of 0; archiving an "
        "opportunity sets its probability to 0, so archived opportunities count "
        "as lost.",
    )
    won_done_count = fields.Integer("Won With Step Done", readonly=True)
    closed_not_done_count = fields.Integer(
        "Closed Without Step Done",
        readonly=True,
        help="Won or lost opportunities that reached the step without doing it "
        "(to do or not applicable).",
    )
    won_not_done_count = fields.Integer("Won Without Step Done", readonly=True)
    win_rate_done = fields.Float(
        "Win Rate When Done (%)",
        readonly=True,
        aggregator="avg",
        help="Won / closed among the closed opportunities on which the step is done.",
    )
    win_rate_not_done = fields.Float(
        "Win Rate When Not Done (%)",
        readonly=True,
        aggregator="avg",
        help="Won / closed among the closed opportunities that reached the step "
        "without doing it.",
    )
    median_days_to_done = fields.Float(
        readonly=True,
        aggregator=False,
        help="Median number of days between the record entering the step's stage "
        "(when the guide gave it the step) and the step being done.",
    )
    days_to_done_total = fields.Float(
        "Days To Done (Total)",
        readonly=True,
        help="Days between the record entering the step's stage and the step "
        "being done, added up over the records where it is done.",
    )
    avg_days_to_done = fields.Float(
        "Average Days To Done",
        readonly=True,
        aggregator="avg",
        help="Average number of days between the record entering the step's stage "
        "and the step being done (totals are averages over all the records where "
        "it is done).",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
                WITH rows AS (
                    -- date_done is to the second, create_date to the
                    -- microsecond: both are truncated (and a step is never done
                    -- before it was given), so a step done at once takes 0 days
                    SELECT s.step_id, l.company_id, s.state,
                           EXTRACT(EPOCH FROM date_trunc('second', s.date_done)
                               - least(date_trunc('second', s.create_date),
                                       date_trunc('second', s.date_done))) / 86400.0
                               AS days_to_done,
                           (l.active AND st.is_won) AS won,
                           (NOT l.active AND coalesce(l.probability, 0) = 0) AS lost,
                           (l.active AND NOT coalesce(st.is_won, false)
                            AND l.stage_id IS NOT DISTINCT FROM gs.stage_id) AS in_stage
                      FROM crm_guide_record_step s
                      JOIN crm_lead l ON l.id = s.res_id AND s.res_model = 'crm.lead'
                      JOIN crm_guide_stage gs ON gs.id = s.guide_stage_id
                      LEFT JOIN crm_stage st ON st.id = l.stage_id
                )
                SELECT (row_number() OVER (
                           ORDER BY step.id, r.company_id NULLS FIRST))::int AS id,
                       step.id AS step_id, step.guide_stage_id,
                       gs.guide_id, gs.sequence AS guide_stage_sequence,
                       tpl.sequence,
                       CASE WHEN count(r.step_id) = 0 THEN g.company_id
                            ELSE r.company_id END AS company_id,
                       step.is_required,
                       count(r.step_id)::int AS record_count,
                       count(*) FILTER (WHERE r.state = 'done')::int AS done_count,
                       count(*) FILTER (WHERE r.state = 'na')::int AS na_count,
                       count(*) FILTER (WHERE r.state = 'todo' AND NOT r.in_stage)::int
                           AS forgotten_count,
                       count(*) FILTER (WHERE r.state = 'todo' AND r.in_stage)::int
                           AS open_count,
                       (100.0 * count(*) FILTER (WHERE r.state = 'done')
                        / nullif(count(r.step_id), 0))::float AS done_rate,
                       count(*) FILTER (
                           WHERE r.state = 'done' AND (r.won OR r.lost))::int
                           AS closed_done_count,
                       count(*) FILTER (WHERE r.state = 'done' AND r.won)::int
                           AS won_done_count,
                       count(*) FILTER (
                           WHERE r.state <> 'done' AND (r.won OR r.lost))::int
                           AS closed_not_done_count,
                       count(*) FILTER (WHERE r.state <> 'done' AND r.won)::int
                           AS won_not_done_count,
                       (100.0 * count(*) FILTER (WHERE r.state = 'done' AND r.won)
                        / nullif(count(*) FILTER (
                            WHERE r.state = 'done' AND (r.won OR r.lost)), 0))::float
                           AS win_rate_done,
                       (100.0 * count(*) FILTER (WHERE r.state <> 'done' AND r.won)
                        / nullif(count(*) FILTER (
                            WHERE r.state <> 'done' AND (r.won OR r.lost)), 0))::float
                           AS win_rate_not_done,
                       (percentile_cont(0.5) WITHIN GROUP (ORDER BY r.days_to_done)
                           FILTER (WHERE r.state = 'done'))::float
                           AS median_days_to_done,
                       (sum(r.days_to_done) FILTER (WHERE r.state = 'done'))::float
                           AS days_to_done_total,
                       (avg(r.days_to_done) FILTER (WHERE r.state = 'done'))::float
                           AS avg_days_to_done
                  FROM crm_guide_step step
                  JOIN mail_activity_plan_template tpl ON tpl.id = step.template_id
                  JOIN crm_guide_stage gs ON gs.id = step.guide_stage_id
                  JOIN crm_guide g ON g.id = gs.guide_id
                  LEFT JOIN rows r ON r.step_id = step.id
                 GROUP BY step.id, tpl.id, gs.id, g.id, r.company_id
            )""",
                SQL.identifier(self._table),
            )
        )

    def _read_group_select(self, aggregate_spec, query):
        fname = aggregate_spec.split(":")[0]
        if fname in RATES:
            super()._read_group_select(f"{fname}:avg", query)
            numerator, denominator = RATES[fname]
            return SQL(
                "100.0 * SUM(%s) / NULLIF(SUM(%s), 0)",
                self._field_to_sql(self._table, numerator, query),
                self._field_to_sql(self._table, denominator, query),
            )
        if fname in AVERAGES:
            super()._read_group_select(f"{fname}:avg", query)
            total, count = AVERAGES[fname]
            return SQL(
                "SUM(%s) / NULLIF(SUM(%s), 0)",
                self._field_to_sql(self._table, total, query),
                self._field_to_sql(self._table, count, query),
            )
        return super()._read_group_select(aggregate_spec, query)


class CrmGuideStageReport(models.Model):
    """Days the leads and opportunities spend in each stage of a guide: one
    row per guide stage and company of the records."""

    _name = "crm.guide.stage.report"
    _description = "Days per Guide Stage"
    _auto = False
    _order = "guide_id, sequence, guide_stage_id"
    _rec_name = "guide_stage_id"

    guide_stage_id = fields.Many2one(
        "crm.guide.stage", string="Guide Stage", readonly=True
    )
    guide_id = fields.Many2one("crm.guide", string="Guide", readonly=True)
    sequence = fields.Integer(readonly=True, aggregator=False)
    company_id = fields.Many2one(
        "res.company",
        readonly=True,
        help="Company of the records counted on this row (the guide's company "
        "for a stage no record entered yet).",
    )
    record_count = fields.Integer(
        "Entered",
        readonly=True,
        help="Leads and opportunities (archived and lost ones included) that "
        "entered the stage under this guide. A stage is known to be entered by "
        "the guide steps it gives: stages without steps are not measured.",
    )
    left_count = fields.Integer(
        "Left",
        readonly=True,
        help="Of those, the records that went on to another stage of the guide, "
        "or were won or lost, afterwards.",
    )
    days_total = fields.Float(
        "Days Spent (Total)",
        readonly=True,
        help="Days between entering the stage and entering the next stage of the "
        "guide (or closing), over the records that left it.",
    )
    avg_days = fields.Float(
        "Average Days",
        readonly=True,
        aggregator="avg",
        help="Average days spent in the stage by the records that left it "
        "(totals are averages over all those records).",
    )
    median_days = fields.Float(
        readonly=True,
        aggregator=False,
        help="Median days spent in the stage by the records that left it.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
                WITH entries AS (
                    SELECT s.res_id AS lead_id, s.guide_id, s.guide_stage_id,
                           min(s.create_date) AS entered
                      FROM crm_guide_record_step s
                     WHERE s.res_model = 'crm.lead'
                     GROUP BY s.res_id, s.guide_id, s.guide_stage_id
                ), spans AS (
                    SELECT e.guide_stage_id, l.company_id, e.entered,
                           coalesce(
                               lead(e.entered) OVER (
                                   PARTITION BY e.lead_id, e.guide_id
                                   ORDER BY e.entered, e.guide_stage_id),
                               CASE WHEN (l.active AND st.is_won)
                                         OR (NOT l.active
                                             AND coalesce(l.probability, 0) = 0)
                                    THEN coalesce(l.date_closed, l.write_date)
                               END
                           ) AS left_at
                      FROM entries e
                      JOIN crm_lead l ON l.id = e.lead_id
                      LEFT JOIN crm_stage st ON st.id = l.stage_id
                ), durations AS (
                    -- to the second (date_closed is), never negative
                    SELECT guide_stage_id, company_id,
                           date_trunc('second', left_at)
                           - least(date_trunc('second', entered),
                                   date_trunc('second', left_at)) AS spent
                      FROM spans
                )
                SELECT (row_number() OVER (
                           ORDER BY gs.id, sp.company_id NULLS FIRST))::int AS id,
                       gs.id AS guide_stage_id, gs.guide_id, gs.sequence,
                       CASE WHEN count(sp.guide_stage_id) = 0 THEN g.company_id
                            ELSE sp.company_id END AS company_id,
                       count(sp.guide_stage_id)::int AS record_count,
                       count(sp.spent)::int AS left_count,
                       (sum(EXTRACT(EPOCH FROM sp.spent)) / 86400.0)::float
                           AS days_total,
                       (avg(EXTRACT(EPOCH FROM sp.spent)) / 86400.0)::float AS avg_days,
                       (percentile_cont(0.5) WITHIN GROUP (
                           ORDER BY EXTRACT(EPOCH FROM sp.spent)) / 86400.0)::float
                           AS median_days
                  FROM crm_guide_stage gs
                  JOIN crm_guide g ON g.id = gs.guide_id
                  LEFT JOIN durations sp ON sp.guide_stage_id = gs.id
                 GROUP BY gs.id, g.id, sp.company_id
            )""",
                SQL.identifier(self._table),
            )
        )

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec.split(":")[0] == "avg_days":
            super()._read_group_select("avg_days:avg", query)
            return SQL(
                "SUM(%s) / NULLIF(SUM(%s), 0)",
                self._field_to_sql(self._table, "days_total", query),
                self._field_to_sql(self._table, "left_count", query),
            )
        return super()._read_group_select(aggregate_spec, query)
