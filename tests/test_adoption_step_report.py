# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo.tests import new_test_user, tagged

from .common import GuideCommon


@tagged("post_install", "-at_install")
class TestGuideStepReport(GuideCommon):
    def _report(self, step):
        return self.env["crm.guide.step.report"].search([("step_id", "=", step.id)])

    def test_effectiveness_on_won_and_lost_opportunities(self):
        won_done, lost_done, won_skipped, lost_open, moved_on, still_here = (
            self._create_opportunities(6)
        )
        # 'Proposal' (a suggested document step of the first stage)
        rows = self._rows(won_done | lost_done, self.step_proposal)
        rows.action_done()
        self._rows(won_skipped, self.step_proposal).action_not_applicable()
        # done 2 and 4 days after the record entered the stage
        for row, days in zip(rows, (2, 4), strict=True):
            row.date_done = row.create_date + timedelta(days=days)
        (won_done | won_skipped).action_set_won()
        (lost_done | lost_open).action_set_lost()
        # the required call is done, so the record may move on without the proposal
        self._rows(moved_on, self.step_qualify).sudo().write({"state": "done"})
        moved_on.stage_id = self.stage_meeting

        report = self._report(self.step_proposal)
        self.assertRecordValues(
            report,
            [
                {
                    "guide_id": self.guide.id,
                    "guide_stage_id": self.gs_lead.id,
                    "record_count": 6,
                    "done_count": 2,
                    "na_count": 1,
                    # lost_open (lost) and moved_on (next stage); won_skipped was
                    # skipped on purpose, still_here is still in the stage
                    "forgotten_count": 2,
                    "open_count": 1,
                    "closed_done_count": 2,
                    "won_done_count": 1,
                    "closed_not_done_count": 2,
                    "won_not_done_count": 1,
                    "win_rate_done": 50.0,
                    "win_rate_not_done": 50.0,
                    "median_days_to_done": 3.0,
                    "avg_days_to_done": 3.0,
                }
            ],
        )
        self.assertEqual(still_here.stage_id, self.stage_lead)
        # a step of a stage never reached
        self.assertRecordValues(
            self._report(self.step_follow),
            [{"record_count": 0, "done_rate": 0.0, "win_rate_done": 0.0}],
        )
        # totals per guide stage are rates over all the records, not averages
        self._rows(won_done, self.step_qualify).sudo().write({"state": "done"})
        self._rows(lost_done, self.step_qualify).sudo().write({"state": "done"})
        self.env.flush_all()
        (group,) = self.env["crm.guide.step.report"]._read_group(
            [("guide_stage_id", "=", self.gs_lead.id)],
            aggregates=["done_count:sum", "record_count:sum", "done_rate:avg"],
        )
        done, reached, rate = group
        self.assertEqual(reached, 12)
        self.assertEqual(
            done, 2 + 3
        )  # proposal 2; call on won_done, lost_done, moved_on
        self.assertAlmostEqual(rate, 100.0 * 5 / 12)

    def test_button_on_guide_form_opens_the_guide_report(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_workflow_guide.crm_guide_step_report_action"
        )
        self.assertEqual(action["res_model"], "crm.guide.step.report")
        arch = self.env["crm.guide"].get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        self.assertIn("How this guide performs", arch)

    def test_days_per_guide_stage(self):
        moved, won, staying = self._create_opportunities(3)
        self.env.flush_all()
        for lead, days in ((moved, 5), (won, 3), (staying, 1)):
            self.env.cr.execute(
                "UPDATE crm_guide_record_step "
                "SET create_date = create_date - make_interval(days => %s) "
                "WHERE res_model = 'crm.lead' AND res_id = %s",
                (days, lead.id),
            )
        self.env.invalidate_all()
        moved.stage_id = self.stage_meeting
        won.action_set_won()
        self.env.flush_all()
        Report = self.env["crm.guide.stage.report"]
        lead_stage = Report.search([("guide_stage_id", "=", self.gs_lead.id)])
        self.assertEqual((lead_stage.record_count, lead_stage.left_count), (3, 2))
        self.assertAlmostEqual(lead_stage.avg_days, 4.0, places=2)
        self.assertAlmostEqual(lead_stage.median_days, 4.0, places=2)
        meeting = Report.search([("guide_stage_id", "=", self.gs_meeting.id)])
        self.assertEqual((meeting.record_count, meeting.left_count), (1, 0))
        # the guide's total is weighted by the records that left each stage
        (total,) = Report._read_group(
            [("guide_id", "=", self.guide.id)], aggregates=["avg_days:avg"]
        )[0]
        self.assertAlmostEqual(total, 4.0, places=2)

    def test_guide_without_company_counts_the_allowed_companies_only(self):
        leads = self._create_opportunities(2)
        self._rows(leads, self.step_proposal).action_done()
        leads[0].stage_id = self.stage_meeting
        self.guide.company_id = False
        company_b = self.env["res.company"].create({"name": "Step Report Co B"})
        designers = [
            new_test_user(
                self.env,
                login=f"step_report_designer_{index}",
                groups="crm_workflow_guide.crm_workflow_guide_group_designer",
                company_id=company.id,
                company_ids=[(6, 0, company.ids)],
            )
            for index, company in enumerate((self.company, company_b))
        ]
        self.env.flush_all()
        domain = [("guide_id", "=", self.guide.id)]
        for model, figure in (
            ("crm.guide.step.report", "done_count"),
            ("crm.guide.stage.report", "left_count"),
        ):
            ours, theirs = (
                self.env[model].with_user(designer).search(domain)
                for designer in designers
            )
            self.assertEqual(
                sum(ours.mapped(figure)), 2 if figure == "done_count" else 1
            )
            self.assertEqual(ours.company_id, self.company, model)
            # the other company's designer sees the steps, not our figures
            self.assertTrue(theirs, model)
            self.assertFalse(theirs.company_id, model)
            self.assertFalse(any(theirs.mapped("record_count")), model)

    def test_step_done_at_once_takes_no_negative_time(self):
        # the step is given (create_date, to the microsecond) and done in the
        # same second (date_done, to the second)
        moved, won = self._create_opportunities(2)
        self._rows(moved | won, self.step_proposal).action_done()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_guide_record_step "
            "SET create_date = date_trunc('second', create_date) "
            "+ interval '0.6 second', "
            "date_done = date_trunc('second', create_date) "
            "WHERE res_model = 'crm.lead' AND res_id = ANY(%s)",
            [(moved | won).ids],
        )
        self.env.invalidate_all()
        # leaves the stage in the same second too
        won.action_set_won()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead l SET date_closed = date_trunc('second', s.create_date) "
            "FROM crm_guide_record_step s "
            "WHERE s.res_model = 'crm.lead' AND s.res_id = l.id AND l.id = %s",
            [won.id],
        )
        self.env.invalidate_all()
        self.assertRecordValues(
            self._report(self.step_proposal),
            [{"done_count": 2, "median_days_to_done": 0.0, "avg_days_to_done": 0.0}],
        )
        stage = self.env["crm.guide.stage.report"].search(
            [("guide_stage_id", "=", self.gs_lead.id)]
        )
        self.assertEqual(stage.left_count, 1)
        self.assertEqual(stage.avg_days, 0.0)
        self.assertEqual(stage.median_days, 0.0)

    def test_average_days_to_done_total_is_weighted_by_records(self):
        leads = self._create_opportunities(4)
        # 'Proposal' done in 1, 2, 3 and 10 days (average 4)
        proposals = self._rows(leads, self.step_proposal)
        proposals.action_done()
        for row, days in zip(proposals, (1, 2, 3, 10), strict=True):
            row.date_done = row.create_date + timedelta(days=days)
        # 'Qualify' done at once on one record (average 0)
        qualify = self._rows(leads[0], self.step_qualify)
        qualify.write({"state": "done"})
        qualify.date_done = qualify.create_date
        self.env.flush_all()
        Report = self.env["crm.guide.step.report"]
        self.assertAlmostEqual(self._report(self.step_proposal).avg_days_to_done, 4.0)
        # over the 5 records done, not the average (2) of the two steps' averages
        ((total,),) = Report._read_group(
            [("guide_stage_id", "=", self.gs_lead.id)],
            aggregates=["avg_days_to_done:avg"],
        )
        self.assertAlmostEqual(total, 16.0 / 5)
        ((total,),) = Report._read_group(
            [("guide_id", "=", self.guide.id)], aggregates=["avg_days_to_done:avg"]
        )
        self.assertAlmostEqual(total, 16.0 / 5)
