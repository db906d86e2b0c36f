# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestGuideRpc(HttpCase):
    """What the web client does is a plain call_kw: a salesman's kanban drop is
    a ``write``, and the server enforces the guide."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="rpc_salesman",
            password="rpc_salesman_pwd",
            groups="sales_team.group_sale_salesman",
        )
        cls.team = cls.env.ref("sales_team.team_sales_department")
        cls.team.member_ids = [(4, cls.salesman.id)]
        cls.stage_lead = cls.env.ref("crm.stage_lead1")
        cls.stage_meeting = cls.env.ref("crm.stage_lead2")
        cls.stage_quote = cls.env.ref("crm.stage_lead3")

    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def _call_error(self, model, method, args, kwargs=None):
        """The error the web client would show for this call."""
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": model,
                        "method": method,
                        "args": args,
                        "kwargs": kwargs or {},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        error = response.json().get("error")
        self.assertTrue(error, f"{model}.{method} should have been refused")
        return error["data"]["name"], error["data"]["message"]

    @mute_logger("odoo.http")  # the refusals below are expected
    def test_salesman_kanban_drop_over_rpc(self):
        self.authenticate("rpc_salesman", "rpc_salesman_pwd")
        ids = self._call(
            "crm.lead",
            "create",
            [
                [
                    {
                        "name": f"RPC deal {i}",
                        "type": "opportunity",
                        "team_id": self.team.id,
                        "stage_id": self.stage_lead.id,
                    }
                    for i in range(3)
                ]
            ],
        )
        leads = self.env["crm.lead"].browse(ids)
        self.assertEqual(
            leads.guide_id, self.env.ref("crm_workflow_guide.crm_guide_sales_demo")
        )
        # the demo sales guide's New stage is not blocking: the drop goes through
        self._call("crm.lead", "write", [ids, {"stage_id": self.stage_meeting.id}])
        meet = self.env.ref("crm_workflow_guide.crm_guide_sales_step_meet_demo")
        rows = self.env["crm.guide.record.step"].search(
            [
                ("res_model", "=", "crm.lead"),
                ("res_id", "in", ids),
                ("step_id", "=", meet.id),
            ]
        )
        self.assertEqual(len(rows.activity_id), 3)
        self.assertEqual(rows.activity_id.user_id, self.salesman)
        # Qualified is blocking: the next drop is refused with the reason
        name, message = self._call_error(
            "crm.lead", "write", [ids, {"stage_id": self.stage_quote.id}]
        )
        # shown by the web client with a button to the missing steps
        self.assertEqual(
            name,
            "odoo.addons.crm_workflow_guide.crm_guides.exceptions.GuideBlockedError",
        )
        self.assertIn("Hold the first meeting", message)
        self.assertIn("RPC deal 2", message)
        leads.invalidate_recordset()
        self.assertEqual(leads.stage_id, self.stage_meeting)
        # step states and progress cannot be written over RPC
        name, message = self._call_error(
            "crm.lead", "write", [ids, {"guide_progress": 100}]
        )
        self.assertIn("kept by the workflow guide", message)
        name, message = self._call_error(
            "crm.guide.record.step", "write", [rows.ids, {"state": "done"}]
        )
        self.assertEqual(name, "odoo.exceptions.AccessError")
        rows.invalidate_recordset()
        self.assertEqual(set(rows.mapped("state")), {"todo"})
        # the salesman marks the meeting done through the activity: step done
        self._call(
            "mail.activity",
            "action_feedback",
            [rows.activity_id.ids],
            {"feedback": "Met the CFO"},
        )
        rows.invalidate_recordset()
        self.assertEqual(set(rows.mapped("state")), {"done"})
        self._call("crm.lead", "write", [ids, {"stage_id": self.stage_quote.id}])
        leads.invalidate_recordset()
        self.assertEqual(leads.stage_id, self.stage_quote)
