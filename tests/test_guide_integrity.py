# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import GuideCommon, new_company_user


@tagged("post_install", "-at_install")
class TestGuideIntegrity(GuideCommon):
    """Every way around a blocking stage, tried as a salesman, is refused
    before anything is written; the history of records is kept."""

    def _refused(self, records, vals, expected="cannot"):
        """Write as the salesman: refused, and the database is unchanged."""
        records = records.with_user(self.salesman)
        before = [
            (rec.stage_id, rec.guide_id, rec.team_id, rec.guide_stage_id)
            for rec in records
        ]
        activities = self._guide_activities(records)
        try:
            records.write(vals)
        except (UserError, ValidationError) as error:
            self.assertIn(expected, str(error))
        else:
            self.fail(f"the write {vals} was not refused")
        self.env.invalidate_all()
        self.assertEqual(
            [
                (rec.stage_id, rec.guide_id, rec.team_id, rec.guide_stage_id)
                for rec in records
            ],
            before,
        )
        self.assertEqual(self._guide_activities(records), activities)

    def _blocked_lead(self):
        lead = self._create_opportunities(1, stage=self.stage_meeting)
        self.assertTrue(lead.guide_is_blocked)
        return lead

    def test_one_write_with_stage_and_guide(self):
        other = self.guide.copy({"name": "Other", "sequence": 50})
        lead = self._blocked_lead()
        self._refused(
            lead, {"stage_id": self.stage_quote.id, "guide_id": other.id}, "leave"
        )
        self._refused(lead, {"guide_id": str(other.id)}, "leave")
        self._refused(lead, {"guide_id": False}, "leave")
        self._refused(
            lead,
            {"guide_stage_id": other.guide_stage_ids.filtered("is_blocking").id},
            "leave",
        )
        self._refused(lead, {"guide_id": "not an id"}, "not a valid")
        # a manager may take it out of its guide
        lead.with_user(self.manager).write({"guide_id": other.id})
        self.assertEqual(lead.guide_id, other)

    def test_team_change_while_blocked(self):
        lead = self._blocked_lead()
        self.other_team.member_ids = self.salesman
        self._refused(lead, {"team_id": self.other_team.id}, "leave")

    def test_leave_move_and_come_back(self):
        lead = self._create_opportunities(1)
        self._rows(lead, self.step_qualify).activity_id.action_done()
        self.other_team.member_ids = self.salesman
        salesman_lead = lead.with_user(self.salesman)
        # the Lead stage is not blocking: the record may leave the guide...
        salesman_lead.write({"team_id": self.other_team.id})
        self.assertFalse(lead.guide_id)
        salesman_lead.write({"stage_id": self.stage_quote.id})
        # ...but coming back past a blocking stage never done is refused
        self._refused(lead, {"team_id": self.team.id}, "Meet")

    def test_leave_and_move_in_one_write(self):
        """Leaving the guide and moving forward in the same write: the move
        passes the gates of the guide the record is in."""
        lead = self._create_opportunities(1)
        self._rows(lead, self.step_qualify).activity_id.action_done()
        self.other_team.member_ids = self.salesman
        for vals in (
            {"stage_id": self.stage_quote.id, "guide_id": False},
            {"stage_id": self.stage_quote.id, "team_id": self.other_team.id},
        ):
            self._refused(lead, vals, "Meet")

    def test_created_past_a_blocking_stage(self):
        """Creating an opportunity in a stage after a blocking one (a kanban
        column's quick create, RPC, import) is refused as the move would be;
        in the blocking stage itself, or won, it is not."""
        Lead = self.env["crm.lead"].with_user(self.salesman)
        vals = {"name": "Jump", "type": "opportunity", "team_id": self.team.id,
                "user_id": self.salesman.id}  # fmt: skip
        count = self.env["crm.lead"].search_count([])
        # Odoo's assertRaises: the savepoint an RPC call's rollback would be
        with self.assertRaises(UserError) as caught:
            Lead.create({**vals, "stage_id": self.stage_quote.id})
        self.assertRegex(str(caught.exception), "past a blocking stage(.|\n)*Meet")
        result = Lead.load(
            ["name", "type", "team_id/.id", "user_id/.id", "stage_id/.id"],
            [["Imported", "opportunity", str(self.team.id), str(self.salesman.id),
              str(self.stage_quote.id)]],
        )  # fmt: skip
        self.assertFalse(result["ids"])
        self.assertIn("past a blocking stage", result["messages"][0]["message"])
        self.assertEqual(self.env["crm.lead"].search_count([]), count)
        at_gate = Lead.create({**vals, "stage_id": self.stage_meeting.id})
        self.assertEqual(at_gate.guide_stage_id.stage_id, self.stage_meeting)
        won = Lead.create({**vals, "stage_id": self.stage_won.id})
        self.assertTrue(won.stage_id.is_won)
        # a guide designer imports a pipeline as it stands
        designer = Lead.with_user(self.manager).create(
            {**vals, "stage_id": self.stage_quote.id}
        )
        self.assertEqual(designer.stage_id, self.stage_quote)

    def test_guide_not_joined_past_a_gate_by_a_recomputed_team(self):
        """crm recomputes a lead's team when it becomes an opportunity (and
        when its salesperson changes): joining a guide that way past a
        blocking stage is refused as creating it there would be."""
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman)
            .create(
                {"name": "Lead", "type": "lead", "team_id": self.other_team.id,
                 "user_id": self.salesman.id, "stage_id": self.stage_quote.id}
            )
        )  # fmt: skip
        self.assertFalse(lead.guide_id)
        with self.assertRaises(UserError) as caught:
            lead.with_user(self.salesman).write({"type": "opportunity"})
        self.assertIn("join their guide past a blocking stage", str(caught.exception))
        self.env.invalidate_all()
        self.assertEqual((lead.type, lead.team_id), ("lead", self.other_team))
        self.assertFalse(self._rows(lead))
        # in the guide's first stage it joins, its steps planned
        lead.stage_id = self.stage_lead
        lead.with_user(self.salesman).write({"type": "opportunity"})
        self.assertEqual(lead.guide_id, self.guide)
        self.assertTrue(self._rows(lead, self.step_qualify).activity_id)

    def test_unassigned_keeps_its_guide(self):
        """crm empties the company of an opportunity unassigned in a team
        without company: it stays in its guide, its activities kept."""
        self.team.company_id = False
        self.guide.company_id = self.env.company
        lead = self._create_opportunities(1)
        activity = self._rows(lead, self.step_qualify).activity_id
        lead.with_user(self.salesman).write({"user_id": False})
        self.assertFalse(lead.company_id, "crm's rule: no salesperson, no company")
        self.assertEqual(lead.guide_id, self.guide)
        self.assertTrue(activity.exists())
        # picked up again: the same guide, nothing planned twice
        lead.with_user(self.salesman).write({"user_id": self.salesman.id})
        self.assertEqual(lead.guide_id, self.guide)
        self.assertEqual(len(self._guide_activities(lead)), 1)

    def test_ids_are_ids(self):
        """True is not guide 1, nor 1.5 a stage."""
        lead = self._create_opportunities(1)
        self._refused(lead, {"guide_id": True}, "not a valid")
        self._refused(lead, {"stage_id": 1.5}, "not a valid")

    def test_required_step_taken_over(self):
        """Planning again, or reassigning, a required step of someone else is
        taking it over: only who may close it may."""
        self.step_follow.is_required = True
        lead = self._create_opportunities(1, stage=self.stage_quote)
        row = self._rows(lead, self.step_follow)
        self.assertEqual(row.user_id, self.manager)
        activity = row.activity_id
        with self.assertRaisesRegex(UserError, "give them to someone else"):
            activity.with_user(self.salesman).write({"user_id": self.salesman.id})
        self.env.invalidate_all()
        self.assertEqual((activity.user_id, row.user_id), (self.manager, self.manager))
        # deleting the activity leaves the step open, and the leader's
        activity.with_user(self.salesman).unlink()
        self.assertEqual((row.state, row.user_id), ("todo", self.manager))
        action = row.with_user(self.salesman).action_schedule_dialog()
        vals = {
            key[len("default_") :]: value
            for key, value in action["context"].items()
            if key.startswith("default_")
        }
        Activity = self.env["mail.activity"].with_user(self.salesman)
        with self.assertRaises(UserError) as caught:
            Activity.with_context(**action["context"]).create(
                dict(vals, user_id=self.salesman.id)
            )
        self.assertIn("give them to someone else", str(caught.exception))
        self.env.invalidate_all()
        self.assertFalse(row.activity_id)
        self.assertFalse(self._guide_activities(lead).filtered(
            lambda act: act.user_id == self.salesman and act.summary == vals["summary"]
        ))  # fmt: skip
        # planned again for its assignee: allowed
        planned = Activity.with_context(**action["context"]).create(vals)
        self.assertEqual((row.activity_id, row.user_id), (planned, self.manager))
        # the team leader gives it to the salesman, who may then close it
        planned.with_user(self.manager).write({"user_id": self.salesman.id})
        self.assertEqual(row.user_id, self.salesman)
        planned.with_user(self.salesman).action_feedback("done")
        self.assertEqual(row.state, "done")

    def test_missing_step_stays_its_assignees(self):
        """A required step of a stage never entered, listed by "Open the
        missing steps", is still the team leader's to close."""
        self.step_follow.is_required = True
        lead = self._create_opportunities(1)
        self.env["crm.guide.record.step"].with_user(self.salesman).open_missing_steps(
            "crm.lead", lead.ids, self.step_follow.ids
        )
        row = self._rows(lead, self.step_follow)
        self.assertEqual((row.state, row.user_id), ("todo", self.manager))
        with self.assertRaises(UserError) as caught:
            row.with_user(self.salesman).action_done()
        self.assertIn("assigned to someone else", str(caught.exception))
        self.env.invalidate_all()
        self.assertEqual(row.state, "todo")

    def test_won_while_leaving_the_guide(self):
        """Marking won is never refused, also with the guide cleared."""
        lead = self._blocked_lead()
        self.other_team.member_ids = self.salesman
        lead.with_user(self.manager).write({"guide_id": False})
        lead.with_user(self.manager).write({"guide_id": self.guide.id})
        lead = self._blocked_lead()
        lead.with_user(self.salesman).write({"stage_id": self.stage_won.id})
        lead = self._create_opportunities(1)
        lead.with_user(self.salesman).write(
            {"stage_id": self.stage_won.id, "guide_id": False}
        )
        self.assertEqual((lead.stage_id, lead.guide_id.id), (self.stage_won, False))

    def test_history_cannot_move(self):
        """A step or stage records went through stays where it is (archive
        it instead); a stage records stand in is not deleted."""
        lead = self._create_opportunities(1)
        other = self.guide.copy({"name": "Other", "sequence": 50})
        designer = self.manager
        with self.assertRaisesRegex(UserError, "archive them"):
            self.step_qualify.with_user(designer).write(
                {"guide_stage_id": other.guide_stage_ids[1].id}
            )
        with self.assertRaisesRegex(UserError, "archive them"):
            self.gs_lead.with_user(designer).write({"guide_id": other.id})
        self.env.invalidate_all()
        self.assertEqual(self.step_qualify.guide_stage_id, self.gs_lead)
        self.assertEqual(self.gs_lead.guide_id, self.guide)
        # a stage without steps that a record stands in
        empty = self.env["crm.guide"].create(
            {
                "name": "No steps",
                "sequence": 70,
                "team_ids": [(6, 0, self.team.ids)],
                "guide_stage_ids": [
                    (0, 0, {"stage_id": self.stage_lead.id}),
                    (0, 0, {"stage_id": self.stage_meeting.id}),
                ],
            }
        )
        lead.with_user(self.manager).write({"guide_id": empty.id})
        lead.with_user(self.manager).write({"stage_id": self.stage_meeting.id})
        standing = empty.guide_stage_ids[1]
        self.assertEqual(lead.guide_stage_id, standing)
        with self.assertRaisesRegex(UserError, "archive them"):
            standing.with_user(designer).unlink()
        self.assertTrue(standing.exists())

    def test_prompt_of_a_model_without_guides(self):
        with self.assertRaisesRegex(ValidationError, "does not follow"):
            self.env["crm.guide.prompt"].with_user(self.salesman).create(
                {"prompt_type": "finish", "res_model": "res.partner", "res_id": 1}
            )

    def test_back_then_jump_and_cleared_stage(self):
        lead = self._blocked_lead()
        self._refused(lead, {"stage_id": self.stage_quote.id}, "Meet")
        lead.with_user(self.salesman).write({"stage_id": self.stage_lead.id})
        self._refused(lead, {"stage_id": self.stage_quote.id}, "Meet")
        lead.with_user(self.salesman).write({"stage_id": False})
        self._refused(lead, {"stage_id": self.stage_quote.id}, "Meet")
        # won is never refused
        lead.with_user(self.salesman).write({"stage_id": self.stage_won.id})
        self.assertEqual(lead.stage_id, self.stage_won)

    def test_required_step_of_someone_else(self):
        self.step_follow.is_required = True
        lead = self._create_opportunities(1, stage=self.stage_quote)
        row = self._rows(lead, self.step_follow)
        self.assertEqual(row.user_id, self.manager)
        activity = row.activity_id
        for action in (
            lambda: row.with_user(self.salesman).action_done(),
            lambda: row.with_user(self.salesman).action_not_applicable(),
            lambda: activity.with_user(self.salesman).action_feedback("done"),
        ):
            try:
                action()
            except UserError as error:
                self.assertIn("assigned to someone else", str(error))
            else:
                self.fail("a salesman closed the team leader's required step")
            self.env.invalidate_all()
            self.assertEqual(row.state, "todo")
            self.assertTrue(activity.exists())
        self.assertNotIn(row, row.with_user(self.salesman)._guide_closable_rows())
        # the assignee (team leader) closes it
        activity.with_user(self.manager).action_feedback("credit checked")
        self.assertEqual(row.state, "done")

    def test_history_is_kept(self):
        lead = self._create_opportunities(1)
        self.assertTrue(self._rows(lead, self.step_qualify))
        designer = self.manager
        for record, expected in (
            (self.step_qualify, "archive them"),
            (self.gs_lead, "archive them"),
            (self.guide, "archive them"),
        ):
            with self.assertRaisesRegex((UserError, ValidationError), expected):
                record.with_user(designer).unlink()
        # a guide only lost (archived) records follow is still in use
        other = self.guide.copy({"name": "Lost only", "sequence": 60})
        lost = self._create_opportunities(1)
        lost.with_user(self.manager).write({"guide_id": other.id})
        lost.action_set_lost()
        with self.assertRaisesRegex(ValidationError, "archive them"):
            other.with_user(designer).unlink()
        # an unused step goes, with its plan template
        step = self.env["crm.guide.step"].create(
            {"guide_stage_id": self.gs_quote.id, "name": "Unused"}
        )
        template = step.template_id
        step.with_user(designer).unlink()
        self.assertFalse(template.exists())
        # archived steps are no longer planned on entry
        self.step_meet.with_user(designer).active = False
        fresh = self._create_opportunities(1, stage=self.stage_meeting)
        self.assertFalse(self._rows(fresh, self.step_meet))
        self.assertFalse(fresh.guide_is_blocked)

    def test_second_schedule_plans_nothing(self):
        lead = self._create_opportunities(1, stage=self.stage_meeting)
        row = self._rows(lead, self.step_stakeholders).with_user(self.salesman)
        action = row.action_schedule_dialog()
        Activity = self.env["mail.activity"].with_user(self.salesman)
        vals = {
            key[len("default_") :]: value
            for key, value in action["context"].items()
            if key.startswith("default_")
        }
        Activity.with_context(**action["context"]).create(vals)
        with self.assertRaisesRegex(UserError, "already planned"):
            Activity.with_context(**action["context"]).create(vals)
        self.assertEqual(len(self._guide_activities(lead, self.type_todo)), 1)

    def test_search_applies_access_before_the_limit(self):
        mine = self._create_opportunities(3, user=self.salesman)
        self._create_opportunities(6, user=self.other_salesman)
        Rows = self.env["crm.guide.record.step"].with_user(self.salesman)
        domain = [("res_model", "=", "crm.lead")]
        readable = Rows.search(domain)
        self.assertEqual(set(readable.mapped("res_id")), set(mine.ids))
        self.assertEqual(len(Rows.search(domain, limit=5)), 5)
        self.assertEqual(Rows.search_count(domain), len(readable))

    def test_multi_company(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        shared = self.guide.copy({"name": "Shared", "company_id": False})
        self.guide.company_id = self.env.company
        lead = self._create_opportunities(1)
        self.assertEqual(lead.guide_id, self.guide)
        # a record without company gets only guides without company
        lead.write({"company_id": False})
        self.assertEqual(lead.guide_id, shared)
        # the record's steps follow its company
        user_b = new_company_user(
            self.env,
            "guide_user_b",
            "sales_team.group_sale_salesman_all_leads",
            company_b,
        )
        self.team.company_id = False
        self.team.member_ids |= user_b  # keeps the team (and the guide)
        lead.write({"company_id": company_b.id, "user_id": user_b.id})
        rows = self._rows(lead)
        self.assertEqual(
            set(rows.mapped("company_id")),
            {company_b},
            [(r.step_id.name, r.company_id.name, r.state) for r in rows],
        )
        self.assertEqual(
            self.env["crm.guide.record.step"]
            .with_user(user_b)
            .search([("res_id", "=", lead.id), ("res_model", "=", "crm.lead")]),
            rows,
        )

    def test_apply_to_existing_records(self):
        leads = self._create_opportunities(3, team=self.other_team)
        self.assertFalse(leads.guide_id)
        guide = self.guide.copy({"name": "For the other team", "sequence": 70})
        guide.with_user(self.manager).write({"team_ids": [(4, self.other_team.id)]})
        # the team's own stages are not in the copy: use the shared ones
        self.assertEqual(guide.apply_count, 3)
        guide.with_user(self.manager).action_apply_to_records(batch_size=2)
        self.assertEqual(leads.guide_id, guide)
        self.assertEqual(guide.apply_count, 0)
