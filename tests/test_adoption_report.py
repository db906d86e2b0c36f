# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from ..report.crm_adoption_report import REFRESHED_AT_PARAM
from .common import GuideCommon

# refresh + pivot + leaderboard: the same for 2 or 10 users
REPORT_QUERIES = 22
# the ambassador's weekly to-do, whatever the number of users
FOLLOW_UP_QUERIES = 60

FIGURES = [
    "calls_logged",
    "meetings_done",
    "emails_sent",
    "leads_converted",
    "opportunities_won",
    "orders_confirmed",
    "guide_steps_done",
    "overdue_activities",
    "quality_record_count",
]


class AdoptionCommon(GuideCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ambassador = new_test_user(
            cls.env,
            login="adoption_ambassador",
            groups="sales_team.group_sale_salesman",
            name="Adoption Ambassador",
        )
        cls.company.crm_ambassador_id = cls.ambassador
        # host records of another user, so that they do not count in the data
        # quality of the salesmen measured here
        cls.host = cls.env["crm.lead"].create(
            {
                "name": "Host",
                "type": "opportunity",
                "team_id": cls.other_team.id,
                "user_id": cls.manager.id,
            }
        )

    def _figures(self, user, domain=(), env=None):
        env = env or self.env
        result = env["crm.adoption.report"]._read_group(
            [("user_id", "=", user.id), *domain],
            aggregates=[f"{name}:sum" for name in FIGURES] + ["data_quality:avg"],
        )[0]
        figures = dict(zip(FIGURES + ["data_quality"], result, strict=True))
        return {
            name: value for name, value in figures.items() if value or name in FIGURES
        }

    def _refresh(self):
        self.env["crm.adoption.report"]._refresh()


@tagged("post_install", "-at_install")
class TestAdoptionFigures(AdoptionCommon):
    def test_each_figure_counts_what_it_says(self):
        now = fields.Datetime.now()
        today = fields.Date.context_today(self.host)
        salesman, other = self.salesman, self.other_salesman
        host = self.host
        # calls: two done by the salesman, one by the other salesman
        for user in (salesman, salesman, other):
            activity = host.activity_schedule(
                "mail.mail_activity_data_call", user_id=user.id
            )
            activity.with_user(user).action_feedback(feedback="Called")
        # a meeting done, a to-do done (neither a call nor a meeting)
        for xmlid in (
            "mail.mail_activity_data_meeting",
            "mail.mail_activity_data_todo",
        ):
            activity = host.activity_schedule(xmlid, user_id=salesman.id)
            activity.with_user(salesman).action_feedback()
        # an e-mail to the followers counts, an internal note does not
        host.with_user(salesman).message_post(
            body="Hello", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        host.with_user(salesman).message_post(
            body="Note", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        # overdue: one due yesterday, one due tomorrow (not overdue)
        host.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=salesman.id,
            date_deadline=today - timedelta(days=1),
        )
        host.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=salesman.id,
            date_deadline=today + timedelta(days=1),
        )
        # conversions: today, 40 days ago, today then lost (still counts)
        converted, converted_old, converted_lost = self.env["crm.lead"].create(
            [
                {
                    "name": name,
                    "type": "opportunity",
                    "team_id": self.other_team.id,
                    "user_id": salesman.id,
                    "date_conversion": date,
                }
                for name, date in (
                    ("Conv", now),
                    ("Conv old", now - timedelta(days=40)),
                    ("Conv lost", now),
                )
            ]
        )
        converted_lost.action_set_lost()
        # won: one won, one won then lost, one lost
        won, won_lost, lost = self.env["crm.lead"].create(
            [
                {
                    "name": name,
                    "type": "opportunity",
                    "team_id": self.other_team.id,
                    "user_id": salesman.id,
                }
                for name in ("Won", "Won lost", "Lost")
            ]
        )
        (won | won_lost).action_set_won()
        (won_lost | lost).action_set_lost()
        # orders: one confirmed, one quotation
        product = self.env["product.product"].create({"name": "Adoption product"})
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": self.env.ref("base.res_partner_2").id,
                    "user_id": salesman.id,
                    "order_line": [(0, 0, {"product_id": product.id})],
                }
                for __ in range(2)
            ]
        )
        orders[0].action_confirm()
        # guide steps: one done by the salesman, one not applicable
        guided = self._create_opportunities(1, user=salesman)
        self._rows(guided, self.step_proposal).with_user(salesman).action_done()
        self._rows(guided, self.step_stakeholders).sudo().write({"state": "na"})

        self._refresh()
        figures = self._figures(salesman)
        figures.pop("data_quality", None)
        self.assertEqual(
            figures,
            {
                "calls_logged": 2,
                "meetings_done": 1,
                "emails_sent": 1,
                "leads_converted": 3,
                "opportunities_won": 1,
                "orders_confirmed": 1,
                "guide_steps_done": 1,
                "overdue_activities": 1,
                # the 4 active opportunities of the salesman (lost ones left out)
                "quality_record_count": 4,
            },
        )
        # the period: conversions of the last week only
        week = [("date", ">=", today - timedelta(days=6))]
        self.assertEqual(self._figures(salesman, week)["leads_converted"], 2)
        # the gamification goals count the same (live)
        for xmlid, expected in (
            ("crm_adoption_goal_definition_calls", 2),
            ("crm_adoption_goal_definition_conversions", 2),
            ("crm_adoption_goal_definition_guide_steps", 1),
        ):
            goal = self.env["gamification.goal"].create(
                {
                    "definition_id": self.env.ref(f"crm_workflow_guide.{xmlid}").id,
                    "user_id": salesman.id,
                    "target_goal": 10,
                    "start_date": today,
                    "end_date": today,
                }
            )
            goal.update_goal()
            self.assertEqual(goal.current, expected, xmlid)
        other_figures = self._figures(other)
        self.assertEqual(other_figures["calls_logged"], 1)
        self.assertEqual(other_figures["guide_steps_done"], 0)

    def test_data_quality_weighted_per_company(self):
        self.company.write(
            {
                "crm_quality_weight_email": 1,
                "crm_quality_weight_phone": 1,
                "crm_quality_weight_company": 0,
                "crm_quality_weight_industry": 0,
                "crm_quality_weight_category": 0,
            }
        )
        user = new_test_user(
            self.env, login="adoption_quality", groups="sales_team.group_sale_salesman"
        )
        self.env["crm.lead"].create(
            [
                {
                    "name": "Perfect",
                    "user_id": user.id,
                    "email_from": "a@example.com",
                    "phone": "+32 2 123 45 67",
                },
                {
                    "name": "Bad e-mail",
                    "user_id": user.id,
                    "email_from": "not an email",
                    "phone": "0470 12 34 56",
                },
                {
                    "name": "Lost",
                    "user_id": user.id,
                    "active": False,
                    "probability": 0,
                },
            ]
        )
        self.env["res.partner"].create(
            {"name": "Contact", "user_id": user.id, "phone": "123"}
        )
        self._refresh()
        figures = self._figures(user)
        self.assertEqual(figures["quality_record_count"], 3)
        # (1 + 0.5 + 0) / 3: the too short phone is not valid
        self.assertAlmostEqual(figures["data_quality"], 50.0)
        # the company weights change the figure
        self.company.crm_quality_weight_email = 0
        self._refresh()
        self.assertAlmostEqual(self._figures(user)["data_quality"], 200.0 / 3)
        # goal definition of the gamification computes the same live figure
        goal = self.env["gamification.goal"].new(
            {"user_id": user.id, "start_date": fields.Date.today()}
        )
        self.assertAlmostEqual(
            self.env["crm.adoption.report"]._gamification_data_quality(goal),
            200.0 / 3,
        )

    def test_data_quality_weights_are_bounded(self):
        # the lowest rights that may change a company's weights
        admin = new_test_user(
            self.env,
            login="adoption_weights",
            groups="base.group_user,base.group_erp_manager",
        )
        company = self.company.with_user(admin)
        with self.assertRaises(ValidationError) as caught:
            company.crm_quality_weight_email = 1_000_000_000
        self.assertIn("between 0 and 100", str(caught.exception))
        self.assertIn("E-mail Weight", str(caught.exception))
        company.crm_quality_weight_email = 100
        self.assertEqual(self.company.crm_quality_weight_email, 100)

    def test_huge_weights_do_not_break_the_refresh(self):
        # weights stored before they were bounded (the constraint cannot be
        # added on such a database): the figures are still computed
        user = new_test_user(
            self.env, login="adoption_huge", groups="sales_team.group_sale_salesman"
        )
        self.env["crm.lead"].create(
            {"name": "Half", "user_id": user.id, "email_from": "h@example.com"}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "ALTER TABLE res_company "
            "DROP CONSTRAINT res_company_crm_quality_weights_positive"
        )
        self.env.cr.execute(
            "UPDATE res_company SET crm_quality_weight_email = 2000000000, "
            "crm_quality_weight_phone = 2000000000, crm_quality_weight_company = 0, "
            "crm_quality_weight_industry = 0, crm_quality_weight_category = 0 "
            "WHERE id = %s",
            [self.company.id],
        )
        self.env.invalidate_all()
        self._refresh()
        self.assertAlmostEqual(self._figures(user)["data_quality"], 50.0)

    def test_formatted_email_address_is_valid(self):
        # what the mail gateway stores: "Name" <address>
        user = new_test_user(
            self.env, login="adoption_gateway", groups="sales_team.group_sale_salesman"
        )
        self.company.write(
            {
                "crm_quality_weight_email": 1,
                "crm_quality_weight_phone": 0,
                "crm_quality_weight_company": 0,
                "crm_quality_weight_industry": 0,
                "crm_quality_weight_category": 0,
            }
        )
        Lead = self.env["crm.lead"].with_user(user)
        Lead.create(
            [
                {
                    "name": "From the gateway",
                    "user_id": user.id,
                    "email_from": '"John Doe" <john.doe@customer-example.com>',
                },
                {
                    "name": "Plain",
                    "user_id": user.id,
                    "email_from": "jane@roe-example.com",
                },
                {"name": "Invalid", "user_id": user.id, "email_from": "john.doe"},
            ]
        )
        self.env["res.partner"].with_user(user).create(
            {
                "name": "Formatted contact",
                "user_id": user.id,
                "email": '"Jane Roe" <jane@roe-example.com>',
            }
        )
        self._refresh()
        figures = self._figures(user)
        self.assertEqual(figures["quality_record_count"], 4)
        self.assertAlmostEqual(figures["data_quality"], 75.0)

    def test_figures_count_in_the_company_of_the_record(self):
        """A user of two companies: a call, an e-mail and an overdue activity
        on an opportunity of the second company count in that company, not
        in the user's default one."""
        company_b = self.env["res.company"].create({"name": "Adoption B"})
        user = new_test_user(
            self.env,
            login="adoption_two_companies",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[(6, 0, (self.company | company_b).ids)],
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "In company B",
                "type": "opportunity",
                "user_id": user.id,
                "team_id": False,
                "company_id": company_b.id,
            }
        )
        lead = lead.with_user(user).with_context(
            allowed_company_ids=[self.company.id, company_b.id]
        )
        activity = lead.activity_schedule(
            "mail.mail_activity_data_call", user_id=user.id
        )
        activity.action_feedback(feedback="Called")
        lead.message_post(
            body="Hello", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        lead.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id,
            date_deadline=fields.Date.context_today(lead) - timedelta(days=1),
        )
        self._refresh()
        in_b = self._figures(user, [("company_id", "=", company_b.id)])
        in_default = self._figures(user, [("company_id", "=", self.company.id)])
        for name in ("calls_logged", "emails_sent", "overdue_activities"):
            self.assertEqual((in_b[name], in_default[name]), (1, 0), name)


