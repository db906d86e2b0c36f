# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo_test_helper import FakeModelLoader

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged


class GuideMixinCases:
    """The same engine tests on every guided model that is not crm.lead: the
    guide stage is the record's status, or maps to a Selection value. No CRM
    stage is created."""

    _model = None
    # Odoo's loader only runs a class's own test methods unless told so
    allow_inherited_tests_method = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.crm_stage_count = cls.env["crm.stage"].search_count([])
        cls.loader = FakeModelLoader(cls.env, cls.__module__)
        cls.loader.backup_registry()
        from .fake_models import GuideFakeClaim, GuideFakeTicket

        cls.loader.update_registry((GuideFakeTicket, GuideFakeClaim))
        cls.addClassCleanup(cls.loader.restore_registry)
        cls.user = new_test_user(cls.env, login="fake_user", groups="base.group_user")
        cls.designer = new_test_user(
            cls.env,
            login="fake_designer",
            groups="crm_workflow_guide.crm_workflow_guide_group_designer",
        )
        cls.env["ir.model.access"].create(
            {
                "name": f"fake {cls._model}",
                "model_id": cls.env["ir.model"]._get_id(cls._model),
                "group_id": cls.env.ref("base.group_user").id,
                "perm_read": True,
                "perm_write": True,
                "perm_create": True,
                "perm_unlink": True,
            }
        )
        todo = cls.env.ref("mail.mail_activity_data_todo")
        stage_vals = [
            {
                "sequence": 1,
                "name": "Draft",
                "step_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Check",
                            "activity_type_id": todo.id,
                            "auto_schedule": True,
                            "is_required": True,
                        },
                    ),
                    (0, 0, {"name": "Optional", "activity_type_id": todo.id}),
                ],
            },
            {
                "sequence": 2,
                "name": "Review",
                "is_blocking": True,
                "rotting_days": 3,
                "step_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Approve",
                            "auto_schedule": True,
                            "is_required": True,
                            "delay_count": 1,
                            "delay_unit": "weeks",
                        },
                    )
                ],
            },
            {
                "sequence": 3,
                "name": "Offer",
                "step_ids": [
                    (
                        0,
                        0,
                        {"name": "Chase", "auto_schedule": True, "delay_count": 4},
                    )
                ],
            },
        ]
        for vals, value in zip(stage_vals, cls._status_values(), strict=True):
            if value:
                vals["status_value"] = value
        cls.guide = cls.env["crm.guide"].create(
            {
                "name": "Fake guide",
                "res_model": cls._model,
                "guide_stage_ids": [(0, 0, vals) for vals in stage_vals],
            }
        )
        cls.other_guide = cls.env["crm.guide"].create(
            {
                "name": "Other fake guide",
                "sequence": 99,
                "res_model": cls._model,
                "guide_stage_ids": [
                    (
                        0,
                        0,
                        dict(
                            {
                                "name": "Other first",
                                "step_ids": [
                                    (0, 0, {"name": "Other", "auto_schedule": True})
                                ],
                            },
                            **(
                                {"status_value": cls._status_values()[0]}
                                if cls._status_values()[0]
                                else {}
                            ),
                        ),
                    )
                ],
            }
        )
        cls.draft, cls.review, cls.offer = cls.guide.guide_stage_ids

    @classmethod
    def _status_values(cls):
        return (None, None, None)

    def _move(self, records, guide_stage):
        records.write({"guide_stage_id": guide_stage.id})

    def _activities(self, records):
        return self.env["mail.activity"].search(
            [("res_model", "=", self._model), ("res_id", "in", records.ids)]
        )

    def _create(self, count=3, user=None):
        Model = self.env[self._model].with_user(user or self.user)
        return Model.create(
            [{"name": f"T{i}", "user_id": self.user.id} for i in range(count)]
        )

    def test_entry_plans_automatic_steps(self):
        records = self._create()
        self.assertEqual(records.guide_id, self.guide)
        self.assertEqual(records.guide_stage_id, self.draft)
        activities = self._activities(records)
        self.assertEqual(len(activities), 3)
        self.assertEqual(activities.user_id, self.user)
        rows = records.guide_record_step_ids
        self.assertEqual(len(rows), 6)
        self.assertEqual(set(rows.mapped("res_model_id.model")), {self._model})
        self.assertEqual(self.env["crm.stage"].search_count([]), self.crm_stage_count)

    def test_blocking_gate_nothing_written(self):
        records = self._create(2)
        self._activities(records).action_done()
        self._move(records, self.review)
        approve = self._activities(records)
        self.assertEqual(approve.mapped("summary"), ["Approve", "Approve"])
        # due one week after entry (the plan template's unit)
        self.assertEqual(
            approve[0].date_deadline,
            fields.Date.context_today(approve) + timedelta(weeks=1),
        )
        approve.filtered(lambda a: a.res_id == records[0].id).action_done()
        try:
            self._move(records.with_user(self.user), self.offer)
        except UserError as error:
            self.assertIn("T1", str(error))
            self.assertNotIn("T0", str(error))
        else:
            self.fail("the move through a blocking stage was not refused")
        records.invalidate_recordset()
        self.assertEqual(records.guide_stage_id, self.review)
        self.assertEqual(len(self._activities(records)), 1)
        # the one that is complete moves
        self._move(records[0].with_user(self.user), self.offer)
        self.assertEqual(records[0].guide_stage_id, self.offer)

    def test_gate_covers_stages_never_entered(self):
        record = self._create(1)
        self._activities(record).action_done()
        # Draft's required step is done, but Review was never entered
        with self.assertRaisesRegex(UserError, "Approve"):
            self._move(record.with_user(self.user), self.offer)
        # back and forth: going back is free, jumping forward is gated again
        self._move(record, self.review)
        self._move(record.with_user(self.user), self.draft)
        self.assertEqual(record.guide_stage_id, self.draft)
        with self.assertRaisesRegex(UserError, "Approve"):
            self._move(record.with_user(self.user), self.offer)

    def test_switching_guide(self):
        record = self._create(1)
        self._activities(record).action_done()
        record.with_user(self.user).write({"guide_id": self.other_guide.id})
        self.assertEqual(record.guide_stage_id, self.other_guide.guide_stage_ids)
        # the done step stays as history, the open ones of the old guide go
        states = {row.step_id.name: row.state for row in record.guide_record_step_ids}
        self.assertEqual(states["Check"], "done")
        self.assertNotIn("Optional", states)
        self.assertEqual(self._activities(record).summary, "Other")
        notes = record.message_ids.filtered(lambda m: "Guide changed" in str(m.body))
        self.assertEqual(len(notes), 1)

    def test_salesman_cannot_take_blocked_record_out_of_guide(self):
        record = self._create(1)
        self._activities(record).action_done()
        self._move(record, self.review)
        try:
            record.with_user(self.user).write({"guide_id": str(self.other_guide.id)})
        except UserError as error:
            self.assertIn("cannot leave their guide", str(error))
        else:
            self.fail("a salesman took a blocked record out of its guide")
        record.invalidate_recordset()
        self.assertEqual(record.guide_id, self.guide)
        self.assertEqual(record.guide_stage_id, self.review)
        # a guide designer may
        record.with_user(self.designer).write({"guide_id": False})
        self.assertFalse(record.guide_id)

    def test_rotting(self):
        record = self._create(1)
        self._activities(record).action_done()
        self._move(record, self.review)
        Model = self.env[self._model]
        self.assertFalse(record.guide_is_rotting)
        record.sudo().guide_date_last_move = fields.Datetime.now() - timedelta(days=4)
        record.invalidate_recordset(["guide_is_rotting"])
        self.assertTrue(record.guide_is_rotting)
        self.assertIn(record, Model.search([("guide_is_rotting", "=", True)]))

    def test_rows_for_records_already_in_a_stage(self):
        records = self._create(2)
        new_step = self.env["crm.guide.step"].create(
            {
                "guide_stage_id": self.draft.id,
                "name": "Added later",
                "is_required": True,
            }
        )
        rows = self.env["crm.guide.record.step"].search(
            [("step_id", "=", new_step.id), ("res_id", "in", records.ids)]
        )
        self.assertEqual(len(rows), 2)
        self.assertEqual(set(rows.mapped("state")), {"todo"})
        # an archived step is no longer planned on entry
        self.env["crm.guide.step"].search(
            [("guide_stage_id", "=", self.offer.id)]
        ).active = False
        self._activities(records).action_done()
        rows.action_done()
        self._move(records, self.review)
        self._activities(records).action_done()
        self._move(records, self.offer)
        self.assertFalse(self._activities(records))

    def test_stage_steps_are_an_activity_plan(self):
        plan = self.review.plan_id
        self.assertEqual(plan.res_model, self._model)
        self.assertEqual(plan.template_ids, self.review.step_ids.template_id)
        # Odoo's own "Schedule activity plan" wizard launches them by hand
        record = self._create(1)
        wizard = (
            self.env["mail.activity.schedule"]
            .with_context(active_model=self._model, active_ids=record.ids)
            .create({"plan_id": plan.id, "plan_date": fields.Date.today()})
        )
        wizard.action_schedule_plan()
        self.assertIn("Approve", self._activities(record).mapped("summary"))
        self.assertEqual(
            self._activities(record).filtered(lambda a: a.summary == "Approve").user_id,
            self.user,
        )


