from . import crm_guide
from . import crm_guide_stage
from . import crm_guide_step
from . import crm_guide_record_step
from . import crm_guide_mixin
from . import crm_lead
from . import mail_activity
from . import mail_compose_message
