# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import TransactionCase, new_test_user

SALESMAN = "sales_team.group_sale_salesman"
SALES_MANAGER = "sales_team.group_sale_manager"
CRM_ADMIN = "crm_workflow_guide.crm_workflow_guide_group_admin"


def new_users(env, *specs):
    """Test users, one per ``(login, name, groups[, more values])``."""
    return [
        new_test_user(env, login=login, name=name, groups=groups, **dict(*more))
        for login, name, groups, *more in specs
    ]


def new_company_user(env, login, groups, company):
    """A user of ``company`` only."""
    return new_test_user(
        env,
        login=login,
        groups=groups,
        company_id=company.id,
        company_ids=[(6, 0, company.ids)],
    )


class GuideCommon(TransactionCase):
    """A team with its own pipeline and a guide over it:

    Lead (2 steps: 1 automatic required call, 1 suggested document)
    > Meeting (blocking; 1 automatic required meeting, 1 suggested to-do)
    > Quote (1 automatic follow-up assigned to the team leader)
    then the shared won stage.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.manager, cls.salesman, cls.other_salesman = new_users(
            cls.env,
            ("guide_manager", "Guide Manager", SALES_MANAGER),
            ("guide_salesman", "Guide Salesman", SALESMAN),
            ("guide_other_salesman", "Other Salesman", SALESMAN),
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Guided Team",
                "user_id": cls.manager.id,
                "member_ids": [(6, 0, (cls.salesman | cls.other_salesman).ids)],
            }
        )
        cls.other_team = cls.env["crm.team"].create({"name": "Unguided Team"})
        Stage = cls.env["crm.stage"]
        cls.stage_lead, cls.stage_meeting, cls.stage_quote = Stage.create(
            [
                {"name": "G Lead", "sequence": 101, "team_id": cls.team.id},
                {"name": "G Meeting", "sequence": 102, "team_id": cls.team.id},
                {"name": "G Quote", "sequence": 103, "team_id": cls.team.id},
            ]
        )
        cls.stage_won = Stage.create({"name": "G Won", "sequence": 110, "is_won": True})
        cls.type_call = cls.env.ref("mail.mail_activity_data_call")
        cls.type_meeting = cls.env.ref("mail.mail_activity_data_meeting")
        cls.type_todo = cls.env.ref("mail.mail_activity_data_todo")
        cls.template = cls.env.ref("crm_workflow_guide.mail_template_proposal")
        # a document step's template is its activity type's
        cls.type_proposal = cls.env.ref(
            "crm_workflow_guide.mail_activity_type_proposal"
        )
        cls.guide = cls.env["crm.guide"].create(
            {
                "name": "Test Guide",
                "sequence": 1,
                "team_ids": [(6, 0, cls.team.ids)],
                "auto_advance": True,
                "guide_stage_ids": [
                    (
                        0,
                        0,
                        {
                            "sequence": 1,
                            "stage_id": cls.stage_lead.id,
                            "rotting_days": 7,
                            "step_ids": [
                                (
                                    0,
                                    0,
                                    {
                                        "sequence": 1,
                                        "name": "Qualify",
                                        "activity_type_id": cls.type_call.id,
                                        "delay_count": 2,
                                        "auto_schedule": True,
                                        "is_required": True,
                                    },
                                ),
                                (
                                    0,
                                    0,
                                    {
                                        "sequence": 2,
                                        "name": "Proposal",
                                        "kind": "document",
                                        "activity_type_id": cls.type_proposal.id,
                                    },
                                ),
                            ],
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "sequence": 2,
                            "stage_id": cls.stage_meeting.id,
                            "is_blocking": True,
                            "step_ids": [
                                (
                                    0,
                                    0,
                                    {
                                        "sequence": 1,
                                        "name": "Meet",
                                        "activity_type_id": cls.type_meeting.id,
                                        "auto_schedule": True,
                                        "is_required": True,
                                    },
                                ),
                                (
                                    0,
                                    0,
                                    {
                                        "sequence": 2,
                                        "name": "Stakeholders",
                                        "activity_type_id": cls.type_todo.id,
                                        "delay_count": 3,
                                    },
                                ),
                            ],
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "sequence": 3,
                            "stage_id": cls.stage_quote.id,
                            "step_ids": [
                                (
                                    0,
                                    0,
                                    {
                                        "name": "Follow up",
                                        "activity_type_id": cls.type_call.id,
                                        "auto_schedule": True,
                                        "responsible_type": "team_leader",
                                    },
                                ),
                            ],
                        },
                    ),
                ],
            }
        )
        cls.gs_lead, cls.gs_meeting, cls.gs_quote = cls.guide.guide_stage_ids
        cls.step_qualify, cls.step_proposal = cls.gs_lead.step_ids
        cls.step_meet, cls.step_stakeholders = cls.gs_meeting.step_ids
        cls.step_follow = cls.gs_quote.step_ids

    @classmethod
    def _create_opportunities(cls, count, stage=None, user=None, team=None, env=None):
        env = env or cls.env
        return env["crm.lead"].create(
            [
                {
                    "name": f"Opportunity {index}",
                    "type": "opportunity",
                    "team_id": (team or cls.team).id,
                    "user_id": (user or cls.salesman).id,
                    "stage_id": (stage or cls.stage_lead).id,
                }
                for index in range(count)
            ]
        )

    def _rows(self, records, step=None):
        domain = [("res_model", "=", records._name), ("res_id", "in", records.ids)]
        if step:
            domain.append(("step_id", "=", step.id))
        return self.env["crm.guide.record.step"].sudo().search(domain)

    def _guide_activities(self, records, activity_type=None):
        domain = [("res_model", "=", records._name), ("res_id", "in", records.ids)]
        if activity_type:
            domain.append(("activity_type_id", "=", activity_type.id))
        return self.env["mail.activity"].sudo().search(domain)
