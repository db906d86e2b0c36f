"""CRM onboarding and user adoption (implementation checklist, ambassador,
adoption figures, rewards)."""

from . import res_company
