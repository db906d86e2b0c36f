// Quote to order as a salesman: from the opportunity, New Quotation; add a
// product; send it (the guide moves to Sent); move to Verbal Acceptance on the
// guide's statusbar; confirm the verbal acceptance in the Guide tab; accept
// the next stage (the order: the quotation is confirmed) and send the
// confirmation the composer offers.
import {registry} from "@web/core/registry";

const guideBar = ".o_form_view .o_cwg_order_guide";
const panel = ".o_form_view .o_cwg_panel";

registry.category("web_tour.tours").add("crm_workflow_guide_quote_tour", {
    steps: () => [
        {
            trigger: ".o_form_view button[name=action_sale_quotations_new]",
            content: "New Quotation from the opportunity",
            run: "click",
        },
        {
            trigger: `${guideBar} .o_arrow_button_current:contains('Draft')`,
            content: "The quotation follows the opportunity guide's quotation guide",
        },
        {
            trigger: ".o_field_x2many_list_row_add > a",
            run: "click",
        },
        {
            trigger: 'div[name="product_template_id"] input',
            run: "edit Tour Widget",
        },
        {
            trigger: 'ul.ui-autocomplete a:contains("Tour Widget")',
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_quotation_send]:not(:disabled)",
            content: "Send the quotation by e-mail",
            run: "click",
        },
        {
            trigger: ".modal .o_mail_send",
            run: "click",
        },
        {
            trigger: `body:not(:has(.modal)) ${guideBar} .o_arrow_button_current:contains('Sent')`,
            content: "Sending moved the quotation to Sent",
        },
        {
            trigger: `${guideBar} .o_arrow_button:contains('Verbal Acceptance')`,
            content: "The customer said yes",
            run: "click",
        },
        {
            trigger: `${guideBar} .o_arrow_button_current:contains('Verbal Acceptance')`,
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Guide')",
            run: "click",
        },
        {
            trigger: `${panel} tr:contains('Confirm verbal acceptance') button[name=action_done]`,
            content: "Confirm the verbal acceptance",
            run: "click",
        },
        {
            trigger: ".modal .o_form_view:contains('Order')",
            content: "The guide offers the next stage: the order",
        },
        {
            trigger: ".modal button[name=action_next_stage]",
            run: "click",
        },
        {
            trigger: ".modal:contains('Order') .o_mail_send",
            content: "The order confirmation, ready to send",
        },
        {
            trigger: ".modal .o_mail_send",
            run: "click",
        },
        {
            trigger: `body:not(:has(.modal)) .o_statusbar_status .o_arrow_button_current:contains('Sales Order')`,
            content: "The quotation is an order",
        },
        {
            trigger: `${guideBar} .o_arrow_button_current:contains('Order')`,
        },
    ],
});
