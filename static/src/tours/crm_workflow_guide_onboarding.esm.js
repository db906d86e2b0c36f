// The rep's first guided opportunity: offered once, after crm's own tour, to
// users who have Odoo's onboarding on (data/crm_workflow_guide_tour.xml).
import {_t} from "@web/core/l10n/translation";
import {markup} from "@odoo/owl";
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crm_workflow_guide_onboarding_tour", {
    url: "/odoo/action-crm.crm_lead_action_pipeline",
    steps: () => [
        {
            trigger: ".o_opportunity_kanban .o_kanban_record:has(.o_cwg_kanban_guide)",
            content: markup(
                _t(
                    "Cards that follow a <b>workflow guide</b> show its next step, the progress of the stage, and whether the deal is rotting or held by a required step. Open one."
                )
            ),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status",
            content: markup(
                _t(
                    "The statusbar shows the stages of the opportunity's guide. A <b>blocking</b> stage lets the deal move on only when its required steps are done."
                )
            ),
            tooltipPosition: "bottom",
        },
        {
            trigger: ".o_form_view .o_notebook a[name=workflow_guide]",
            content: markup(
                _t(
                    "The <b>Guide</b> tab lists the follow-ups and documents of the stage."
                )
            ),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_cwg_panel",
            content: markup(
                _t(
                    "Mark a step done here or from the chatter: the guide offers the next step, then the next stage, so no milestone is missed."
                )
            ),
            tooltipPosition: "top",
        },
    ],
});
