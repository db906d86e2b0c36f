// The guide on a kanban card, in one line of XML: <widget name="crm_guide_kanban"/>.
import {deserializeDate, formatDate} from "@web/core/l10n/dates";
import {Component} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {standardWidgetProps} from "@web/views/widgets/standard_widget_props";

export class GuideKanban extends Component {
    static template = "crm_workflow_guide.GuideKanban";
    static props = {...standardWidgetProps};

    get data() {
        return this.props.record.data;
    }

    get deadline() {
        const value = this.data.guide_next_step_deadline;
        if (!value) {
            return "";
        }
        return formatDate(typeof value === "string" ? deserializeDate(value) : value);
    }
}

registry.category("view_widgets").add("crm_guide_kanban", {
    component: GuideKanban,
    fieldDependencies: [
        {name: "guide_id", type: "many2one", relation: "crm.guide"},
        {name: "guide_progress", type: "integer"},
        {name: "guide_next_step_name", type: "char"},
        {name: "guide_next_step_deadline", type: "date"},
        {name: "guide_is_rotting", type: "boolean"},
        {name: "guide_is_blocked", type: "boolean"},
    ],
});