@tagged("post_install", "-at_install")
class TestAdoptionRights(AdoptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for user, calls in ((cls.salesman, 1), (cls.other_salesman, 3)):
            for __ in range(calls):
                activity = cls.host.activity_schedule(
                    "mail.mail_activity_data_call", user_id=user.id
                )
                activity.with_user(user).action_feedback()
        cls.company_2 = cls.env["res.company"].create({"name": "Adoption Co 2"})
        cls.user_2 = new_test_user(
            cls.env,
            login="adoption_co2",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_2.id,
            company_ids=[(6, 0, cls.company_2.ids)],
        )
        host_2 = cls.env["crm.lead"].create(
            {
                "name": "Host 2",
                "type": "opportunity",
                "team_id": False,
                "user_id": cls.user_2.id,
                "company_id": cls.company_2.id,
            }
        )
        activity = host_2.activity_schedule(
            "mail.mail_activity_data_call", user_id=cls.user_2.id
        )
        activity.with_user(cls.user_2).action_feedback()
        cls.env["crm.adoption.report"]._refresh()

    def _visible_users(self, user):
        ours = self.salesman | self.other_salesman | self.user_2 | self.ambassador
        return (
            self.env["crm.adoption.report"]
            .with_user(user)
            .search([("calls_logged", ">", 0), ("user_id", "in", ours.ids)])
            .user_id
        )

    def test_salesman_sees_own_figures_and_rank(self):
        self.assertEqual(self._visible_users(self.salesman), self.salesman)
        board = self.env["crm.adoption.leaderboard"].with_user(self.salesman).search([])
        self.assertEqual(board.user_id, self.salesman)
        self.assertEqual(board.adoption_points, 1)
        # ranked among everybody of the company (as the ambassador sees them)
        everybody = self.env["crm.adoption.leaderboard"].with_user(self.ambassador)
        everybody = everybody.search([("date", "=", board.date)])
        self.assertGreater(len(everybody), 2)
        ahead = everybody.filtered(lambda row: row.adoption_points > 1)
        self.assertEqual(board.rank, len(ahead) + 1)
        self.assertIn(self.other_salesman, ahead.user_id)

    def test_manager_and_ambassador_see_everyone_of_their_company(self):
        colleagues = self.salesman | self.other_salesman
        self.assertEqual(self._visible_users(self.manager), colleagues)
        self.assertEqual(self._visible_users(self.ambassador), colleagues)
        # not the ambassador any more: own figures only
        self.company.crm_ambassador_id = self.manager
        self.assertFalse(self._visible_users(self.ambassador))
        # the other company's user sees own figures, ranked in that company
        self.assertEqual(self._visible_users(self.user_2), self.user_2)
        board_2 = self.env["crm.adoption.leaderboard"].with_user(self.user_2).search([])
        self.assertEqual(board_2.rank, 1)

    def test_salesman_opens_the_reports(self):
        salesman = self.salesman
        for xmlid, model in (
            ("crm_adoption_report_action_server", "crm.adoption.report"),
            ("crm_adoption_leaderboard_action_server", "crm.adoption.leaderboard"),
        ):
            action = (
                self.env.ref(f"crm_workflow_guide.{xmlid}").with_user(salesman).run()
            )
            self.assertEqual(action["res_model"], model)
            modes = [(False, mode) for mode in action["view_mode"].split(",")]
            views = (
                self.env[model]
                .with_user(salesman)
                .get_views(modes + [(False, "search")])
            )
            self.assertEqual(
                set(views["views"]), {mode for __, mode in modes} | {"search"}
            )
        # what the pivot asks: figures per user and week
        groups = (
            self.env["crm.adoption.report"]
            .with_user(salesman)
            .web_read_group(
                [],
                ["calls_logged:sum", "data_quality:avg"],
                ["user_id", "date:week"],
                lazy=False,
            )
        )
        self.assertEqual(
            {group["user_id"][0] for group in groups["groups"]}, {salesman.id}
        )

    def test_only_sales_users_refresh_the_figures(self):
        Param = self.env["ir.config_parameter"]
        stale = "2000-01-01 00:00:00"
        Param.set_param(REFRESHED_AT_PARAM, stale)
        portal = new_test_user(
            self.env, login="adoption_portal", groups="base.group_portal"
        )
        employee = new_test_user(
            self.env, login="adoption_employee", groups="base.group_user"
        )
        Report = self.env["crm.adoption.report"]
        for user in (portal, employee):
            for method in ("action_open_report", "action_open_leaderboard"):
                with self.assertRaises(AccessError):
                    getattr(Report.with_user(user), method)()
                self.assertEqual(Param.get_param(REFRESHED_AT_PARAM), stale)
        action = Report.with_user(self.salesman).action_open_leaderboard()
        self.assertEqual(action["res_model"], "crm.adoption.leaderboard")
        self.assertNotEqual(Param.get_param(REFRESHED_AT_PARAM), stale)

    def test_effectiveness_is_for_designers(self):
        report = self.env["crm.guide.step.report"]
        self.assertTrue(report.with_user(self.manager).search([]))
        try:
            report.with_user(self.salesman).search([])
        except AccessError:
            refused = True
        else:
            refused = False
        self.assertTrue(refused)

    def test_ambassador_follow_up(self):
        self.env["crm.lead"].create({"name": "Incomplete", "user_id": self.salesman.id})
        activity_type = self.env.ref(
            "crm_workflow_guide.mail_activity_type_crm_adoption_follow_up"
        )
        Activity = self.env["mail.activity"]
        domain = [("activity_type_id", "=", activity_type.id)]
        for __ in range(2):  # the second week replaces the first to-do
            self.env["res.company"]._cron_crm_adoption_follow_up()
        activity = Activity.search(domain)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.ambassador)
        self.assertEqual(activity.res_id, self.company.partner_id.id)
        self.assertIn(self.salesman.name, activity.note)
        # no ambassador in the second company: nothing for it
        self.assertFalse(
            Activity.search(domain + [("res_id", "=", self.company_2.partner_id.id)])
        )

    def test_ambassador_is_an_active_sales_user(self):
        # the lowest rights that may choose a company's ambassador
        admin = new_test_user(
            self.env,
            login="adoption_company_admin",
            groups="base.group_user,base.group_erp_manager",
        )
        company = self.company.with_user(admin)
        plain = new_test_user(
            self.env, login="adoption_plain", groups="base.group_user"
        )
        portal = new_test_user(
            self.env, login="adoption_amb_portal", groups="base.group_portal"
        )
        archived = new_test_user(
            self.env,
            login="adoption_archived",
            groups="sales_team.group_sale_salesman",
        )
        archived.active = False
        for user in (plain, portal, archived):
            with self.assertRaises(ValidationError):
                company.crm_ambassador_id = user
        self.assertEqual(self.company.crm_ambassador_id, self.ambassador)
        company.crm_ambassador_id = self.other_salesman
        # the choices offered are Sales users
        domain = company.fields_get(["crm_ambassador_id"])["crm_ambassador_id"][
            "domain"
        ]
        group = self.env.ref("sales_team.group_sale_salesman")
        self.assertIn(f"('groups_id', 'in', {group.id})", domain)

    def test_follow_up_of_a_former_or_archived_ambassador(self):
        self.env["crm.lead"].create({"name": "Incomplete", "user_id": self.salesman.id})
        activity_type = self.env.ref(
            "crm_workflow_guide.mail_activity_type_crm_adoption_follow_up"
        )
        Activity = self.env["mail.activity"]
        domain = [
            ("activity_type_id", "=", activity_type.id),
            ("res_id", "=", self.company.partner_id.id),
        ]
        Company = self.env["res.company"]
        Company._cron_crm_adoption_follow_up()
        self.assertEqual(Activity.search(domain).user_id, self.ambassador)
        # a new ambassador takes the open to-do over
        self.company.crm_ambassador_id = self.manager
        self.assertEqual(Activity.search(domain).user_id, self.manager)
        # no ambassador any more: the to-do goes
        self.company.crm_ambassador_id = False
        self.assertFalse(Activity.search(domain))
        # the ambassador archived, or without Sales rights any more: last
        # week's to-do goes, and no new one is given to them
        for change in ("archive", "rights"):
            self.ambassador.active = True
            self.company.crm_ambassador_id = self.ambassador
            Company._cron_crm_adoption_follow_up()
            self.assertEqual(Activity.search(domain).user_id, self.ambassador)
            if change == "archive":
                self.ambassador.active = False
            else:
                self.ambassador.groups_id = [
                    (3, self.env.ref("sales_team.group_sale_salesman").id)
                ]
            Company._cron_crm_adoption_follow_up()
            self.assertFalse(
                Activity.with_context(active_test=False).search(domain), change
            )


