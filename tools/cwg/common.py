"""Paths, constants and small helpers shared by the tooling."""

from __future__ import annotations

import os
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


STATE = REPO / ".cwg"


LOGS = STATE / "logs"


ADDON_NAME = "crm_workflow_guide"


ODOO_MAJOR = 18


RUN_DB = "cwg_run"


PRIVATE_PG_PORT = 54329


PRIVATE_PG_ROLE = "cwg"


LINT_REQUIREMENTS = REPO / "tools" / "requirements-lint.txt"


ODOO_TEST_REQUIREMENTS = REPO / "tools" / "requirements-odoo-test.txt"


# import name of each package in ODOO_TEST_REQUIREMENTS
ODOO_TEST_IMPORTS = ("odoo_test_helper", "websocket")


TOOLS_VENV = STATE / "venv-tools"


# eslint and prettier, pinned in tools/node/package-lock.json, installed
# into NODE_TOOLS with `npm ci`
NODE_PACKAGE = REPO / "tools" / "node"


NODE_TOOLS = STATE / "node"


NO_ODOO_HINT = (
    "install Odoo 18.0 Community and set ODOO_PATH to its Python interpreter, "
    "virtualenv or source tree"
)


# WARNING lines that say something about the machine, not about the addon.
# Keep this list short: every other WARNING fails `test`.
WARNING_ALLOWLIST = [
    # Odoo's cli/server.py when started as root (CI machines run as root).
    re.compile(r"Running as user 'root' is a security risk"),
]


EPILOG = """\
environment:
  ODOO_PATH      where Odoo 18.0 is: a Python interpreter that can `import odoo`,
                 a virtualenv directory (its bin/python is used), an Odoo source
                 tree holding odoo-bin (run with this python3), or an odoo/odoo-bin
                 script. Without it: this python3 if it imports Odoo 18, else
                 `odoo` or `odoo-bin` on PATH (with the interpreter of its shebang).
  REQUIRE_ODOO=1 `test` fails instead of skipping layer 2 when no Odoo 18 is found.
  CWG_BOOTSTRAP=1  as --bootstrap: when no Odoo 18 is found, set it up in .cwg/
                 (a shallow clone into .cwg/odoo, a virtualenv .cwg/venv with its
                 requirements.txt, the Debian packages needed, installed with apt
                 when root; CWG_BOOTSTRAP_APT=0 only names them). Afterwards that
                 Odoo is found by itself. On a terminal, `run` and `test` offer it.
  ODOO_GIT_URL   where --bootstrap clones Odoo 18.0 from: a URL, a local path or
                 a file:// URL (default: Odoo's official repository, branch 18.0)
  PGHOST PGPORT PGUSER PGPASSWORD
                 PostgreSQL server to use (libpq defaults otherwise). When no server
                 answers, a private cluster is started in .cwg/pgdata on a unix
                 socket in .cwg/ (port 54329).
  CWG_PRIVATE_PG=1
                 always use the private cluster.
  CWG_ADDON_DIR, CWG_ADDON_NAME
                 test the tooling itself on another addon (default: this checkout,
                 linked as crm_workflow_guide).

files (all in .cwg/, git-ignored):
  venv-tools/    pinned layer-1 tools (tools/requirements-lint.txt), re-installed
                 when that file changes
  node/          eslint and prettier (tools/node/package-lock.json, npm ci)
  odoo/ venv/    Odoo 18.0 and its virtualenv, when set up by --bootstrap
  logs/          output of every check and Odoo run
  addons/        the link crm_workflow_guide -> this checkout, used by `run`
                 (`test` links into a temporary directory)
  pgdata/ pgsock/  the private PostgreSQL cluster, if one was needed; `test`
                 stops it at the end, `run` leaves it running (`pg-stop` stops it)
  data/          Odoo's data dir (filestores)

`test` ends with one line `N passed, N failed[, N skipped]`: each static check,
each pytest test and each Odoo test counts once, plus one check that Odoo's log
has no ERROR/CRITICAL/WARNING/Traceback. Exit status 1 when anything failed.
"""


class ToolError(Exception):
    """A problem to report in one line, without a traceback."""


def say(msg=""):
    print(msg, flush=True)


def addon_source(environ=None) -> tuple[Path, str]:
    environ = os.environ if environ is None else environ
    directory = Path(environ.get("CWG_ADDON_DIR") or REPO)
    return directory.resolve(), environ.get("CWG_ADDON_NAME") or ADDON_NAME


def link_addon(addon_dir, link_parent, name=ADDON_NAME) -> Path:
    """Link the checkout as `<link_parent>/<name>`, whatever the folder is called."""
    addon_dir = Path(addon_dir).resolve()
    if not (addon_dir / "__manifest__.py").is_file():
        raise ToolError(f"{addon_dir} has no __manifest__.py")
    link_parent = Path(link_parent)
    link_parent.mkdir(parents=True, exist_ok=True)
    link = link_parent / name
    if link.is_symlink():
        link.unlink()
    elif link.exists():
        raise ToolError(f"{link} exists and is not a symlink; remove it")
    link.symlink_to(addon_dir, target_is_directory=True)
    return link
