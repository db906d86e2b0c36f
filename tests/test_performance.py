# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging

from odoo import fields, models
from odoo.tests import tagged

from .common import GuideCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestPerformance(GuideCommon):
    """The guide's own queries for a stage move do not grow with the number
    of records: (guided move - the same move of unguided records) is the
    same for 10 and 100 records."""

    def _count_move(self, leads, stage):
        leads = leads.with_user(self.salesman)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        leads.write({"stage_id": stage.id})
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def _extra_queries(self, count):
        guided = self._create_opportunities(count)
        unguided = self._create_opportunities(count)
        unguided.write({"guide_id": False})
        self.assertFalse(
            unguided.guide_record_step_ids.filtered(lambda r: r.state == "todo")
        )
        plain = self._count_move(unguided, self.stage_meeting)
        with_guide = self._count_move(guided, self.stage_meeting)
        self.assertEqual(
            len(self._guide_activities(guided, self.type_meeting)),
            count,
            "the move did plan",
        )
        return with_guide - plain

    def test_stage_move_queries_do_not_grow(self):
        extra_10 = self._extra_queries(10)
        extra_100 = self._extra_queries(100)
        _logger.info(
            "guide's own queries for a stage move: %s (10 records), %s (100)",
            extra_10,
            extra_100,
        )
        self.assertGreater(extra_10, 0)
        self.assertLessEqual(
            extra_100,
            extra_10,
            f"guide queries grew with the records: {extra_10} for 10, "
            f"{extra_100} for 100",
        )

    def test_kanban_read_of_guide_fields(self):
        """The pipeline kanban reads 160 cards with the guide fields for at
        most 3 queries more than without them."""
        self._create_opportunities(160)
        Lead = self.env["crm.lead"].with_user(self.salesman)
        domain = [("team_id", "=", self.team.id)]
        base_spec = {
            "name": {},
            "stage_id": {"fields": {"display_name": {}}},
            "user_id": {"fields": {"display_name": {}}},
            "expected_revenue": {},
            "activity_ids": {"fields": {}},
            "activity_state": {},
        }
        guide_spec = dict(
            base_spec,
            guide_id={},
            guide_progress={},
            guide_next_step_name={},
            guide_next_step_deadline={},
            guide_is_rotting={},
            guide_is_blocked={},
        )

        def count(spec):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            result = Lead.web_search_read(domain, spec, limit=160)
            self.assertEqual(result["length"], 160)
            return self.env.cr.sql_log_count - before

        count(guide_spec)  # warm the caches of the registry
        extra = count(guide_spec) - count(base_spec)
        _logger.info("kanban read of 160 cards: %s queries for the guide", extra)
        self.assertLessEqual(extra, 3)

    def test_record_step_creation_is_not_extended(self):
        """Entering a stage inserts the rows in one plain query
        (``_guide_insert_record_steps``), not through the ORM's ``create``:
        a model that extended their creation (an override of ``create``, a
        stored field with a default or computed) would be skipped silently.
        This fails as soon as one does."""
        RecordStep = self.env["crm.guide.record.step"]
        for method in ("create", "_create"):
            owners = [
                klass.__module__
                for klass in type(RecordStep).__mro__
                if method in vars(klass)
            ]
            self.assertEqual(
                owners,
                ["odoo.models"],
                f"crm.guide.record.step.{method} is extended by {owners}: the "
                "engine's plain INSERT of rows would bypass it",
            )
        lead = self._create_opportunities(1)
        inserted = {
            *lead._guide_prepare_record_step_vals(self.step_qualify),
            "state",
            *models.MAGIC_COLUMNS,
        }
        left_out = {
            name: field
            for name, field in RecordStep._fields.items()
            if field.store and name not in inserted
        }
        filled = sorted(
            name
            for name, field in left_out.items()
            if field.compute or field.default or field.related
        )
        self.assertEqual(
            filled,
            [],
            "stored fields the engine's INSERT of rows does not fill: give "
            "their values in _guide_prepare_record_step_vals",
        )

    def _salesman_env(self):
        """The salesman as the pipeline is used: chatter tracking on."""
        context = dict(self.env.context)
        context.pop("tracking_disable", None)
        return self.env(user=self.salesman, context=context)

    def test_single_move_as_salesman_costs_no_more_than_the_floor(self):
        """One opportunity moved into a stage with an automatic step, by its
        salesman with tracking on, costs no more queries than the same move
        of an unguided opportunity plus one create of the same activity:
        the guide's layout comes from the cache, the rows from one insert."""
        env = self._salesman_env()
        guided = self._create_opportunities(3).with_env(env)
        unguided = self._create_opportunities(3)
        unguided.write({"guide_id": False})
        unguided = unguided.with_env(env)
        model_id = self.env["ir.model"]._get_id("crm.lead")

        def guided_move(lead):
            lead.write({"stage_id": self.stage_meeting.id})

        def floor_move(lead):
            lead.write({"stage_id": self.stage_meeting.id})
            env["mail.activity"].create(
                {
                    "res_model_id": model_id,
                    "res_id": lead.id,
                    "activity_type_id": self.type_meeting.id,
                    "summary": "Meet",
                    "user_id": self.salesman.id,
                    "date_deadline": fields.Date.today(),
                    "automated": True,
                }
            )

        def count(move, lead):
            # as assertQueryCount counts: what is flushed, tracking included
            self.env.flush_all()
            self.env.cr.flush()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            move(lead)
            self.env.flush_all()
            self.env.cr.flush()
            return self.env.cr.sql_log_count - before

        # the first moves fill the caches of the registry
        count(guided_move, guided[0])
        count(floor_move, unguided[0])
        floor = count(floor_move, unguided[1])
        self.env.invalidate_all()
        with self.assertQueryCount(floor):
            guided_move(guided[1])
        self.assertEqual(
            len(self._guide_activities(guided[1], self.type_meeting)),
            1,
            "the move planned the meeting",
        )
        self.assertEqual(len(self._rows(guided[1], self.step_meet)), 1)

    def test_changed_layout_is_seen_by_the_next_move(self):
        """The guide's layout is cached between moves; a guide designer's
        change (a step no longer planned by itself, a new automatic step) is
        seen by the very next move."""
        first, second, third = self._create_opportunities(3)
        first.write({"stage_id": self.stage_meeting.id})
        self.assertEqual(len(self._guide_activities(first, self.type_meeting)), 1)
        self.step_meet.auto_schedule = False
        second.write({"stage_id": self.stage_meeting.id})
        self.assertFalse(self._guide_activities(second, self.type_meeting))
        sponsor = self.env["crm.guide.step"].create(
            {
                "guide_stage_id": self.gs_meeting.id,
                "name": "Call the sponsor",
                "activity_type_id": self.type_call.id,
                "auto_schedule": True,
            }
        )
        third.write({"stage_id": self.stage_meeting.id})
        self.assertTrue(self._rows(third, sponsor).activity_id)
        self.assertFalse(self._rows(third, self.step_meet).activity_id)