@tagged("post_install", "-at_install")
class TestAdoptionQueries(AdoptionCommon):
    def _users_with_figures(self, count):
        users = self.env["res.users"]
        for index in range(count):
            user = new_test_user(
                self.env,
                login=f"adoption_q{count}_{index}",
                groups="sales_team.group_sale_salesman",
            )
            activity = self.host.activity_schedule(
                "mail.mail_activity_data_call", user_id=user.id
            )
            activity.with_user(user).action_feedback()
            self.env["crm.lead"].create(
                {"name": "Q", "user_id": user.id, "email_from": "q@example.com"}
            )
            users |= user
        self.env.flush_all()
        return users

    def _read_report(self, manager):
        Report = self.env["crm.adoption.report"]
        Report._refresh()
        Report.with_user(manager).read_group(
            [],
            ["calls_logged:sum", "data_quality:avg", "adoption_points:sum"],
            ["user_id", "date:month"],
            lazy=False,
        )
        self.env["crm.adoption.leaderboard"].with_user(manager).search_read(
            [], ["user_id", "rank", "adoption_points"]
        )

    def test_query_count_does_not_grow_with_users(self):
        manager = self.manager
        Company = self.env["res.company"]
        for count in (2, 8):
            self._users_with_figures(count)
            self.env.invalidate_all()
            with self.assertQueryCount(REPORT_QUERIES):
                self._read_report(manager)
            Company._cron_crm_adoption_follow_up()  # last week's to-do, replaced
            self.env.invalidate_all()
            with self.assertQueryCount(FOLLOW_UP_QUERIES):
                Company._cron_crm_adoption_follow_up()
