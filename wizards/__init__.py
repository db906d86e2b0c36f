from . import crm_guide_import_wizard
