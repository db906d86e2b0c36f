// The CRM administrator's onboarding panel: Odoo's onboarding steps, each
// with its live state (checked on the server each time the panel is shown)
// and a button opening its screen (the step's panel_step_open_action_name).
import {Component, onWillStart, useState} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {standardActionServiceProps} from "@web/webclient/actions/action_service";
import {useService} from "@web/core/utils/hooks";

export class CrmOnboardingPanel extends Component {
    static template = "crm_workflow_guide.OnboardingPanel";
    static props = {...standardActionServiceProps};

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({data: null});
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call(
            "onboarding.onboarding",
            "crm_onboarding_panel_data",
            []
        );
    }

    get percent() {
        const data = this.state.data;
        return data.total ? Math.floor((data.done * 100) / data.total) : 0;
    }

    async open(step) {
        const action = await this.orm.call(
            "onboarding.onboarding.step",
            step.action,
            []
        );
        await this.action.doAction(action, {onClose: () => this.load()});
    }
}

registry
    .category("actions")
    .add("crm_workflow_guide.onboarding_panel", CrmOnboardingPanel);
