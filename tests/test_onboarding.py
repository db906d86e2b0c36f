# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import CRM_ADMIN, SALESMAN, new_company_user, new_users


@tagged("post_install", "-at_install")
class OnboardingCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.crm_admin, cls.salesman, cls.other_salesman = new_users(
            cls.env,
            ("onb_crm_admin", "CRM Admin", CRM_ADMIN),
            ("onb_salesman", "Onboarding Salesman", SALESMAN),
            ("onb_other", "Other Onboarding Salesman", SALESMAN),
        )
        cls.newsletter = cls.env["crm.subscription.type"].create(
            {"name": "Test Newsletter"}
        )
        cls.fleet = cls.env["crm.interest"].create(
            {"name": "Fleet management", "applies_to": "company"}
        )

    @classmethod
    def _company_b(cls):
        """A second company, with a CRM administrator of it only."""
        company_b = cls.env["res.company"].create({"name": "Onboarding Company B"})
        admin_b = new_company_user(cls.env, "onb_crm_admin_b", CRM_ADMIN, company_b)
        return company_b, admin_b


@tagged("post_install", "-at_install")
class TestOnboardingPanel(OnboardingCommon):
    def _panel(self):
        data = (
            self.env["onboarding.onboarding"]
            .with_user(self.crm_admin)
            .crm_onboarding_panel_data()
        )
        return {step["action"]: step for step in data["steps"]}, data

    def test_steps_follow_live_data(self):
        """Each step flips to done when the data is there, and back to do
        when it goes away; the framework's progress follows."""
        Partner = self.env["res.partner"]
        company_partners = self.env["res.company"].search([]).partner_id
        # take away what demo data may already give
        Partner.search([("is_company", "=", True)]).write(
            {"category_id": [(5, 0, 0)], "industry_id": False}
        )
        self.env["crm.interest"].search([]).action_archive()
        self.env["crm.subscription.type"].search([]).action_archive()
        self.company.crm_ambassador_id = False
        self.env["crm.routine.guide"].search([]).unlink()
        self.env["crm.config.questionnaire"].search([]).unlink()
        self.env["crm.team"].create({"name": "Team Without Guide"})
        self.env["crm.guide"].search([("team_ids", "=", False)]).action_archive()
        steps, data = self._panel()
        expected_todo = {
            "action_crm_open_categories",
            "action_crm_open_industries",
            "action_crm_open_interests",
            "action_crm_open_subscription_types",
            "action_crm_open_ambassador",
            "action_crm_open_routine_guide",
            "action_crm_open_questionnaire",
            "action_crm_open_guides",
        }
        self.assertEqual(
            {action for action, step in steps.items() if not step["done"]}
            & expected_todo,
            expected_todo,
        )
        self.assertIn("Team Without Guide", steps["action_crm_open_guides"]["detail"])
        # the data arrives
        company = Partner.create({"name": "Onboarded Ltd", "is_company": True})
        company.write(
            {
                "category_id": [
                    (
                        4,
                        self.env.ref(
                            "crm_workflow_guide.res_partner_category_customer"
                        ).id,
                    )
                ],
                "industry_id": self.env.ref(
                    "crm_workflow_guide.res_partner_industry_transport"
                ).id,
            }
        )
        self.fleet.action_unarchive()
        self.newsletter.action_unarchive()
        self.company.crm_ambassador_id = self.salesman
        self.env["crm.guide"].create(
            {
                "name": "Guide for every team",
                "team_ids": [(6, 0, self.env["crm.team"].search([]).ids)],
            }
        )
        routine = (
            self.env["crm.routine.guide"]
            .with_user(self.crm_admin)
            .action_open_company_guide()
        )
        self.assertTrue(routine.get("res_id"), "created from the template")
        questionnaire = self.env["crm.config.questionnaire"].create(
            {
                fname: "Answer"
                for fname in self.env["crm.config.questionnaire"]._QUESTIONS
            }
        )
        self.assertTrue(questionnaire.is_answered)
        steps, data = self._panel()
        for action in expected_todo:
            self.assertTrue(steps[action]["done"], action)
        self.assertIn(self.salesman.name, steps["action_crm_open_ambassador"]["detail"])
        # the framework's progress follows
        onboarding = self.env.ref("crm_workflow_guide.crm_onboarding")
        ambassador_step = self.env.ref(
            "crm_workflow_guide.crm_onboarding_step_ambassador"
        )
        self.assertIn(
            ambassador_step.with_company(self.company).current_step_state,
            ("done", "just_done"),
        )
        # and back to do when the data goes away
        self.company.crm_ambassador_id = False
        steps, __ = self._panel()
        self.assertFalse(steps["action_crm_open_ambassador"]["done"])
        ambassador_step.invalidate_recordset()
        self.assertEqual(
            ambassador_step.with_company(self.company).current_step_state, "not_done"
        )
        self.assertTrue(onboarding.step_ids)
        del company_partners

    def test_each_step_opens_its_screen(self):
        steps, __ = self._panel()
        Step = self.env["onboarding.onboarding.step"].with_user(self.crm_admin)
        for action in steps:
            result = getattr(Step, action)()
            self.assertIn(
                result["type"], ("ir.actions.act_window", "ir.actions.client")
            )

    def test_panel_is_for_crm_administrators(self):
        with self.assertRaises(AccessError):
            self.env["onboarding.onboarding"].with_user(
                self.salesman
            ).crm_onboarding_panel_data()
        with self.assertRaises(AccessError):
            self.env["onboarding.onboarding.step"].with_user(
                self.salesman
            ).action_crm_open_questionnaire()
        self.assertFalse(
            self.env["crm.config.questionnaire"]
            .search([])
            .filtered(lambda q: q.create_uid == self.salesman)
        )


