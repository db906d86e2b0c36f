# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging

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
