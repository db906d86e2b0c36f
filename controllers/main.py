# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from werkzeug.exceptions import BadRequest

from odoo import http
from odoo.http import content_disposition, request

MAX_GUIDES = 1000


class CrmGuideExport(http.Controller):
    @http.route("/crm_workflow_guide/export", type="http", auth="user", methods=["GET"])
    def export_guides(self, ids="", **kwargs):
        """The guide file of the guides ``ids`` (comma-separated), read with
        the user's rights: a guide the user may not read is refused."""
        parts = ids.split(",") if ids else []
        if not parts or len(parts) > MAX_GUIDES or not all(p.isdigit() for p in parts):
            raise BadRequest("ids: a comma-separated list of guide ids")
        guides = request.env["crm.guide"].browse([int(p) for p in parts]).exists()
        data = guides._guide_export_file()
        return request.make_response(
            data,
            headers=[
                ("Content-Type", "application/json; charset=utf-8"),
                (
                    "Content-Disposition",
                    content_disposition(guides._guide_export_filename()),
                ),
            ],
        )