@tagged("post_install", "-at_install")
class TestSegmentation(OnboardingCommon):
    def _person(self, name, state=None):
        person = self.env["res.partner"].create({"name": name})
        if state:
            self.env["crm.subscription"].create(
                {
                    "partner_id": person.id,
                    "type_id": self.newsletter.id,
                    "state": state,
                    "source": "form",
                }
            )
        return person

    def test_gdpr_unsubscribed_never_selected(self):
        subscribed = self._person("Sub Scribed", "subscribed")
        unsubscribed = self._person("Un Subscribed", "unsubscribed")
        self._person("No Consent")
        call_list = (
            self.env["crm.call.list"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "Newsletter readers",
                    "subscription_type_id": self.newsletter.id,
                }
            )
        )
        self.assertEqual(call_list._target_partners(), subscribed)
        # added by hand to a static list: still never selected
        call_list.write(
            {
                "is_dynamic": False,
                "partner_ids": [(6, 0, (subscribed | unsubscribed).ids)],
            }
        )
        self.assertEqual(call_list._target_partners(), subscribed)
        # unsubscribing later: logged on the person, and out of the list
        subscription = subscribed.crm_subscription_ids
        subscription.with_user(self.salesman).action_unsubscribe()
        self.assertFalse(call_list._target_partners())
        self.assertIn(
            "Unsubscribed from Test Newsletter",
            subscribed.message_ids[:1].body,
        )
        call_list.action_schedule_calls()
        self.assertFalse(
            self.env["mail.activity"].search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", (subscribed | unsubscribed).ids),
                ]
            )
        )

    def test_segmentation_searchable_and_groupable_on_partners(self):
        company = self.env["res.partner"].create(
            {
                "name": "Fleet Co",
                "is_company": True,
                "crm_interest_ids": [(6, 0, self.fleet.ids)],
            }
        )
        person = self._person("Reader", "subscribed")
        Partner = self.env["res.partner"].with_user(self.salesman)
        self.assertEqual(
            Partner.search([("crm_interest_ids", "in", self.fleet.ids)]), company
        )
        self.assertEqual(
            Partner.search([("crm_subscribed_type_ids", "in", self.newsletter.ids)]),
            person,
        )
        groups = Partner._read_group(
            [("id", "in", (company | person).ids)],
            ["crm_subscribed_type_ids"],
            ["__count"],
        )
        self.assertIn((self.newsletter, 1), groups)

    def test_one_subscription_per_person_and_type(self):
        person = self._person("Twice", "subscribed")
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self.env["crm.subscription"].create(
                {"partner_id": person.id, "type_id": self.newsletter.id}
            )
        company = self.env["res.partner"].create({"name": "Co", "is_company": True})
        with self.assertRaises(UserError):
            self.env["crm.subscription"].create(
                {"partner_id": company.id, "type_id": self.newsletter.id}
            )

    def test_used_configuration_is_archived_not_deleted(self):
        self._person("Kept", "subscribed")
        self.env["res.partner"].create(
            {
                "name": "Kept Co",
                "is_company": True,
                "crm_interest_ids": [(6, 0, self.fleet.ids)],
            }
        )
        with self.assertRaises(UserError):
            self.newsletter.unlink()
        with self.assertRaises(UserError):
            self.fleet.unlink()
        self.assertTrue(self.newsletter.exists() and self.fleet.exists())

    def test_subscription_lists_follow_the_subscriptions_only(self):
        """Who is subscribed or unsubscribed comes from the subscriptions:
        nobody writes it on the contact (write, create, default, copy)."""
        unsubscribed = self._person("Un Subscribed", "unsubscribed")
        reader = self._person("Reader", "subscribed")
        Partner = self.env["res.partner"].with_user(self.salesman)
        with self.assertRaises(AccessError):
            unsubscribed.with_user(self.salesman).write(
                {
                    "crm_unsubscribed_type_ids": [(5, 0, 0)],
                    "crm_subscribed_type_ids": [(4, self.newsletter.id)],
                }
            )
        unsubscribed.invalidate_recordset()
        self.assertEqual(unsubscribed.crm_unsubscribed_type_ids, self.newsletter)
        self.assertFalse(unsubscribed.crm_subscribed_type_ids)
        with self.assertRaises(AccessError):
            Partner.create(
                {
                    "name": "Forged Reader",
                    "crm_subscribed_type_ids": [(6, 0, self.newsletter.ids)],
                }
            )
        with self.assertRaises(AccessError):
            Partner.with_context(
                default_crm_subscribed_type_ids=self.newsletter.ids
            ).create({"name": "Forged Reader"})
        self.assertFalse(Partner.search([("name", "=", "Forged Reader")]))
        copy = reader.with_user(self.salesman).copy()
        self.assertFalse(copy.crm_subscribed_type_ids, "no subscription, no consent")
        self.assertEqual(reader.crm_subscribed_type_ids, self.newsletter)
        call_list = (
            self.env["crm.call.list"]
            .with_user(self.salesman)
            .create({"name": "Readers", "subscription_type_id": self.newsletter.id})
        )
        self.assertEqual(call_list._target_partners(), reader)

    def test_no_saved_default_gives_consent(self):
        """A user's saved default (``ir.default``) for the subscribed types
        does not make new contacts subscribed."""
        self.env["ir.default"].with_user(self.salesman).set(
            "res.partner",
            "crm_subscribed_type_ids",
            self.newsletter.ids,
            user_id=True,
        )
        self.env["ir.default"].with_user(self.salesman).set(
            "res.partner",
            "crm_subscription_ids",
            [(0, 0, {"type_id": self.newsletter.id, "state": "subscribed"})],
            user_id=True,
        )
        forged = (
            self.env["res.partner"].with_user(self.salesman).create({"name": "Forged"})
        )
        self.assertFalse(forged.crm_subscribed_type_ids)
        self.assertFalse(forged.crm_subscription_ids)

    def test_merging_contacts_keeps_the_withdrawal(self):
        """Merging a person who unsubscribed with a duplicate who subscribed
        to the same type keeps the withdrawal: the person is not called."""
        unsubscribed = self._person("Jane Duplicate", "unsubscribed")
        duplicate = self._person("Jane Duplicate", "subscribed")
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_context(
                active_model="res.partner",
                active_ids=(unsubscribed | duplicate).ids,
            )
            .create({})
        )
        wizard._merge((unsubscribed | duplicate).ids, duplicate, extra_checks=False)
        self.assertFalse(unsubscribed.exists())
        sub = duplicate.crm_subscription_ids
        self.assertEqual((sub.type_id, sub.state), (self.newsletter, "unsubscribed"))
        self.assertEqual(duplicate.crm_unsubscribed_type_ids, self.newsletter)
        self.assertFalse(duplicate.crm_subscribed_type_ids)

    def test_used_configuration_counts_every_contact(self):
        """Contacts of other companies and archived ones count when an
        interest or a subscription type is deleted."""
        __, admin_b = self._company_b()
        used_elsewhere = self.env["res.partner"].create(
            {
                "name": "Company A Fleet",
                "is_company": True,
                "company_id": self.company.id,
                "crm_interest_ids": [(6, 0, self.fleet.ids)],
            }
        )
        archived_interest = self.env["crm.interest"].create({"name": "Archived use"})
        archived = self.env["res.partner"].create(
            {
                "name": "Archived Fan",
                "active": False,
                "crm_interest_ids": [(6, 0, archived_interest.ids)],
            }
        )
        person = self.env["res.partner"].create(
            {"name": "Company A Reader", "company_id": self.company.id}
        )
        self.env["crm.subscription"].create(
            {"partner_id": person.id, "type_id": self.newsletter.id}
        )
        with self.assertRaises(UserError) as cm:
            self.fleet.with_user(admin_b).unlink()
        self.assertIn("archive them instead", str(cm.exception))
        with self.assertRaises(UserError):
            archived_interest.with_user(self.crm_admin).unlink()
        with self.assertRaises(UserError) as cm:
            self.newsletter.with_user(admin_b).unlink()
        self.assertIn("archive the types instead", str(cm.exception))
        self.assertEqual(used_elsewhere.crm_interest_ids, self.fleet)
        self.assertEqual(archived.crm_interest_ids, archived_interest)
        self.assertEqual(person.crm_subscription_ids.type_id, self.newsletter)

    def test_consent_is_kept(self):
        """A subscription is the proof of consent: not deleted, not moved to
        another person or type, each change logged, never dated ahead."""
        person = self._person("Kept Consent", "unsubscribed")
        other = self._person("Other Person")
        subscription = person.crm_subscription_ids
        with self.assertRaises(UserError):
            subscription.with_user(self.crm_admin).unlink()
        self.assertTrue(subscription.exists())
        self.assertEqual(person.crm_unsubscribed_type_ids, self.newsletter)
        as_salesman = subscription.with_user(self.salesman)
        other_type = self.env["crm.subscription.type"].create({"name": "Invitations"})
        for vals in ({"partner_id": other.id}, {"type_id": other_type.id}):
            with self.assertRaises(UserError):
                as_salesman.write(vals)
        subscription.invalidate_recordset()
        self.assertEqual(subscription.partner_id, person)
        self.assertEqual(subscription.type_id, self.newsletter)
        self.assertFalse(other.crm_subscription_ids)
        today = fields.Date.context_today(subscription)
        with self.assertRaises(ValidationError):
            as_salesman.write({"consent_date": today + timedelta(days=1)})
        self.assertEqual(subscription.consent_date, today)
        # unsubscribing again changes and logs nothing
        last_week = today - timedelta(days=7)
        subscription.consent_date = last_week
        logs = len(person.message_ids)
        self.assertIs(as_salesman.action_unsubscribe(), True)
        as_salesman.write({"state": "unsubscribed", "consent_date": today})
        self.assertEqual(subscription.consent_date, last_week)
        self.assertEqual(len(person.message_ids), logs)
        # a change of the consent is logged on the person
        as_salesman.write({"source": "phone"})
        self.assertEqual(len(person.message_ids), logs + 1)
        self.assertIn("Unsubscribed from Test Newsletter", person.message_ids[0].body)
        self.assertEqual(person.message_ids[0].author_id, self.salesman.partner_id)
        self.assertIs(as_salesman.action_subscribe(), True)
        self.assertIn("source: Phone", person.message_ids[0].body)


