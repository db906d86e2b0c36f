// A forward move refused by a blocking guide stage (kanban drop, statusbar
// click, list edit) is a UserError on the server; show it like a
// RedirectWarning: the engine's message plus a button that opens the missing
// steps, instead of a bare error.
import {RedirectWarningDialog} from "@web/core/errors/error_dialogs";
import {registry} from "@web/core/registry";

registry
    .category("error_dialogs")
    .add(
        "odoo.addons.crm_workflow_guide.crm_guides.exceptions.GuideBlockedError",
        RedirectWarningDialog
    );
