# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import UserError


class GuideBlockedError(UserError):
    """A forward move refused by a blocking guide stage.

    It is a ``UserError`` (nothing was written, the transaction is rolled
    back) that the web client shows like a ``RedirectWarning``: the message and
    a button that opens the missing steps, so the rep can complete them or
    mark them not applicable in one click (see static/src/js/guide_errors.esm.js).
    The arguments follow RedirectWarning's: message, action, button text,
    additional context.
    """

    def __init__(self, message, action, button_text):
        super().__init__(message)
        self.args = (message, action, button_text, None)

    def __str__(self):
        return self.args[0]
