"""Sales' glue: quotations follow guides of their own, and confirming a
quotation closes the opportunity it came from. One file per model extended."""

from . import crm_guide
from . import crm_guide_stage
from . import crm_guide_step
from . import res_company
from . import res_config_settings
from . import crm_lead
from . import sale_order
from . import sale_order_confirmation
from . import sale_order_approval
