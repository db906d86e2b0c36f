# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Call lists / target groups: companies and persons chosen by category,
industry, interest, subscription and any filter; kept static or re-evaluated;
then, in one batched action, a call for each or a lead for each."""

from collections import defaultdict

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, format_list, mute_logger
from odoo.tools.safe_eval import safe_eval

from . import call_list_conditions as conditions

MAX_ACTIVITY_DELAY = 3650


class CrmCallList(models.Model):
    _name = "crm.call.list"
    _description = "Call List"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
        help="Who keeps the list. Salespeople see and run their own lists.",
    )
    partner_kind = fields.Selection(
        [("both", "Companies and Persons"), ("company", "Companies"),
         ("person", "Persons")],
        string="Target",
        required=True,
        default="both",
    )  # fmt: skip
    category_ids = fields.Many2many(
        "res.partner.category", string="Categories", help="Any of these tags."
    )
    industry_ids = fields.Many2many(
        "res.partner.industry",
        string="Industries",
        help="Any of these industries (a person's is its company's).",
    )
    interest_ids = fields.Many2many(
        "crm.interest", string="Interests", help="Any of these interests."
    )
    subscription_type_id = fields.Many2one(
        "crm.subscription.type",
        string="Subscription Type",
        help="Only persons subscribed to this type. A person who unsubscribed "
        "from it is never selected, even when added by hand.",
    )
    filter_domain = fields.Char(
        "Other Conditions",
        default="[]",
        help="Any other filter on contacts, as built with Odoo's domain editor.",
    )
    is_dynamic = fields.Boolean(
        "Re-evaluate",
        default=True,
        help="Re-evaluate the conditions each time the list is used. Otherwise the "
        "list keeps the contacts it had when it was frozen.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "crm_call_list_res_partner_rel",
        "list_id",
        "partner_id",
        string="Frozen Contacts",
        help="The contacts of a static list (see Freeze).",
    )
    partner_count = fields.Integer("Contacts", compute="_compute_partner_count")
    assign_mode = fields.Selection(
        [("salesperson", "Each Account's Salesperson"), ("user", "A Chosen User")],
        string="Assign To",
        required=True,
        default="salesperson",
        help="Each account's salesperson (the company's for a person; the list's "
        "owner when there is none), or one chosen user.",
    )
    assign_user_id = fields.Many2one(
        "res.users", string="Chosen User", domain=[("share", "=", False)]
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Activity",
        default=lambda self: self.env.ref(
            "mail.mail_activity_data_call", raise_if_not_found=False
        ),
        domain=[("res_model", "in", (False, "res.partner"))],
    )
    activity_summary = fields.Char("Summary")
    activity_delay = fields.Integer(
        "Due In (Days)", default=0, help="Days after today the calls are due."
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        check_company=True,
        help="Team of the leads created (default: the salesperson's): its guide "
        "applies.",
    )
    lead_type = fields.Selection(
        [("lead", "Lead"), ("opportunity", "Opportunity")],
        string="Create As",
        required=True,
        default="lead",
    )
    activity_count = fields.Integer(
        "Open Calls", compute="_compute_results", help="Open activities of this list."
    )
    lead_count = fields.Integer("Leads", compute="_compute_results")

    @api.constrains("activity_delay")
    def _check_activity_delay(self):
        if any(
            not 0 <= call_list.activity_delay <= MAX_ACTIVITY_DELAY
            for call_list in self
        ):
            raise ValidationError(
                self.env._(
                    "Calls are due between 0 and %(max)s days after they are planned.",
                    max=MAX_ACTIVITY_DELAY,
                )
            )

    @api.constrains("company_id")
    def _check_company_of_the_user(self):
        """A list belongs to a company of the user who saves it (its
        conditions run for that company's users)."""
        if self.env.su:
            return
        for call_list in self:
            if call_list.company_id not in self.env.user.company_ids:
                raise ValidationError(
                    self.env._(
                        "The call list %(name)s can only belong to one of your "
                        "companies, which %(company)s is not.",
                        name=call_list.name,
                        company=call_list.company_id.name,
                    )
                )

    @api.constrains("assign_user_id")
    def _check_assign_user(self):
        for call_list in self:
            if call_list.assign_user_id.share:
                raise ValidationError(
                    self.env._(
                        "Calls and leads are assigned to internal users only, and "
                        "%(user)s is not one.",
                        user=call_list.assign_user_id.name,
                    )
                )

    def _filter_domain(self):
        """The list's other conditions as a domain, once the sandbox
        (``call_list_conditions``) let them through."""
        self.ensure_one()
        source = (self.filter_domain or "").strip() or "[]"
        try:
            conditions.check(source)
        except conditions.TooLong as exc:
            raise self._invalid_filter(
                self.env._(
                    "it is longer than %(max)s characters", max=conditions.MAX_LENGTH
                )
            ) from exc
        except conditions.Unparsable as exc:
            raise self._invalid_filter(exc.error) from exc
        except conditions.Forbidden as exc:
            raise UserError(
                self.env._(
                    "The conditions of the list %(name)s may only hold values, "
                    "dates and the current user: %(expression)s is not allowed.",
                    name=self.name,
                    expression=exc.expression,
                )
            ) from exc
        try:
            domain = safe_eval(source, self._filter_eval_context())
            expression.expression(domain, self.env["res.partner"])
        except Exception as exc:  # noqa: BLE001 (any error: an invalid filter)
            raise self._invalid_filter(exc) from exc
        return domain

    @api.constrains("filter_domain")
    def _check_filter_domain(self):
        """A condition that is not a valid filter on contacts (a wrong value
        for a field, e.g. a date that is no date) is refused when saved, not
        when the list is run."""
        Partner = self.env["res.partner"]
        for call_list in self.filtered("filter_domain"):
            domain = call_list._filter_domain()
            try:
                # the database's refusal is the answer, not a server error
                with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                    Partner.search(domain, limit=1)
            except Exception as exc:  # noqa: BLE001 (the database refused it)
                raise ValidationError(str(call_list._invalid_filter(exc))) from exc

    def _invalid_filter(self, exc):
        return UserError(
            self.env._(
                "The conditions of the list %(name)s are not a valid filter on "
                "contacts: %(error)s",
                name=self.name,
                error=str(exc) or exc.__class__.__name__,
            )
        )

    def _filter_eval_context(self):
        """What the web client's domain editor and saved filters use: the
        current user, today in their time zone, dates and periods."""
        try:
            tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        except pytz.UnknownTimeZoneError:
            tz = pytz.utc
        return conditions.eval_context(
            uid=self.env.uid,
            company_id=self.env.company.id,
            company_ids=self.env.companies.ids,
            context_today=lambda: fields.Date.context_today(self),
            tz=tz,
            relativedelta=relativedelta,
        )

    def _partner_domain(self):
        """The conditions of the list, with the GDPR rule: a person who
        unsubscribed from the list's subscription type is never selected."""
        self.ensure_one()
        domain = [
            ("active", "=", True),
            ("company_id", "in", [False, self.company_id.id]),
            *self._filter_domain(),
        ]
        if self.partner_kind != "both":
            domain.append(("is_company", "=", self.partner_kind == "company"))
        if self.category_ids:
            domain.append(("category_id", "in", self.category_ids.ids))
        if self.industry_ids:
            domain += [
                "|",
                ("industry_id", "in", self.industry_ids.ids),
                ("commercial_partner_id.industry_id", "in", self.industry_ids.ids),
            ]
        if self.interest_ids:
            domain.append(("crm_interest_ids", "in", self.interest_ids.ids))
        if self.subscription_type_id:
            domain.append(
                ("crm_subscribed_type_ids", "in", self.subscription_type_id.ids)
            )
        return domain + self._gdpr_domain()

    def _gdpr_domain(self):
        if not self.subscription_type_id:
            return []
        return [("crm_unsubscribed_type_ids", "not in", self.subscription_type_id.ids)]

    def _static_domain(self):
        """The frozen contacts that are still for the list: active, of its
        company, and not unsubscribed from its subscription type."""
        self.ensure_one()
        return [
            ("id", "in", self.partner_ids.ids),
            ("active", "=", True),
            ("company_id", "in", [False, self.company_id.id]),
            *self._gdpr_domain(),
        ]

    def _target_partners(self):
        """The contacts the list stands for now (one query)."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        if self.is_dynamic:
            return Partner.search(self._partner_domain(), order="id")
        if not self.partner_ids:
            return Partner
        return Partner.search(self._static_domain(), order="id")

    @api.depends(
        "is_dynamic", "partner_kind", "category_ids", "industry_ids",
        "interest_ids", "subscription_type_id", "filter_domain", "partner_ids",
        "company_id",
    )  # fmt: skip
    def _compute_partner_count(self):
        for call_list in self:
            try:
                # conditions being typed: a value the database refuses counts
                # nothing (saving them says why)
                with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                    call_list.partner_count = self.env["res.partner"].search_count(
                        call_list._partner_domain()
                        if call_list.is_dynamic
                        else call_list._static_domain()
                    )
            except Exception:  # noqa: BLE001 (an invalid filter counts nothing)
                call_list.partner_count = 0

    def _compute_results(self):
        activities = dict(
            self.env["mail.activity"]._read_group(
                [("crm_call_list_id", "in", self.ids)], ["crm_call_list_id"],
                ["__count"],
            )
        )  # fmt: skip
        leads = dict(
            self.env["crm.lead"]._read_group(
                [("crm_call_list_id", "in", self.ids)], ["crm_call_list_id"],
                ["__count"],
            )
        )  # fmt: skip
        for call_list in self:
            call_list.activity_count = activities.get(call_list, 0)
            call_list.lead_count = leads.get(call_list, 0)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _lock(self):
        """Of two users running the same list at once, the second waits and
        then sees the first one's calls (no duplicates).

        Locking the row would not do: Odoo's transactions are REPEATABLE READ,
        and the second one's snapshot, taken before it waits, never shows the
        first one's calls. Updating the row does: the second transaction's
        update waits for the first one, then fails with a serialization error,
        and Odoo runs the request again on a fresh snapshot."""
        self.env.cr.execute(
            SQL(
                "UPDATE crm_call_list SET write_date = %s WHERE id IN %s",
                self.env.cr.now(),
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["write_date"])

    def action_freeze(self):
        """Keep the contacts the conditions select now (a static list)."""
        Partner = self.env["res.partner"].with_context(active_test=False)
        for call_list in self:
            if call_list.is_dynamic:
                partners = call_list._target_partners()
            else:
                # contacts of other companies are not kept
                partners = Partner.search(
                    [
                        ("id", "in", call_list.partner_ids.ids),
                        ("company_id", "in", [False, call_list.company_id.id]),
                    ]
                )
            call_list.write(
                {"partner_ids": [(6, 0, partners.ids)], "is_dynamic": False}
            )
        return True

    def action_view_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Contacts of %(list)s", list=self.name),
            "res_model": "res.partner",
            "view_mode": "list,kanban,form",
            "views": [(False, "list"), (False, "kanban"), (False, "form")],
            "domain": [("id", "in", self._target_partners().ids)],
        }

    def action_view_activities(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Calls of %(list)s", list=self.name),
            "res_model": "mail.activity",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("crm_call_list_id", "=", self.id)],
        }

    def action_view_leads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_all_leads")
        action.update(domain=[("crm_call_list_id", "=", self.id)], context={})
        return action

    def _assignees(self, partners):
        """``{partner id: user}``: each account's salesperson (the company's for
        a person, else the list's owner), or the chosen user."""
        self.ensure_one()
        if self.assign_mode == "user":
            if not self.assign_user_id:
                raise UserError(
                    self.env._("Choose the user the list %(name)s assigns to.",
                               name=self.name)
                )  # fmt: skip
            return defaultdict(lambda: self.assign_user_id)
        fallback = self.user_id or self.env.user
        # one query for the salespeople of the contacts and of their companies
        rows = self.env.execute_query(
            SQL(
                """SELECT p.id, COALESCE(p.user_id, c.user_id)
                     FROM res_partner p
                LEFT JOIN res_partner c ON c.id = p.commercial_partner_id
                    WHERE p.id IN %s""",
                tuple(partners.ids),
            )
        )
        users = self.env["res.users"].browse({uid for __, uid in rows if uid})
        users = {user.id: user for user in users}
        return {pid: users.get(uid) or fallback for pid, uid in rows}

    def _check_lead_assignees(self, assignees):
        """A salesperson who sees only their own leads cannot create leads for
        others (Odoo's rule): say so before anything is created."""
        if self.env.su or self.env.user.has_group(
            "sales_team.group_sale_salesman_all_leads"
        ):
            return
        others = {user for user in assignees.values() if user != self.env.user}
        if others:
            raise UserError(
                self.env._(
                    "You may only create leads for yourself, and this list assigns "
                    "them to %(users)s. Choose yourself as the user, or ask a sales "
                    "manager to create them.",
                    users=format_list(self.env, sorted(user.name for user in others)),
                )
            )

    @api.model
    def _check_link(self, records, vals_list):
        """Activities and leads are tied to a list (and count as done by it)
        by the list's own actions: only who may run the list ties records to
        it, or takes them away from it."""
        if self.env.su:
            return
        fname = "crm_call_list_id"
        list_ids = {vals[fname] for vals in vals_list if vals.get(fname)}
        if any(fname in vals for vals in vals_list):
            list_ids.update(records[fname].ids)
        default = self.env.context.get(f"default_{fname}")
        if default and not records:
            list_ids.add(default)
        if list_ids:
            self.browse(list_ids).check_access("write")

    def _notify(self, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": message,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _run(self, run_one, message):
        """Run the lists as one batch: each list's ``run_one(call_list)``
        gives ``(done, skipped)``; the user is told ``message(done,
        skipped)`` for all of them. Only who may edit the lists runs them; of
        two users running one list at once, the second waits (``_lock``)."""
        if not self:
            return self._notify(self.env._("No call list was selected."))
        self.check_access("write")
        self._lock()
        done = skipped = 0
        for call_list in self:
            list_done, list_skipped = run_one(call_list)
            done += list_done
            skipped += list_skipped
        return self._notify(message(done, skipped))

    def action_schedule_calls(self):
        """One call (the list's activity) for each contact of the list, in one
        batch; a contact with an open call of this list gets no second one."""
        return self._run(
            lambda call_list: call_list._schedule_calls(),
            lambda planned, skipped: self.env._(
                "Calls planned: %(planned)s. Contacts that already had an open "
                "call of this list: %(skipped)s.",
                planned=planned,
                skipped=skipped,
            ),
        )

    def _schedule_calls(self):
        """``(planned, skipped)``: the calls of this list."""
        self.ensure_one()
        partners = self._target_partners()
        planned = {
            res_id
            for (res_id,) in self.env.execute_query(
                SQL(
                    """SELECT res_id FROM mail_activity
                        WHERE crm_call_list_id = %s AND res_model = 'res.partner'
                          AND active""",
                    self.id,
                )
            )
        }
        todo = partners.browse([pid for pid in partners.ids if pid not in planned])
        if todo:
            assignees = self._assignees(todo)
            activity_type = self.activity_type_id or self.env.ref(
                "mail.mail_activity_data_call"
            )
            deadline = fields.Date.add(
                fields.Date.context_today(self), days=self.activity_delay
            )
            model_id = self.env["ir.model"]._get_id("res.partner")
            summary = self.activity_summary or self.name
            # the activities' document names, read for all contacts at once
            # (mail.activity reads them one contact at a time otherwise)
            todo.sudo().mapped("display_name")
            activities = (
                self.env["mail.activity"]
                .with_context(mail_activity_quick_update=True)
                .create(
                    [
                        {
                            "res_model_id": model_id,
                            "res_id": partner.id,
                            "activity_type_id": activity_type.id,
                            "summary": summary,
                            "date_deadline": deadline,
                            "user_id": assignees[partner.id].id,
                            "crm_call_list_id": self.id,
                        }
                        for partner in todo
                    ]
                )
            )
            # one notification per assignee, not one e-mail per call
            activities._guide_notify_assignees()
        return len(todo), len(partners) - len(todo)

    def action_create_leads(self):
        """One lead for each contact of the list, in one batch, assigned to
        the account's salesperson (or the chosen user), with the team's guide;
        a contact with an open lead of this list gets no second one."""
        return self._run(
            lambda call_list: call_list._create_leads(),
            lambda created, skipped: self.env._(
                "Leads created: %(created)s. Contacts that already had an open "
                "lead of this list: %(skipped)s.",
                created=created,
                skipped=skipped,
            ),
        )

    def _create_leads(self):
        """``(created, skipped)``: the leads of this list."""
        self.ensure_one()
        partners = self._target_partners()
        existing = set(
            self.env["crm.lead"]
            .sudo()
            .search_fetch(
                [("crm_call_list_id", "=", self.id), ("partner_id", "in", partners.ids),
                 ("active", "=", True), ("stage_id.is_won", "=", False)],
                ["partner_id"],
            )
            .mapped("partner_id.id")
        )  # fmt: skip
        todo = partners.filtered(lambda p: p.id not in existing)
        if todo:
            assignees = self._assignees(todo)
            self._check_lead_assignees(assignees)
            self.env["crm.lead"].create(
                [
                    {
                        "name": self.env._(
                            "%(list)s: %(contact)s",
                            list=self.name,
                            contact=partner.display_name,
                        ),
                        "type": self.lead_type,
                        "partner_id": partner.id,
                        "user_id": assignees[partner.id].id,
                        "team_id": (
                            self.team_id or assignees[partner.id].sale_team_id
                        ).id,
                        "company_id": self.company_id.id,
                        "crm_call_list_id": self.id,
                    }
                    for partner in todo
                ]
            )
        return len(todo), len(partners) - len(todo)


# The onboarding part keeps its fields on its own (the product's layout splits
# crm_guides/ and crm_onboarding/), so these models are extended twice.
# pylint: disable=consider-merging-classes-inherited
class CrmCallListLink(models.AbstractModel):
    """A record a call list made (its calls, its leads) names it; only who
    may run the list ties a record to it (``crm.call.list._check_link``)."""

    _name = "crm.call.list.link"
    _description = "Made by a Call List"

    crm_call_list_id = fields.Many2one(
        "crm.call.list",
        string="Call List",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        copy=False,
    )

    @api.model_create_multi
    def create(self, vals_list):
        self.env["crm.call.list"]._check_link(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self.env["crm.call.list"]._check_link(self, [vals])
        return super().write(vals)


class MailActivity(models.Model):
    _name = "mail.activity"
    # the link first: a refused link is refused before anything is written
    _inherit = ["crm.call.list.link", "mail.activity"]


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.call.list.link", "crm.lead"]
