#!/usr/bin/env python3
"""Developer entry point of the crm_workflow_guide Odoo 18.0 addon (stdlib only).

python3 tools/dev.py run    serve the addon with demo data on localhost:8069
python3 tools/dev.py test   static checks (layer 1) and Odoo tests (layer 2)

The work is done by the package tools/cwg/, one module per concern:
common (paths, constants), odoo_finder (which Odoo), postgres (which
PostgreSQL), odoo_run (running Odoo, judging its log), report (the summary
line), checks (layer 1), odoo_tests (layer 2) and cli (the commands).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cwg import (  # noqa: E402
    checks,
    cli,
    common,
    odoo_finder,
    odoo_run,
    odoo_tests,
    postgres,
    report,
)

# one namespace for the tooling tests (tools/tests/test_tooling.py) and for
# whoever imports this file: every public name of the package
for _module in (
    common,
    odoo_finder,
    postgres,
    odoo_run,
    report,
    checks,
    odoo_tests,
    cli,
):
    globals().update(
        {key: value for key, value in vars(_module).items() if key[:2] != "__"}
    )
main = cli.main

if __name__ == "__main__":
    sys.exit(main())
