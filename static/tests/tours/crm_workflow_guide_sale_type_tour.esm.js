import {registry} from "@web/core/registry";

const pipeline = ".o_kanban_renderer";
const proposition = `${pipeline} .o_kanban_group:has(.o_column_title:contains('Proposition'))`;
const steps = ".o_form_view .o_notebook .o_cwg_steps";

// A salesman starts a cross-sale from the pipeline: the type of sale is chosen
// in the quick create, its steps are planned, the chained call waits for the
// review of the purchase history, and the offer letter is created as a real
// document that completes its step.
registry.category("web_tour.tours").add("crm_workflow_guide_sale_type_tour", {
    steps: () => [
        {
            trigger: `${proposition} .o_kanban_quick_add`,
            content: "Start a sale in the Proposition column",
            run: "click",
        },
        {
            trigger: `${proposition} .o_kanban_quick_create .o_field_widget[name=name] input`,
            run: "edit Tour cross-sale",
        },
        {
            trigger: `${proposition} .o_kanban_quick_create .o_cwg_guide_choice:contains('Selling more to a customer')`,
            content: "Each type of sale says what it is for",
        },
        {
            trigger: `${proposition} .o_kanban_quick_create .o_cwg_guide_choice label:contains('Existing Customer')`,
            content: "Choose the type of sale",
            run: "click",
        },
        {
            trigger: `${proposition} .o_kanban_quick_create .o_cwg_guide_choice input:checked`,
        },
        {
            trigger: `${proposition} .o_kanban_quick_create .o_kanban_add`,
            run: "click",
        },
        {
            trigger: `${proposition} .o_kanban_record:contains('Tour cross-sale')`,
            content: "Open the new opportunity",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook a[name=workflow_guide]",
            content: "Open the Guide tab",
            run: "click",
        },
        {
            trigger: `${steps} tr:contains('Call about the new needs') .o_cwg_due_rule:contains('Review the purchase history')`,
            content: "The chained call waits for the review of the purchase history",
        },
        {
            trigger: `${steps} tr:contains('Review the purchase history') button[name=action_done]`,
            content: "Review the purchase history",
            run: "click",
        },
        {
            trigger: `${steps} tr:contains('Review the purchase history') .badge:contains('Done')`,
        },
        {
            trigger: `${steps} tr:contains('Call about the new needs'):not(:has(.o_cwg_due_rule)) .fa-clock-o`,
            content: "The chained call is planned, with its due date",
        },
        {
            trigger: `${steps} tr:contains('Offer letter') button[name=action_send_document]`,
            content: "Create the offer letter",
            run: "click",
        },
        {
            trigger: `${steps} tr:contains('Offer letter') .badge:contains('Done')`,
            content: "The offer letter is attached and its step done",
        },
    ],
});
