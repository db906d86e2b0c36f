"""Transient models: dialogs and wizards."""

from . import crm_guide_prompt
from . import mail_compose_message
from . import base_partner_merge_automatic_wizard
from . import crm_guide_import_wizard
from . import crm_lead_to_opportunity
from . import crm_guide_approval_wizard
