import {registry} from "@web/core/registry";

const stepsList = ".o_form_view .o_notebook";

// A salesman follows the demo sales guide through the Qualified stage:
// mark a step done from the chatter, accept the next-step prompt, complete
// the stage from the Guide tab, accept the next-stage prompt, then see the
// kanban card show the new stage's next step.
registry.category("web_tour.tours").add("crm_workflow_guide_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_notebook a[name=workflow_guide]",
            content: "Open the Guide tab",
            run: "click",
        },
        {
            trigger: `${stepsList} tr:contains('Identify the stakeholders') button[name=action_schedule_dialog]`,
            content: "A suggested step can be planned in one click",
        },
        {
            trigger:
                ".o-mail-Activity:contains('Prepare the meeting') .o-mail-Activity-markDone",
            content: "Mark the preparation done from the chatter",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone button[aria-label='Done']",
            run: "click",
        },
        {
            trigger: ".modal .o_form_view:contains('Identify the stakeholders')",
            content: "The guide offers the next suggested step",
        },
        {
            trigger: ".modal button[name=action_schedule]",
            content: "Plan it",
            run: "click",
        },
        {
            trigger: `body:not(:has(.modal)) ${stepsList} tr:contains('Hold the first meeting') button[name=action_done]`,
            content: "Mark the meeting done from the Guide tab",
            run: "click",
        },
        {
            trigger: `${stepsList} tr:contains('Hold the first meeting') .badge:contains('Done')`,
        },
        {
            trigger: `${stepsList} tr:contains('Identify the stakeholders') button[name=action_done]`,
            content: "Complete the last step of the stage",
            run: "click",
        },
        {
            trigger: ".modal .o_form_view:contains('Move it to')",
            content: "The stage is complete: the guide offers the next stage",
        },
        {
            trigger: ".modal button[name=action_next_stage]",
            run: "click",
        },
        {
            trigger:
                "body:not(:has(.modal)) .o_statusbar_status .o_arrow_button_current:contains('Proposition')",
            content: "The opportunity moved on",
        },
        {
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Pipeline')",
            content: "Back to the pipeline",
            run: "click",
        },
        {
            trigger:
                ".o_kanban_record:contains('Tour deal') .o_cwg_kanban_guide:contains('Prepare the quotation')",
            content: "The card shows the next step of the new stage",
        },
    ],
});

// A move refused by a blocking stage shows the reason and opens the missing
// steps in one click.
registry.category("web_tour.tours").add("crm_workflow_guide_blocked_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_notebook a[name=workflow_guide]",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_guide_next_stage]",
            content: "Try to move on while the meeting is not held",
            run: "click",
        },
        {
            trigger:
                ".modal:contains('cannot move forward yet'):contains('Hold the first meeting')",
        },
        {
            trigger: ".modal button:contains('Open the missing steps')",
            run: "click",
        },
        {
            trigger:
                ".modal .o_list_view tr:contains('Hold the first meeting') button[name=action_not_applicable]",
            content: "Set the step aside from the missing steps",
            run: "click",
        },
        {
            trigger: ".modal .o_form_view:contains('Next suggested step')",
            content: "The guide offers the next suggested step of the stage",
        },
        {
            trigger: ".modal button:contains('Not Now')",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});

// A sales manager opens the guide of a stage from the pipeline's column menu
// and previews it as the salespeople will see it.
registry.category("web_tour.tours").add("crm_workflow_guide_designer_tour", {
    steps: () => [
        {
            trigger: ".o_kanban_header:contains('Proposition')",
            content: "Open the column menu of the Proposition stage",
            run: "hover && click .o_kanban_header:contains('Proposition') .o_kanban_config button",
        },
        {
            trigger: ".o-dropdown--kanban-config-menu .o_cwg_edit_guide",
            content: "Edit guide for this stage",
            run: "click",
        },
        {
            trigger:
                ".o_list_view .o_data_row:contains('Sales Guide') td.o_data_cell[name=name]",
            content: "Three demo guides use the stage: pick one",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook a[name=preview]",
            run: "click",
        },
        {
            trigger: ".o_form_view .card-header:contains('Proposition')",
            content: "The preview shows the stages and their steps",
        },
        {
            trigger: ".o_form_view .card:contains('Hold the first meeting')",
        },
    ],
});

// A kanban drop out of a blocking stage is refused with the reason and a
// button to the missing steps; the card stays where it was.
registry.category("web_tour.tours").add("crm_workflow_guide_blocked_drop_tour", {
    steps: () => [
        {
            trigger:
                ".o_kanban_group:has(.o_column_title:contains('Qualified')) .o_kanban_record:contains('Tour deal')",
            content: "Drag the deal from Qualified to the next stage of its guide",
            run: "drag_and_drop (.o_opportunity_kanban .o_kanban_group:has(.o_column_title:contains('Proposition')))",
        },
        {
            trigger:
                ".modal:contains('cannot move forward yet'):contains('Hold the first meeting')",
            content: "The drop is refused with the reason",
        },
        {
            trigger: ".modal button:contains('Open the missing steps')",
            run: "click",
        },
        {
            trigger:
                ".modal .o_list_view tr:contains('Tour deal'):contains('Hold the first meeting')",
            content: "The missing steps open in one click",
        },
        {
            trigger: ".modal .btn-close",
            run: "click",
        },
        {
            trigger:
                "body:not(:has(.modal)) .o_kanban_group:has(.o_column_title:contains('Qualified')) .o_kanban_record:contains('Tour deal')",
            content: "The card stayed in Qualified",
        },
    ],
});

