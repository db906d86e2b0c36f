"""The tooling of the crm_workflow_guide addon, by concern (see tools/dev.py)."""
