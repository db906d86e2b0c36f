#!/usr/bin/env python3
"""Developer entry point of the crm_workflow_guide Odoo 18.0 addon (stdlib only).

python3 tools/dev.py run    serve the addon with demo data on localhost:8069
python3 tools/dev.py test   static checks (layer 1) and Odoo tests (layer 2)

The work is done by the package tools/cwg/, one module per concern:
common (paths, constants), odoo_finder (which Odoo), bootstrap (setting up
Odoo 18.0 in .cwg/ when none is found), postgres (which PostgreSQL), odoo_run
(running Odoo, judging its log), report (the summary line), checks (layer 1),
odoo_tests (layer 2) and cli (the commands). Import those modules directly.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cwg.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
