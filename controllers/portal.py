# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The customer cannot accept or pay online a quotation that still needs
the company's approval (a quote rule of its guide)."""

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.sale.controllers import portal


class CustomerPortal(portal.CustomerPortal):
    @http.route()
    def portal_quote_accept(
        self, order_id, access_token=None, name=None, signature=None
    ):
        error = self._guide_approval_error(order_id, access_token)
        if error:
            return {"error": error}
        return super().portal_quote_accept(
            order_id, access_token=access_token, name=name, signature=signature
        )

    def _guide_approval_error(self, order_id, access_token):
        access_token = access_token or request.httprequest.args.get("access_token")
        try:
            order_sudo = self._document_check_access(
                "sale.order", order_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return None  # Odoo's own answer
        try:
            order_sudo._guide_check_approved_accept()
        except UserError as error:
            return error.args[0]
        return None


class PaymentPortal(portal.PaymentPortal):
    @http.route()
    def portal_order_transaction(self, order_id, access_token, **kwargs):
        error = CustomerPortal._guide_approval_error(self, order_id, access_token)
        if error:
            raise ValidationError(error)
        return super().portal_order_transaction(order_id, access_token, **kwargs)
