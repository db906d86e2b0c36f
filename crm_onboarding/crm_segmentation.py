# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Segmentation lists of the seeds: interests (for companies and/or persons)
and subscription types with each person's subscriptions (GDPR: consent date
and source, unsubscribing logged)."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_list

from ..crm_guides.references import referenced


class CrmInterest(models.Model):
    _name = "crm.interest"
    _description = "CRM Interest"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    applies_to = fields.Selection(
        [("company", "Companies"), ("person", "Persons"), ("both", "Both")],
        required=True,
        default="both",
        help="Companies and persons have separate interest lists: an interest "
        "for companies is offered on companies only.",
    )
    description = fields.Text(translate=True)
    partner_count = fields.Integer("Contacts", compute="_compute_partner_count")

    _sql_constraints = [
        ("name_uniq", "unique (name, applies_to)", "This interest already exists.")
    ]

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("crm_interest_ids", "in", self.ids)],
                ["crm_interest_ids"],
                ["__count"],
            )
        )
        for interest in self:
            interest.partner_count = counts.get(interest, 0)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        # every contact counts: archived ones and those the user does not see
        used = referenced(self, "res.partner", "crm_interest_ids")
        if used:
            raise UserError(
                self.env._(
                    "These interests are given to contacts; archive them "
                    "instead: %(names)s",
                    names=format_list(self.env, used.mapped("name")),
                )
            )


class CrmSubscriptionType(models.Model):
    _name = "crm.subscription.type"
    _description = "CRM Subscription Type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(
        translate=True, help="What the person receives, e.g. the monthly newsletter."
    )
    subscription_ids = fields.One2many("crm.subscription", "type_id")
    subscribed_count = fields.Integer(
        "Subscribed", compute="_compute_counts", help="Persons subscribed now."
    )
    unsubscribed_count = fields.Integer("Unsubscribed", compute="_compute_counts")

    _sql_constraints = [("name_uniq", "unique (name)", "This type already exists.")]

    def _compute_counts(self):
        counts = {
            (sub_type, state): count
            for sub_type, state, count in self.env["crm.subscription"]._read_group(
                [("type_id", "in", self.ids)], ["type_id", "state"], ["__count"]
            )
        }
        for sub_type in self:
            sub_type.subscribed_count = counts.get((sub_type, "subscribed"), 0)
            sub_type.unsubscribed_count = counts.get((sub_type, "unsubscribed"), 0)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        # every subscription counts, also those the user does not see
        used = referenced(self, "crm.subscription", "type_id")
        if used:
            raise UserError(
                self.env._(
                    "Persons subscribed to or unsubscribed from these types: their "
                    "consent is kept; archive the types instead: %(names)s",
                    names=format_list(self.env, used.mapped("name")),
                )
            )


