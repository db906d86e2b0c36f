// The Guide tab in Dutch: a Dutch salesman finds every label by its Dutch
// text (page, columns, step names, buttons, prompt) and completes a step.
import {registry} from "@web/core/registry";

const panel = ".o_form_view .o_cwg_panel";

registry.category("web_tour.tours").add("crm_workflow_guide_nl_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Handleiding')",
            content: "Open the Guide tab by its Dutch label",
            run: "click",
        },
        {
            trigger: `${panel} .o_cwg_followups h5:contains('Vervolgacties')`,
            content: "The follow-ups column in Dutch",
        },
        {
            trigger: `${panel} .o_cwg_documents h5:contains('Documenten')`,
        },
        {
            trigger: `${panel} .o_cwg_path:contains('Gekwalificeerd')`,
            content: "The stage path in Dutch",
        },
        {
            trigger: `${panel} tr:contains('Bereid de afspraak voor') button:contains('Markeren als gereed')`,
            content: "Mark the preparation done with the Dutch button",
            run: "click",
        },
        {
            trigger:
                ".modal:contains('Volgende voorgestelde stap voor'):contains('Breng de belanghebbenden in kaart')",
            content: "The guide offers the next step in Dutch",
        },
        {
            trigger: ".modal button:contains('Niet nu')",
            run: "click",
        },
        {
            trigger: `body:not(:has(.modal)) ${panel} tr:contains('Bereid de afspraak voor') .badge:contains('Gereed')`,
            content: "The step is done",
        },
    ],
});
