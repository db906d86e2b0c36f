// Odoo's web client ignores what action_feedback returns when an activity is
// marked done (chatter, activity view, kanban popover). For records of a
// guided model, ask the server what the workflow guide offers next (plan the
// next suggested step, or move to the next stage) and show it.
import {Activity} from "@mail/core/web/activity_model";
import {patch} from "@web/core/utils/patch";
import {session} from "@web/session";

patch(Activity.prototype, {
    async markAsDone() {
        const {res_model, res_id} = this;
        const services = this.store.env.services;
        await super.markAsDone(...arguments);
        if (!(session.crm_guide_models || []).includes(res_model)) {
            return;
        }
        const action = await services.orm.silent.call(
            "crm.guide.record.step",
            "get_guide_prompt",
            [res_model, res_id]
        );
        if (action) {
            await services.action.doAction(action);
        }
    },
});
