# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "CRM Workflow Guides",
    "summary": "Guided selling: per-stage follow-ups, documents, progress and "
    "optional blocking on the CRM pipeline",
    "version": "18.0.1.2.0",
    "category": "Sales/CRM",
    "website": "https://github.com/crm-workflow-guide/crm_workflow_guide",
    "author": "CRM Workflow Guide contributors",
    "maintainers": ["crm-workflow-guide"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": False,
    "installable": True,
    "depends": ["crm", "sale_crm", "gamification", "onboarding"],
    "data": [
        "security/crm_workflow_guide_groups.xml",
        "security/ir.model.access.csv",
        "security/crm_guide_security.xml",
        "data/mail_activity_type_data.xml",
        "data/mail_template_data.xml",
        "data/sale_activity_type_data.xml",
        "views/crm_guide_views.xml",
        "views/crm_lead_views.xml",
        "views/crm_guide_prompt_views.xml",
        "views/crm_workflow_guide_menus.xml",
        "security/crm_adoption_security.xml",
        "data/crm_adoption_cron.xml",
        "data/crm_adoption_gamification_data.xml",
        "views/crm_adoption_views.xml",
        "views/sale_order_views.xml",
        "security/crm_onboarding_security.xml",
        "data/crm_segmentation_data.xml",
        "data/crm_onboarding_data.xml",
        "views/crm_onboarding_views.xml",
        "report/crm_config_questionnaire_report.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "crm_workflow_guide/static/src/scss/crm_workflow_guide.scss",
            "crm_workflow_guide/static/src/js/*.js",
            "crm_workflow_guide/static/src/components/**/*",
        ],
        "web.assets_tests": [
            "crm_workflow_guide/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/crm_guide_demo.xml",
        "demo/sale_order_guide_demo.xml",
    ],
    "uninstall_hook": "uninstall_hook",
}
