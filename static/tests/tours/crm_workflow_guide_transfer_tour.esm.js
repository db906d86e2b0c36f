// A guide designer exports a guide from the guides list, imports the file
// back as a copy, reads the preview and opens the new guide.
import {registry} from "@web/core/registry";
import {rpc} from "@web/core/network/rpc";

const guideName = "Tour Export Guide";

registry.category("web_tour.tours").add("crm_workflow_guide_transfer_tour", {
    steps: () => [
        {
            trigger: `.o_list_view .o_data_row:contains('${guideName}') .o_list_record_selector input`,
            content: "Select the guide to export",
            run: "click",
        },
        {
            trigger: ".o_cp_action_menus .dropdown-toggle",
            content: "Open the actions",
            run: "click",
        },
        {
            trigger:
                ".o-dropdown--menu .o-dropdown-item:contains('Export to Guide File')",
            content: "Export the guide to a file",
            run: "click",
        },
        {
            trigger: `.o_list_view .o_data_row:contains('${guideName}') .o_list_record_selector input`,
            content: "Unselect it",
            run: "click",
        },
        {
            trigger: ".o_control_panel button:contains('Import')",
            content: "Import a guide file",
            run: "click",
        },
        {
            trigger: ".modal .o_field_binary input[type=file]:not(:visible)",
            content: "Choose the exported file",
            async run() {
                const [guide] = await rpc(
                    "/web/dataset/call_kw/crm.guide/search_read",
                    {
                        model: "crm.guide",
                        method: "search_read",
                        args: [[["name", "=", guideName]], ["id"]],
                        kwargs: {},
                    }
                );
                const response = await fetch(
                    `/crm_workflow_guide/export?ids=${guide.id}`
                );
                const file = new File([await response.blob()], "guide.json", {
                    type: "application/json",
                });
                const transfer = new DataTransfer();
                transfer.items.add(file);
                const input = document.querySelector(
                    ".modal .o_field_binary input[type=file]"
                );
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", {bubbles: true}));
            },
        },
        {
            trigger: ".modal .o_field_binary .o_select_file_button",
            content: "The file is loaded",
        },
        {
            trigger: ".modal button[name=action_preview]",
            content: "Preview the import",
            run: "click",
        },
        {
            trigger: `.modal .o_data_row:contains('${guideName}'):contains('Already imported')`,
            content: "The preview says the guide was imported before",
        },
        {
            trigger: ".modal .o_data_row:contains('Found by XML id')",
            content: "and how its references were found",
        },
        {
            trigger: ".modal div[name=on_existing] input[data-value=copy]:checked",
            content: "A copy will be created",
        },
        {
            trigger: ".modal button[name=action_import]",
            content: "Import",
            run: "click",
        },
        {
            trigger: `.o_breadcrumb:contains('${guideName} (copy)')`,
            content: "The new guide is open",
        },
        {
            trigger: ".o_form_view .o_field_one2many[name=guide_stage_ids] .o_data_row",
            content: "with its stages",
        },
    ],
});

// A guide designer starts a guide from the library for their team.
registry.category("web_tour.tours").add("crm_workflow_guide_library_tour", {
    steps: () => [
        {
            trigger: ".o_control_panel button:contains('New from Library')",
            content: "Start from a proven guide",
            run: "click",
        },
        {
            trigger: ".modal div[name=library_file] select",
            content: "Choose the library guide",
            run: "selectByLabel New Customer",
        },
        {
            trigger: ".modal div[name=library_description]:contains('first sale')",
            content: "Its description says what it is for",
        },
        {
            trigger: ".modal div[name=team_id] input",
            content: "For which team",
            run: "edit Library Tour Team",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Library Tour Team')",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_preview]",
            content: "Preview",
            run: "click",
        },
        {
            trigger:
                ".modal .o_data_row:contains('Negotiation'):contains('Will be created')",
            content: "The stage the team lacks will be created",
        },
        {
            trigger: ".modal button[name=action_import]",
            content: "Import",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains('New Customer')",
            content: "The new guide is open, ready to edit",
        },
    ],
});
