"""Reports: SQL views over the guide's and the CRM's data (adoption figures,
guide steps and stages), and the configuration questionnaire's QWeb report."""

from . import crm_adoption_report
from . import crm_guide_step_report
