// "Edit guide for this stage" in the pipeline's column menu, for the people
// who may edit stages (sales managers, who design the guides).
import {KanbanHeader} from "@web/views/kanban/kanban_header";
import {_t} from "@web/core/l10n/translation";
import {patch} from "@web/core/utils/patch";
import {registry} from "@web/core/registry";

patch(KanbanHeader.prototype, {
    async openWorkflowGuide() {
        const action = await this.env.services.orm.call(
            "crm.guide",
            "action_open_for_stage",
            [this.group.value]
        );
        await this.env.services.action.doAction(action);
    },
});

registry.category("kanban_header_config_items").add(
    "crm_workflow_guide_edit_guide",
    {
        label: _t("Edit guide for this stage"),
        method: "openWorkflowGuide",
        isVisible: ({permissions, props}) =>
            permissions.canEditGroup &&
            props.list.resModel === "crm.lead" &&
            props.group.groupByField.name === "stage_id",
        class: "o_cwg_edit_guide",
    },
    {sequence: 25}
);
