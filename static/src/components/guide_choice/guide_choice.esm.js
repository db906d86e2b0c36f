// The type of sale chosen when a sale starts: the guides a record may follow
// (the field's domain: active guides of its model, team and company), each
// with what it is for. <field name="guide_id" widget="crm_guide_choice"/>
import {RadioField, radioField} from "@web/views/fields/radio/radio_field";
import {getFieldDomain} from "@web/model/relational_model/utils";
import {registry} from "@web/core/registry";
import {useSpecialData} from "@web/views/fields/relational_utils";

let nextId = 0;

export class GuideChoiceField extends RadioField {
    static template = "crm_workflow_guide.GuideChoiceField";

    setup() {
        // Not RadioField's setup: it would load the guides' names a second time
        this.id = `o_cwg_guide_choice_${nextId++}`;
        this.type = "many2one";
        this.choices = useSpecialData(async (orm, props) => {
            const {relation} = props.record.fields[props.name];
            const domain = getFieldDomain(props.record, props.name, props.domain);
            const {records} = await orm.call(relation, "web_search_read", [], {
                specification: {display_name: 1, description_text: 1},
                domain,
            });
            return records;
        });
    }

    get guides() {
        return this.choices.data || [];
    }
}

registry.category("fields").add("crm_guide_choice", {
    ...radioField,
    component: GuideChoiceField,
    supportedTypes: ["many2one"],
});
