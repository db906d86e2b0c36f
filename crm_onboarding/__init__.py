"""CRM onboarding and user adoption (implementation checklist, ambassador,
adoption figures, rewards). Filled by the onboarding issues."""
