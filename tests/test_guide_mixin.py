# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo_test_helper import FakeModelLoader

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestGuideMixin(TransactionCase):
    """The engine on a model of its own, configured by class attributes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loader = FakeModelLoader(cls.env, cls.__module__)
        cls.loader.backup_registry()
        from .fake_models import GuideFakeTicket

        cls.loader.update_registry((GuideFakeTicket,))
        cls.addClassCleanup(cls.loader.restore_registry)
        cls.user = new_test_user(cls.env, login="ticket_user", groups="base.group_user")
        cls.env["ir.model.access"].create(
            {
                "name": "fake ticket",
                "model_id": cls.env["ir.model"]._get_id("crm.guide.fake.ticket"),
                "perm_read": True,
                "perm_write": True,
                "perm_create": True,
                "perm_unlink": True,
            }
        )
        todo = cls.env.ref("mail.mail_activity_data_todo")
        stage = cls.env["crm.stage"].create({"name": "Ticket placeholder"})
        stage2 = cls.env["crm.stage"].create({"name": "Ticket placeholder 2"})
        stage3 = cls.env["crm.stage"].create({"name": "Ticket placeholder 3"})
        cls.guide = cls.env["crm.guide"].create(
            {
                "name": "Ticket guide",
                "res_model": "crm.guide.fake.ticket",
                "guide_stage_ids": [
                    (
                        0,
                        0,
                        {
                            "sequence": 1,
                            "stage_id": stage.id,
                            "name": "Draft",
                            "is_blocking": True,
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
                                (
                                    0,
                                    0,
                                    {"name": "Optional", "activity_type_id": todo.id},
                                ),
                            ],
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "sequence": 2,
                            "stage_id": stage2.id,
                            "name": "Sent",
                            "step_ids": [
                                (
                                    0,
                                    0,
                                    {
                                        "name": "Chase",
                                        "auto_schedule": True,
                                        "delay_count": 4,
                                    },
                                )
                            ],
                        },
                    ),
                    (0, 0, {"sequence": 3, "stage_id": stage3.id, "name": "Closed"}),
                ],
            }
        )
        cls.draft, cls.sent, cls.closed = cls.guide.guide_stage_ids

    def test_res_model_offers_opted_in_models(self):
        values = dict(
            self.env["crm.guide"]._fields["res_model"]._description_selection(self.env)
        )
        self.assertIn("crm.guide.fake.ticket", values)
        self.assertIn("crm.lead", values)

    def test_stage_entry_scheduling_blocking_progress(self):
        Ticket = self.env["crm.guide.fake.ticket"].with_user(self.user)
        tickets = Ticket.create(
            [{"name": f"T{i}", "user_id": self.user.id} for i in range(3)]
        )
        # guide and first guide stage are set: the status is the guide stage
        self.assertEqual(tickets.guide_id, self.guide)
        self.assertEqual(tickets.guide_stage_id, self.draft)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "crm.guide.fake.ticket"), ("res_id", "in", tickets.ids)]
        )
        self.assertEqual(len(activities), 3)
        self.assertEqual(activities.user_id, self.user)
        # blocking: nothing moves while one ticket still has its required step open
        first = activities.filtered(lambda a: a.res_id == tickets[0].id)
        others = activities - first
        first.action_done()
        with self.assertRaisesRegex(UserError, "T1"):
            tickets.write({"guide_stage_id": self.sent.id})
        others.action_done()
        tickets.write({"guide_stage_id": self.sent.id})
        chase = self.env["mail.activity"].search(
            [("res_model", "=", "crm.guide.fake.ticket"), ("summary", "=", "Chase")]
        )
        self.assertEqual(len(chase), 3)
        # progress: 1 (Check) of 3 steps, then 2 of 3
        self.assertEqual(tickets.mapped("guide_progress"), [33, 33, 33])
        chase.action_done()
        self.assertEqual(tickets.mapped("guide_progress"), [66, 66, 66])
        # backward is allowed, and re-entering plans nothing twice
        tickets.write({"guide_stage_id": self.draft.id})
        tickets.write({"guide_stage_id": self.sent.id})
        self.assertFalse(
            self.env["mail.activity"].search(
                [
                    ("res_model", "=", "crm.guide.fake.ticket"),
                    ("res_id", "in", tickets.ids),
                ]
            )
        )
        tickets[0].action_guide_next_stage()
        self.assertEqual(tickets[0].guide_stage_id, self.closed)