@tagged("post_install", "-at_install")
class TestGuideMixinOwnStages(GuideMixinCases, TransactionCase):
    _model = "crm.guide.fake.ticket"

    def test_res_model_offers_opted_in_models(self):
        values = dict(
            self.env["crm.guide"]._fields["res_model"]._description_selection(self.env)
        )
        self.assertIn("crm.guide.fake.ticket", values)
        self.assertIn("crm.lead", values)

    def test_next_stage(self):
        record = self._create(1)
        self._activities(record).action_done()
        record.action_guide_next_stage()
        self.assertEqual(record.guide_stage_id, self.review)


@tagged("post_install", "-at_install")
class TestGuideMixinSelection(GuideMixinCases, TransactionCase):
    _model = "crm.guide.fake.claim"

    @classmethod
    def _status_values(cls):
        return ("new", "review", "offer")

    def _move(self, records, guide_stage):
        records.write({"state": guide_stage.status_value})

    def test_status_and_guide_stage_stay_in_step(self):
        record = self._create(1)
        self._activities(record).action_done()
        # writing the guide stage writes the status, and back
        record.write({"guide_stage_id": self.review.id})
        self.assertEqual(record.state, "review")
        record.write({"state": "new"})
        self.assertEqual(record.guide_stage_id, self.draft)
        # a status outside the guide that comes later is forward: gated
        with self.assertRaisesRegex(UserError, "Approve"):
            record.with_user(self.user).write({"state": "escalated"})

    def test_exempt_status_never_refused(self):
        record = self._create(1)
        record.with_user(self.user).write({"state": "closed"})
        self.assertEqual(record.state, "closed")
        self.assertFalse(record.guide_stage_id)
