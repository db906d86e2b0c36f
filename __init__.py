from . import crm_guides
from . import crm_onboarding
from .hooks import uninstall_hook
