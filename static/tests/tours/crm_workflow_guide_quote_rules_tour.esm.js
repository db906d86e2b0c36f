// Quote rules in the browser, in three parts (one per user): the salesman
// gives 25 % discount and requests the approval; the team leader approves;
// the salesman sends the quotation and confirms it.
import {registry} from "@web/core/registry";

const alert = ".o_form_view .o_cwg_approval";

registry.category("web_tour.tours").add("crm_workflow_guide_quote_rules_request_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_field_one2many td[name=discount]",
            content: "Give 25 % discount on the line",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_one2many div[name=discount] input",
            run: "edit 25",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: `${alert}:contains('25')`,
            content: "The quotation waits for an approval, with the rule's figures",
        },
        {
            trigger: ".o_form_view button[name=action_guide_request_approval]",
            content: "Request the approval",
            run: "click",
        },
        {
            trigger: ".o_form_view .o-mail-Message:contains('Approval requested')",
            content: "The request is in the chatter",
        },
    ],
});

registry.category("web_tour.tours").add("crm_workflow_guide_quote_rules_approve_tour", {
    steps: () => [
        {
            trigger: `${alert}:contains('25')`,
            content: "The team leader sees the rule and its figures",
        },
        {
            trigger: ".o_form_view button[name=action_guide_approve]",
            content: "Approve",
            run: "click",
        },
        {
            trigger: ".o_form_view .o-mail-Message:contains('Quotation approved')",
            content: "The approval is in the chatter",
        },
    ],
});

registry.category("web_tour.tours").add("crm_workflow_guide_quote_rules_send_tour", {
    steps: () => [
        {
            trigger: ".o_form_view button[name=action_quotation_send]:not(:disabled)",
            content: "Send the approved quotation",
            run: "click",
        },
        {
            trigger: ".modal .o_mail_send",
            run: "click",
        },
        {
            trigger:
                "body:not(:has(.modal)) .o_statusbar_status .o_arrow_button_current:contains('Quotation Sent')",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_confirm]",
            content: "Confirm the order",
            run: "click",
        },
        {
            trigger:
                ".o_statusbar_status .o_arrow_button_current:contains('Sales Order')",
            content: "The quotation is an order",
        },
    ],
});
