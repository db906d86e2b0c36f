// The Guide panel: one component any guided model's form shows with
// <widget name="crm_guide_panel"/>. The server gives everything in one call
// (crm.guide.mixin.guide_get_panel_data); the buttons call the record steps'
// actions and the panel reloads after them.
import {Component, markup, onWillStart, onWillUpdateProps, useState} from "@odoo/owl";
import {deserializeDate, formatDate} from "@web/core/l10n/dates";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {standardWidgetProps} from "@web/views/widgets/standard_widget_props";
import {useService} from "@web/core/utils/hooks";

const STAGE_CLASSES = {
    passed: "text-bg-success",
    current: "text-bg-primary",
    next: "text-bg-light border",
};
const STAGE_ICONS = {passed: "fa-check", current: "fa-map-marker", next: "fa-circle-o"};
const STATE_CLASSES = {
    todo: "text-bg-warning",
    done: "text-bg-success",
    na: "text-bg-secondary",
};

export class GuidePanel extends Component {
    static template = "crm_workflow_guide.GuidePanel";
    static props = {...standardWidgetProps};

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({data: null});
        this.stageClasses = STAGE_CLASSES;
        this.stageIcons = STAGE_ICONS;
        this.stateClasses = STATE_CLASSES;
        this.sendTitle = _t("Create and send the document");
        this.reportTitle = _t("Create the document from its report");
        this.loadedKey = null;
        onWillStart(() => this.load(this.props.record));
        onWillUpdateProps((nextProps) => {
            if (this.keyOf(nextProps.record) !== this.loadedKey) {
                return this.load(nextProps.record);
            }
        });
    }

    keyOf(record) {
        const data = record.data;
        return JSON.stringify([
            record.resId,
            data.guide_id && data.guide_id.id,
            data.guide_stage_id && data.guide_stage_id.id,
            data.guide_progress,
        ]);
    }

    async load(record) {
        this.loadedKey = this.keyOf(record);
        if (!record.resId) {
            this.state.data = null;
            return;
        }
        const data = await this.orm.call(record.resModel, "guide_get_panel_data", [
            [record.resId],
        ]);
        if (data.guide) {
            data.guidance = data.guidance ? markup(data.guidance) : false;
            for (const row of [...data.followups, ...data.documents]) {
                row.deadline = row.date_deadline
                    ? formatDate(deserializeDate(row.date_deadline))
                    : "";
            }
        }
        this.state.data = data;
    }

    async reload() {
        await this.props.record.load();
        await this.load(this.props.record);
    }

    async runAction(result) {
        if (result && typeof result === "object") {
            await this.action.doAction(result, {onClose: () => this.reload()});
        }
        await this.reload();
    }

    async onStepAction(row, method) {
        if (this.props.record.isDirty) {
            await this.props.record.save();
        }
        const result = await this.orm.call("crm.guide.record.step", method, [[row.id]]);
        await this.runAction(result);
    }

    async onNextStage() {
        const record = this.props.record;
        if (record.isDirty) {
            await record.save();
        }
        const result = await this.orm.call(record.resModel, "action_guide_next_stage", [
            [record.resId],
        ]);
        await this.runAction(result);
    }
}

registry.category("view_widgets").add("crm_guide_panel", {
    component: GuidePanel,
    fieldDependencies: [
        {name: "guide_id", type: "many2one", relation: "crm.guide"},
        {name: "guide_stage_id", type: "many2one", relation: "crm.guide.stage"},
        {name: "guide_progress", type: "integer"},
    ],
});