@tagged("post_install", "-at_install")
class TestCallList(OnboardingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.transport = cls.env.ref("crm_workflow_guide.res_partner_industry_transport")
        cls.owner_company = cls.env["res.partner"].create(
            {
                "name": "Owned Transport",
                "is_company": True,
                "industry_id": cls.transport.id,
                "user_id": cls.other_salesman.id,
            }
        )
        cls.employee = cls.env["res.partner"].create(
            {"name": "Driver", "parent_id": cls.owner_company.id}
        )
        cls.orphan = cls.env["res.partner"].create(
            {
                "name": "Orphan Transport",
                "is_company": True,
                "industry_id": cls.transport.id,
            }
        )

    def _list(self, **vals):
        return (
            self.env["crm.call.list"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "Transport",
                    "industry_ids": [(6, 0, self.transport.ids)],
                    **vals,
                }
            )
        )

    def _calls(self, call_list):
        return self.env["mail.activity"].search(
            [("crm_call_list_id", "=", call_list.id)]
        )

    def test_schedule_calls_once(self):
        call_list = self._list()
        targets = call_list._target_partners()
        self.assertEqual(
            targets & (self.owner_company | self.employee | self.orphan),
            self.owner_company | self.employee | self.orphan,
        )
        call_list.action_schedule_calls()
        calls = self._calls(call_list)
        self.assertEqual(len(calls), len(targets))
        by_partner = {call.res_id: call.user_id for call in calls}
        self.assertEqual(by_partner[self.owner_company.id], self.other_salesman)
        self.assertEqual(
            by_partner[self.employee.id], self.other_salesman, "the company's"
        )
        self.assertEqual(by_partner[self.orphan.id], self.salesman, "the list's owner")
        # a second run plans nothing twice
        result = call_list.action_schedule_calls()
        self.assertEqual(self._calls(call_list), calls)
        self.assertIn("Calls planned: 0.", result["params"]["message"])
        # once a call is done, the next run plans it again
        calls.filtered(lambda c: c.res_id == self.orphan.id).action_feedback("Talked")
        call_list.action_schedule_calls()
        self.assertEqual(len(self._calls(call_list)), len(targets))

    def test_chosen_user_and_static_list(self):
        call_list = self._list(
            assign_mode="user", assign_user_id=self.other_salesman.id
        )
        call_list.action_freeze()
        self.assertFalse(call_list.is_dynamic)
        frozen = call_list.partner_ids
        late = self.env["res.partner"].create(
            {
                "name": "Late Transport",
                "is_company": True,
                "industry_id": self.transport.id,
            }
        )
        self.assertNotIn(late, call_list._target_partners())
        call_list.action_schedule_calls()
        self.assertEqual(
            set(self._calls(call_list).user_id.ids), {self.other_salesman.id}
        )
        self.assertEqual(len(self._calls(call_list)), len(frozen))

    def test_salesman_creates_leads_only_for_himself(self):
        call_list = self._list()
        with self.assertRaisesRegex(UserError, "only create leads for yourself"):
            call_list.action_create_leads()
        self.assertFalse(
            self.env["crm.lead"].search([("crm_call_list_id", "=", call_list.id)])
        )
        call_list.write({"assign_mode": "user", "assign_user_id": self.salesman.id})
        call_list.action_create_leads()
        leads = self.env["crm.lead"].search([("crm_call_list_id", "=", call_list.id)])
        self.assertEqual(leads.user_id, self.salesman)

    def test_create_leads_once_with_the_team_guide(self):
        manager = new_test_user(
            self.env, login="onb_manager", groups="sales_team.group_sale_manager"
        )
        team = self.env["crm.team"].create(
            {"name": "Call team", "member_ids": [(6, 0, self.salesman.ids)]}
        )
        guide = self.env["crm.guide"].create(
            {"name": "Call guide", "sequence": -5, "team_ids": [(6, 0, team.ids)]}
        )
        call_list = self._list(team_id=team.id, lead_type="opportunity")
        call_list = call_list.with_user(manager)
        call_list.action_create_leads()
        leads = self.env["crm.lead"].search([("crm_call_list_id", "=", call_list.id)])
        self.assertEqual(leads.partner_id, call_list._target_partners())
        self.assertEqual(set(leads.mapped("guide_id").ids), {guide.id})
        self.assertEqual(
            leads.filtered(lambda lead: lead.partner_id == self.owner_company).user_id,
            self.other_salesman,
        )
        call_list.action_create_leads()
        self.assertEqual(
            self.env["crm.lead"].search([("crm_call_list_id", "=", call_list.id)]),
            leads,
        )

    def test_bad_input(self):
        with self.assertRaises(UserError):
            self._list(filter_domain="[('no_such_field', '=', 1)]")
        call_list = self._list(assign_mode="user")
        with self.assertRaises(UserError):
            call_list.action_schedule_calls()
        self.assertFalse(self._calls(call_list))

    def test_rights(self):
        own = self._list()
        other = (
            self.env["crm.call.list"]
            .with_user(self.other_salesman)
            .create({"name": "Other's list"})
        )
        CallList = self.env["crm.call.list"].with_user(self.salesman)
        self.assertEqual(CallList.search([("id", "in", (own | other).ids)]), own)
        with self.assertRaises(AccessError):
            other.with_user(self.salesman).action_schedule_calls()
        self.assertFalse(self._calls(other))

    def test_runs_update_the_list_row(self):
        """Each run writes the list's row first: of two runs at the same time,
        the second's update waits for the first one, then fails with a
        serialization error and Odoo runs it again on a fresh snapshot that
        holds the first run's calls (locking the row is not enough in
        REPEATABLE READ: the second run would create them all again)."""
        call_list = self._list(assign_mode="user", assign_user_id=self.salesman.id)
        for action in ("action_schedule_calls", "action_create_leads"):
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE crm_call_list SET write_date = '2000-01-01' WHERE id = %s",
                [call_list.id],
            )
            getattr(call_list, action)()
            self.env.flush_all()
            self.env.cr.execute(
                "SELECT write_date > '2000-01-01' FROM crm_call_list WHERE id = %s",
                [call_list.id],
            )
            self.assertTrue(self.env.cr.fetchone()[0], action)

    def test_only_the_list_ties_records_to_it(self):
        """A salesman cannot tie their activities or leads to a list they may
        not run (that list would skip those contacts)."""
        other = (
            self.env["crm.call.list"]
            .with_user(self.other_salesman)
            .create({"name": "Other's orphans", "partner_kind": "company"})
        )
        target = self.orphan.with_user(self.salesman)
        activity_vals = {
            "res_model_id": self.env["ir.model"]._get_id("res.partner"),
            "res_id": target.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
            "user_id": self.salesman.id,
        }
        Activity = self.env["mail.activity"].with_user(self.salesman)
        Lead = self.env["crm.lead"].with_user(self.salesman)
        with self.assertRaises(AccessError):
            Activity.create({**activity_vals, "crm_call_list_id": other.id})
        with self.assertRaises(AccessError):
            Activity.with_context(default_crm_call_list_id=other.id).create(
                activity_vals
            )
        with self.assertRaises(AccessError):
            Lead.create(
                {"name": "Fake", "partner_id": target.id, "crm_call_list_id": other.id}
            )
        activity = Activity.create(activity_vals)
        lead = Lead.create({"name": "Mine", "partner_id": target.id})
        for record in (activity, lead):
            with self.assertRaises(AccessError):
                record.write({"crm_call_list_id": other.id})
        self.assertFalse(self._calls(other))
        self.assertFalse(
            self.env["crm.lead"].search([("crm_call_list_id", "=", other.id)])
        )
        other.action_schedule_calls()
        self.assertIn(
            self.orphan.id, self._calls(other).mapped("res_id"), "not blocked"
        )
        # the list's own actions still tie them, for who may run it
        self.assertTrue(
            self._list(
                assign_mode="user", assign_user_id=self.salesman.id
            ).action_create_leads()
        )

    def test_conditions_as_the_domain_editor_writes_them(self):
        """Relative dates, the current user and periods, as Odoo's domain
        editor and saved filters write them; no costly computation."""
        mine = self.env["res.partner"].create(
            {"name": "Mine Since Yesterday", "user_id": self.salesman.id}
        )
        for domain in (
            "[('create_date', '>=', context_today().strftime('%Y-%m-%d'))]",
            "[('create_date', '>=', (context_today() + relativedelta(days=-1))"
            ".strftime('%Y-%m-%d'))]",
            "[('create_date', '>=', datetime.datetime.combine(context_today() + "
            "relativedelta(days=-1), datetime.time(0, 0, 0)).to_utc()"
            ".strftime('%Y-%m-%d %H:%M:%S'))]",
            "[('create_date', '>=', time.strftime('%Y-01-01'))]",
        ):
            call_list = self._list(
                industry_ids=False,
                filter_domain=domain[:-1] + ", ('user_id', '=', uid)]",
            )
            self.assertEqual(call_list._target_partners(), mine, domain)
        for domain in (
            "[('id', '=', 10**10**8)]",
            "[('name', '=', 'x' * 1000000000)]",
            "[('id', 'in', range(10**9))]",
            "[('id', '=', 1 if uid else 2)]",
        ):
            with self.assertRaises(UserError) as cm:
                self._list(name="Costly", filter_domain=domain)
            self.assertIn("is not allowed", str(cm.exception), domain)
        with self.assertRaises(UserError):
            self._list(name="Costly", filter_domain="[('id', '=', time.sleep(60))]")
        self.assertFalse(self.env["crm.call.list"].search([("name", "=", "Costly")]))

    def test_conditions_run_no_code(self):
        """The conditions are values, dates and the current user's id: no
        record to call a method on, no database access, no other name; a
        value the database refuses is refused when saved."""
        salesman = self.salesman
        before = salesman.groups_id
        for domain in (
            "[('id', '!=', user.sudo().write({'groups_id': [(4, 1)]}))]",
            "[('id', '=', uid.__class__)]",
            "[('id', '=', context_today().__class__.__subclasses__())]",
            "[('id', '=', datetime.datetime.now().__class__)]",
            "[('id', '=', env.cr.execute('SELECT 1'))]",
            "[('id', '=', datetime.sys)]",
            "[('id', '=', " + "[" * 500 + "]" * 500 + ")]",
            "[('id', '=', 1" + "+1" * 20000 + ")]",
            "[('id', '=', 99999999999999999999999)]",
        ):
            with self.assertRaises(UserError) as cm:
                self._list(name="Code", filter_domain=domain)
            self.assertIn("conditions of the list", str(cm.exception), domain[:60])
        with self.assertRaises(ValidationError) as cm:
            self._list(name="Code", filter_domain="[('create_date', '=', 'garbage')]")
        self.assertIn("not a valid filter", str(cm.exception))
        self.assertFalse(self.env["crm.call.list"].search([("name", "=", "Code")]))
        self.assertEqual(salesman.groups_id, before)
        # being typed in the form: counts nothing, no server error
        draft = (
            self.env["crm.call.list"]
            .with_user(salesman)
            .new({"name": "Draft", "filter_domain": "[('id', 'in', ['abc'])]"})
        )
        self.assertEqual(draft.partner_count, 0)
        # a pattern is a value
        self._list(name="Pattern", filter_domain="[('ref', '=like', '%1')]")
        # a list stays in a company of its user
        mine = self._list(name="Mine")
        company_b = self.env["res.company"].create({"name": "Not Mine"})
        with self.assertRaises(ValidationError):
            mine.write({"company_id": company_b.id})
        self.assertEqual(mine.company_id, self.env.company)
        # nothing selected: a clear answer
        empty = self.env["crm.call.list"].with_user(salesman)
        self.assertEqual(
            empty.action_schedule_calls()["params"]["message"],
            "No call list was selected.",
        )

    def test_several_lists_and_static_lists_of_one_company(self):
        """A frozen list keeps and calls contacts of its own company only; its
        count is what a run plans; several lists run at once."""
        company_b, __ = self._company_b()
        manager = new_test_user(
            self.env,
            login="onb_manager_ab",
            groups="sales_team.group_sale_manager",
            company_ids=[(6, 0, (self.company | company_b).ids)],
        )
        foreign = self.env["res.partner"].create(
            {"name": "Company B Contact", "company_id": company_b.id}
        )
        archived = self.env["res.partner"].create(
            {"name": "Archived Contact", "active": False}
        )
        CallList = (
            self.env["crm.call.list"]
            .with_user(manager)
            .with_context(allowed_company_ids=(self.company | company_b).ids)
        )
        static = CallList.create(
            {
                "name": "Static",
                "is_dynamic": False,
                "assign_mode": "user",
                "assign_user_id": manager.id,
                "partner_ids": [(6, 0, (self.orphan | foreign | archived).ids)],
            }
        )
        self.assertEqual(static.partner_count, 1)
        dynamic = CallList.create(
            {
                "name": "Dynamic",
                "partner_kind": "company",
                "industry_ids": [(6, 0, self.transport.ids)],
            }
        )
        result = (static | dynamic).action_schedule_calls()
        self.assertEqual(self._calls(static).mapped("res_id"), self.orphan.ids)
        self.assertEqual(len(self._calls(dynamic)), len(dynamic._target_partners()))
        self.assertIn(
            f"Calls planned: {1 + len(self._calls(dynamic))}.",
            result["params"]["message"],
        )
        static.action_freeze()
        static.invalidate_recordset()
        self.assertEqual(
            static.with_context(active_test=False).partner_ids, self.orphan | archived
        )

    def test_bad_assignee_and_delay(self):
        portal = new_test_user(self.env, login="onb_portal", groups="base.group_portal")
        for vals in (
            {"assign_mode": "user", "assign_user_id": portal.id},
            {"activity_delay": -1},
            {"activity_delay": 2000000000},
        ):
            with self.assertRaises(ValidationError):
                self._list(name="Refused", **vals)
        self.assertFalse(self.env["crm.call.list"].search([("name", "=", "Refused")]))
        call_list = self._list(activity_delay=3650)
        with self.assertRaises(ValidationError):
            call_list.write({"activity_delay": 3651})
        self.assertEqual(call_list.activity_delay, 3650)

    def _queries(self, func):
        self.env.flush_all()
        start = self.env.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.env.cr.sql_log_count - start

    def test_ten_thousand_partners_in_one_batch(self):
        """Scheduling calls for 10,000 contacts costs no more queries, beyond a
        constant, than Odoo's own batched create of the same 10,000 activities
        (the floor); a second run plans none."""
        Partner = self.env["res.partner"].with_context(tracking_disable=True)
        counts = {}
        for size in (100, 10000):
            industry = self.env["res.partner.industry"].create(
                {"name": f"Batch {size}"}
            )
            listed, floor = (
                Partner.create(
                    [
                        {
                            "name": f"{kind} {i}",
                            "is_company": True,
                            "industry_id": industry.id if kind == "Listed" else False,
                        }
                        for i in range(size)
                    ]
                )
                for kind in ("Listed", "Floor")
            )
            call_list = self._list(industry_ids=[(6, 0, industry.ids)], name=str(size))
            call = self.env.ref("mail.mail_activity_data_call")
            model_id = self.env["ir.model"]._get_id("res.partner")
            counts[size] = (
                self._queries(call_list.action_schedule_calls),
                self._queries(
                    lambda floor=floor,
                    model_id=model_id,
                    call=call,
                    size=size: self.env["mail.activity"]
                    .with_user(self.salesman)
                    .with_context(mail_activity_quick_update=True)
                    .create(
                        [
                            {
                                "res_model_id": model_id,
                                "res_id": partner.id,
                                "activity_type_id": call.id,
                                "summary": str(size),
                                "user_id": self.salesman.id,
                            }
                            for partner in floor
                        ]
                    )
                ),
            )
            self.assertEqual(len(self._calls(call_list)), size)
            if size == 10000:
                call_list.action_schedule_calls()
                self.assertEqual(len(self._calls(call_list)), size, "no duplicate")
        for size, (ours, floor) in counts.items():
            self.assertLessEqual(
                ours, floor + 25, f"{size} contacts: {ours} queries, floor {floor}"
            )
        growth = counts[10000][0] - counts[100][0]
        floor_growth = counts[10000][1] - counts[100][1]
        self.assertLessEqual(growth, floor_growth, f"queries per size: {counts}")