// While a suggested step of the stage is not planned, the guide offers it
// after each step done: set it aside for now.
function notNow() {
    return [
        {
            trigger: ".modal .o_form_view:contains('Plan the handover to delivery')",
            content: "The guide suggests the next follow-up",
        },
        {
            trigger: ".modal button:contains('Not Now')",
            run: "click",
        },
    ];
}

// From Proposition to Won: send the proposal (a document step is done
// when the mail is sent), complete the follow-ups, set a suggested step
// aside, plan it after all, and the guide offers to mark the opportunity won.
registry.category("web_tour.tours").add("crm_workflow_guide_to_won_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_notebook a[name=workflow_guide]",
            run: "click",
        },
        {
            trigger: `${stepsList} tr:contains('Send the proposal') button[name=action_send_document]`,
            content: "Create the proposal from its template",
            run: "click",
        },
        {
            trigger: ".modal .o_mail_send",
            content: "Send it",
            run: "click",
        },
        ...notNow(),
        {
            trigger: `body:not(:has(.modal)) ${stepsList} tr:contains('Send the proposal') .badge:contains('Done')`,
            content: "The document step is done once sent",
        },
        {
            trigger: `${stepsList} tr:contains('Prepare the quotation') button[name=action_done]`,
            run: "click",
        },
        ...notNow(),
        {
            trigger: `body:not(:has(.modal)) ${stepsList} tr:contains('Prepare the quotation') .badge:contains('Done')`,
        },
        {
            trigger: `${stepsList} tr:contains('Follow up on the proposal') button[name=action_done]`,
            run: "click",
        },
        ...notNow(),
        {
            trigger: `body:not(:has(.modal)) ${stepsList} tr:contains('Get the purchase order number') button[name=action_done]`,
            run: "click",
        },
        ...notNow(),
        {
            trigger: `body:not(:has(.modal)) ${stepsList} tr:contains('Plan the handover to delivery') button[name=action_schedule_dialog]`,
            content: "Schedule it after all, from the Guide tab",
            run: "click",
        },
        {
            trigger:
                ".modal .o_field_widget[name=summary] input:value(Plan the handover to delivery)",
            content: "The activity dialog is prefilled from the step",
        },
        {
            trigger: ".modal #mail_activity_schedule",
            run: "click",
        },
        {
            trigger: `body:not(:has(.modal)) ${stepsList} tr:contains('Plan the handover to delivery') button[name=action_done]`,
            content: "The planned step can be marked done",
            run: "click",
        },
        {
            trigger: ".modal .o_form_view:contains('mark it as won')",
            content: "The last stage is complete: mark the opportunity won",
        },
        {
            trigger: ".modal button[name=action_finish]",
            run: "click",
        },
        {
            trigger:
                ".o_reward_rainbow, .o_statusbar_status .o_arrow_button_current:contains('Won')",
            content: "Won",
        },
    ],
});

// The first stage: plan the suggested meeting from the prompt, send the
// meeting confirmation, and the guide offers the next stage.
registry.category("web_tour.tours").add("crm_workflow_guide_first_stage_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_notebook a[name=workflow_guide]",
            run: "click",
        },
        {
            trigger: `${stepsList} tr:contains('Qualify the need') button[name=action_done]`,
            content: "The qualification call was made",
            run: "click",
        },
        {
            trigger: ".modal .o_form_view:contains('Book the first meeting')",
            content: "The guide suggests booking the meeting",
        },
        {
            trigger: ".modal button[name=action_schedule]",
            run: "click",
        },
        {
            trigger: `body:not(:has(.modal)) ${stepsList} tr:contains('Book the first meeting') button[name=action_done]`,
            run: "click",
        },
        {
            trigger: `${stepsList} tr:contains('Book the first meeting') .badge:contains('Done')`,
        },
        {
            trigger: `${stepsList} tr:contains('Meeting confirmation') button[name=action_send_document]`,
            content: "Confirm the meeting by e-mail",
            run: "click",
        },
        {
            trigger: ".modal .o_mail_send",
            run: "click",
        },
        {
            trigger: ".modal .o_form_view:contains('Move it to Qualified')",
            content: "The stage is complete: the guide offers the next stage",
        },
        {
            trigger: ".modal button[name=action_next_stage]",
            run: "click",
        },
        {
            trigger:
                "body:not(:has(.modal)) .o_statusbar_status .o_arrow_button_current:contains('Qualified')",
        },
    ],
});
