from . import crm_guides
from . import crm_onboarding
from . import report
from . import wizards
from . import controllers
from .hooks import uninstall_hook