@tagged("post_install", "-at_install")
class TestRoutineGuideAndQuestionnaire(OnboardingCommon):
    def test_routine_guide_rights(self):
        guide = self.env["crm.routine.guide"].with_user(self.crm_admin).create({})
        self.assertIn("<h3>", guide.body, "a starting template")
        # every CRM user reads it
        self.assertTrue(guide.with_user(self.salesman).body)
        with self.assertRaises(AccessError):
            guide.with_user(self.salesman).write({"body": "<p>Mine</p>"})
        # the company's ambassador edits it
        self.company.crm_ambassador_id = self.salesman
        guide.with_user(self.salesman).write({"body": "<p>Call back within a day.</p>"})
        self.assertEqual(guide.write_uid, self.salesman)
        with self.assertRaises(AccessError):
            guide.with_user(self.salesman).unlink()

    def test_starting_template_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env["ir.module.module"]._load_module_terms(
            ["crm_workflow_guide"], ["nl_NL"], overwrite=True
        )
        self.crm_admin.lang = "nl_NL"
        guide = (
            self.env["crm.routine.guide"]
            .with_user(self.crm_admin)
            .with_context(lang="nl_NL")
            .create({})
        )
        self.assertNotIn("What we register", guide.body)

    def test_questionnaire_report_renders(self):
        questionnaire = (
            self.env["crm.config.questionnaire"]
            .with_user(self.crm_admin)
            .create(
                {
                    "segmentation": "Customer, Prospect",
                    "report_fields": "Turnover per industry",
                }
            )
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "crm_workflow_guide.report_crm_config_questionnaire", questionnaire.ids
            )[0]
            .decode()
        )
        self.assertIn("Turnover per industry", html)
        self.assertIn("Fields to Report On", html)
        self.assertEqual(
            questionnaire.with_user(self.crm_admin).action_print()["report_name"],
            "crm_workflow_guide.report_crm_config_questionnaire",
        )
        with self.assertRaises(AccessError):
            questionnaire.with_user(self.salesman).read(["segmentation"])

    def test_ambassador_opens_the_guide_the_first_time(self):
        """The ambassador may not create guides, yet gets the company's guide
        created from the template when opening it; another salesman does not."""
        self.env["crm.routine.guide"].search([]).unlink()
        Guide = self.env["crm.routine.guide"]
        action = Guide.with_user(self.other_salesman).action_open_company_guide()
        self.assertFalse(action.get("res_id"))
        self.assertFalse(Guide.search([]))
        self.company.crm_ambassador_id = self.salesman
        action = Guide.with_user(self.salesman).action_open_company_guide()
        guide = Guide.browse(action["res_id"])
        self.assertEqual(guide.company_id, self.company)
        self.assertIn("<h3>", guide.body)
        self.assertEqual(guide.create_uid, self.salesman)
        guide.with_user(self.salesman).write({"body": "<p>Ours</p>"})
        with self.assertRaises(AccessError):
            guide.with_user(self.salesman).create({"company_id": self.company.id})

    def test_company_of_a_guide_is_kept(self):
        """Neither the ambassador nor an administrator moves the company's
        guide or questionnaire to another company; a salesman who is not the
        ambassador is told who edits the guide."""
        company_b, __ = self._company_b()
        self.crm_admin.company_ids = [(4, company_b.id)]
        self.company.crm_ambassador_id = self.salesman
        self.env["crm.routine.guide"].search([]).unlink()
        guide = self.env["crm.routine.guide"].create({"name": "Company A Guide"})
        questionnaire = self.env["crm.config.questionnaire"].search(
            [("company_id", "=", self.company.id)]
        ) or self.env["crm.config.questionnaire"].create({})
        for record, user in (
            (guide, self.salesman),
            (guide, self.crm_admin),
            (questionnaire, self.crm_admin),
        ):
            with self.assertRaises(UserError) as cm:
                record.with_user(user).write({"company_id": company_b.id})
            self.assertIn("cannot be changed", str(cm.exception))
            record.invalidate_recordset()
            self.assertEqual(record.company_id, self.company)
        with self.assertRaises(AccessError) as cm:
            guide.with_user(self.other_salesman).write({"name": "Not mine"})
        self.assertIn("Only the CRM ambassador", str(cm.exception))
        self.assertEqual(guide.name, "Company A Guide")