class CrmSubscription(models.Model):
    """A person's subscription to a type (newsletter, invitations...), with
    the consent's date and source: the proof GDPR asks for."""

    _name = "crm.subscription"
    _description = "CRM Subscription"
    _order = "partner_id, type_id"
    _rec_names_search = ["partner_id", "type_id"]

    partner_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("is_company", "=", False)],
    )
    type_id = fields.Many2one(
        "crm.subscription.type",
        string="Subscription Type",
        required=True,
        ondelete="restrict",
        index=True,
    )
    state = fields.Selection(
        [("subscribed", "Subscribed"), ("unsubscribed", "Unsubscribed")],
        required=True,
        default="subscribed",
        index=True,
    )
    consent_date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="When the person gave (or withdrew) their consent.",
    )
    source = fields.Selection(
        [
            ("form", "Web Form"),
            ("email", "E-mail"),
            ("phone", "Phone"),
            ("meeting", "Meeting"),
            ("import", "Import"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
        help="How the consent was obtained.",
    )
    company_id = fields.Many2one(related="partner_id.company_id", store=True)

    _sql_constraints = [
        (
            "partner_type_uniq",
            "unique (partner_id, type_id)",
            "A person has one subscription per type: subscribe or unsubscribe it.",
        )
    ]

    @api.depends("partner_id", "type_id")
    def _compute_display_name(self):
        for sub in self:
            sub.display_name = self.env._(
                "%(person)s: %(type)s",
                person=sub.partner_id.name or "",
                type=sub.type_id.name or "",
            )

    @api.constrains("partner_id")
    def _check_person(self):
        if any(sub.partner_id.is_company for sub in self):
            raise ValidationError(self.env._("Only persons subscribe, not companies."))

    @api.constrains("consent_date")
    def _check_consent_date(self):
        today = fields.Date.context_today(self)
        if any(sub.consent_date and sub.consent_date > today for sub in self):
            raise ValidationError(self.env._("A consent date cannot be in the future."))

    @api.model_create_multi
    def create(self, vals_list):
        subs = super().create(vals_list)
        subs.partner_id._crm_sync_subscribed_types()
        subs._log_state()
        return subs

    _CONSENT_FIELDS = ("state", "consent_date", "source")

    def write(self, vals):
        """The consent record stays the person's, for its type: it is not
        moved. Each change of the consent (state, date or source) is logged
        on the person; unsubscribing an unsubscribed person changes nothing."""
        for fname in ("partner_id", "type_id"):
            if fname in vals and any(sub[fname].id != vals[fname] for sub in self):
                raise UserError(
                    self.env._(
                        "A subscription stays the consent of its person for its "
                        "type: it cannot be moved to another person or type. "
                        "Create a new subscription instead."
                    )
                )
        if vals.get("state") == "unsubscribed" and "consent_date" in vals:
            # already unsubscribed: the date of the withdrawal is kept
            kept = self.filtered(lambda sub: sub.state == "unsubscribed")
            if kept:
                (self - kept).write(vals)
                kept.write(
                    {key: val for key, val in vals.items() if key != "consent_date"}
                )
                return True
        consent = {sub: sub._read_consent() for sub in self}
        result = super().write(vals)
        if {"state", "type_id", "partner_id"} & set(vals):
            self.partner_id._crm_sync_subscribed_types()
        if set(self._CONSENT_FIELDS) & set(vals):
            self.filtered(lambda sub: sub._read_consent() != consent[sub])._log_state()
        return result

    def _read_consent(self):
        return tuple(self[fname] for fname in self._CONSENT_FIELDS)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_consent(self):
        if not self.env.su:
            raise UserError(
                self.env._(
                    "A subscription is the proof of the person's consent and is "
                    "kept: unsubscribe the person instead of deleting it."
                )
            )

    def unlink(self):
        partners = self.partner_id
        result = super().unlink()
        partners._crm_sync_subscribed_types()
        return result

    def _log_state(self):
        """Each (un)subscription is logged on the person, one note each."""
        bodies = {}
        for sub in self:
            text = (
                self.env._(
                    "Subscribed to %(type)s (consent of %(date)s, source: "
                    "%(origin)s).",
                    type=sub.type_id.name,
                    date=sub.consent_date,
                    origin=dict(
                        self._fields["source"]._description_selection(self.env)
                    ).get(sub.source),
                )
                if sub.state == "subscribed"
                else self.env._(
                    "Unsubscribed from %(type)s on %(date)s.",
                    type=sub.type_id.name,
                    date=sub.consent_date,
                )
            )
            bodies.setdefault(sub.partner_id.id, []).append(text)
        partners = self.env["res.partner"].browse(list(bodies))
        partners._message_log_batch(
            {pid: Markup("<br/>").join(lines) for pid, lines in bodies.items()}
        )

    def action_subscribe(self):
        self.write(
            {"state": "subscribed", "consent_date": fields.Date.context_today(self)}
        )
        return True

    def action_unsubscribe(self):
        self.write(
            {"state": "unsubscribed", "consent_date": fields.Date.context_today(self)}
        )
        return True


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_interest_ids = fields.Many2many(
        "crm.interest",
        "crm_interest_res_partner_rel",
        "partner_id",
        "interest_id",
        string="Interests",
        domain="[('applies_to', 'in', ('both', is_company and 'company' or 'person'))]",
        help="What the contact is interested in: for target groups and call lists.",
    )
    crm_subscription_ids = fields.One2many(
        "crm.subscription", "partner_id", string="Subscriptions"
    )
    crm_subscribed_type_ids = fields.Many2many(
        "crm.subscription.type",
        "crm_subscription_type_subscribed_rel",
        "partner_id",
        "type_id",
        string="Subscribed To",
        readonly=True,
        copy=False,
        help="Subscription types the person is subscribed to now.",
    )
    crm_unsubscribed_type_ids = fields.Many2many(
        "crm.subscription.type",
        "crm_subscription_type_unsubscribed_rel",
        "partner_id",
        "type_id",
        string="Unsubscribed From",
        readonly=True,
        copy=False,
        help="Subscription types the person withdrew their consent from: never "
        "selected for them.",
    )

    _CRM_SUBSCRIPTION_LISTS = ("crm_subscribed_type_ids", "crm_unsubscribed_type_ids")

    @api.model_create_multi
    def create(self, vals_list):
        self._crm_check_subscription_lists(
            [
                *vals_list,
                {
                    key.removeprefix("default_"): True
                    for key in self.env.context
                    if key.startswith("default_")
                },
            ]
        )
        return super().create(vals_list)

    def write(self, vals):
        self._crm_check_subscription_lists([vals])
        return super().write(vals)

    @api.model
    def default_get(self, fields_list):
        # no default (a user's saved default, ``ir.default``) makes a person
        # subscribed or unsubscribed, nor gives them a subscription: only a
        # subscription recorded for them does
        defaults = super().default_get(fields_list)
        for fname in (*self._CRM_SUBSCRIPTION_LISTS, "crm_subscription_ids"):
            defaults.pop(fname, None)
        return defaults

    @api.model
    def _crm_check_subscription_lists(self, vals_list):
        """The subscribed and unsubscribed types follow the person's
        subscriptions, the only proof of consent: nobody writes them."""
        if self.env.su or not any(
            fname in vals
            for vals in vals_list
            for fname in self._CRM_SUBSCRIPTION_LISTS
        ):
            return
        raise AccessError(
            self.env._(
                "The subscribed and unsubscribed types of a person follow their "
                "subscriptions: subscribe or unsubscribe the person instead."
            )
        )

    def _crm_sync_subscribed_types(self):
        """Keep the searchable, groupable lists of subscribed and unsubscribed
        types of these persons (as the system: they follow the
        subscriptions), in one read and one write per combination."""
        if not self:
            return
        subs = (
            self.env["crm.subscription"]
            .sudo()
            .search_fetch(
                [("partner_id", "in", self.ids)], ["partner_id", "type_id", "state"]
            )
        )
        values = {partner.id: ([], []) for partner in self}
        for sub in subs:
            index = 0 if sub.state == "subscribed" else 1
            values[sub.partner_id.id][index].append(sub.type_id.id)
        groups = {}
        for partner_id, (subscribed, unsubscribed) in values.items():
            key = (tuple(sorted(subscribed)), tuple(sorted(unsubscribed)))
            groups.setdefault(key, []).append(partner_id)
        for (subscribed, unsubscribed), partner_ids in groups.items():
            self.browse(partner_ids).sudo().write(
                {
                    "crm_subscribed_type_ids": [(6, 0, list(subscribed))],
                    "crm_unsubscribed_type_ids": [(6, 0, list(unsubscribed))],
                }
            )
