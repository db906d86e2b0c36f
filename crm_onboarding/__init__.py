"""CRM onboarding and user adoption (implementation checklist, ambassador,
adoption figures, rewards)."""

from . import res_company
from . import res_company_adoption
from . import res_config_settings_adoption
from . import crm_segmentation
from . import crm_call_list
from . import crm_routine_guide
from . import crm_onboarding_panel
