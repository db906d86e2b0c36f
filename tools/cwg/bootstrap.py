"""Setting up Odoo 18.0 in .cwg/ when none is found (`run`/`test --bootstrap`).

Three steps, each one skipped when already done:

1. the Debian packages that building Odoo's requirements needs (installed with
   apt-get when running as root, else named);
2. a shallow clone of Odoo 18.0 into .cwg/odoo from ODOO_GIT_URL (a URL, a
   local path or a file:// URL);
3. a virtualenv .cwg/venv with Odoo's requirements.txt: the lines whose
   environment markers hold for the venv's Python, installed in one pip run;
   when that fails, one by one, and a pin that cannot be built here falls back
   to a known compatible alternative (saying so) or, when optional, is
   skipped with a message.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .common import LOGS, ODOO_MAJOR, STATE, ToolError, say

DEFAULT_ODOO_GIT_URL = "https://github.com/odoo/odoo.git"
ODOO_BRANCH = f"{ODOO_MAJOR}.0"
BOOT_ODOO = STATE / "odoo"
BOOT_VENV = STATE / "venv"
BOOT_RECORD = STATE / "bootstrap.json"

# What building Odoo's requirements in a virtualenv needs on Debian/Ubuntu,
# and PostgreSQL's server for `run` and `test`.
DEBIAN_PACKAGES = (
    "git",
    "python3-venv",
    "python3-dev",
    "build-essential",
    "libpq-dev",  # psycopg2 from source (pg_config)
    "libldap2-dev",  # python-ldap
    "libsasl2-dev",  # python-ldap
    "postgresql",
)

# Known pins of Odoo's requirements.txt that may not build on a given machine:
# requirement name -> (alternatives tried in order, why). "{version}" is the
# pinned version.
FALLBACKS = {
    "cbor2": (
        ["cbor2==5.6.2"],
        "5.4.2 has no wheel for recent Pythons and its sdist needs pkg_resources; "
        "5.6.2 is the version Odoo 18.0 pins for Python 3.12",
    ),
    "psycopg2": (
        ["psycopg2-binary=={version}", "psycopg2-binary>=2.9,<3"],
        "psycopg2 builds from source only with libpq-dev (pg_config); "
        "psycopg2-binary is the same module, prebuilt",
    ),
}

# Requirements Odoo runs without (its LDAP login lives in the auth_ldap addon).
OPTIONAL = {
    "python-ldap": "needs libldap2-dev and libsasl2-dev to build; only the "
    "auth_ldap addon uses it",
}

NO_NETWORK_HINT = (
    "Without network, point ODOO_GIT_URL at a local copy of Odoo 18.0 (a git "
    "checkout: ODOO_GIT_URL=/path/to/odoo or file:///path/to/odoo); the "
    "requirements still come from the package index pip is configured for "
    "(PIP_INDEX_URL, PIP_FIND_LINKS)."
)

SIZE_HINT = "a few minutes and about 1.5 GB in .cwg/"

# Run by the venv's Python: which requirement lines hold there (pip's own
# copy of `packaging` evaluates the markers).
MARKER_PROBE = r"""
import json, sys
try:
    from packaging.requirements import Requirement
except ImportError:
    from pip._vendor.packaging.requirements import Requirement
out = []
for line in json.load(sys.stdin):
    req = Requirement(line)
    if req.marker is None or req.marker.evaluate():
        spec = str(req.specifier)
        out.append({"name": req.name, "line": req.name + spec,
                    "version": spec[2:] if spec.startswith("==") else ""})
print(json.dumps(out))
"""


@dataclass
class InstallReport:
    installed: list = field(default_factory=list)
    replaced: list = field(default_factory=list)  # (pin, used instead, why)
    skipped: list = field(default_factory=list)  # (pin, why)


def git_url(environ=None) -> str:
    environ = os.environ if environ is None else environ
    url = environ.get("ODOO_GIT_URL", "").strip() or DEFAULT_ODOO_GIT_URL
    path = Path(url).expanduser()
    if "://" not in url and path.exists():
        # a local path: as file:// so that --depth 1 is honoured
        return path.resolve().as_uri()
    return url


def wanted(args, environ=None) -> bool:
    environ = os.environ if environ is None else environ
    return bool(getattr(args, "bootstrap", False)) or environ.get(
        "CWG_BOOTSTRAP", ""
    ) in ("1", "yes", "true")


def offer(args, environ=None, ask=input, interactive=None) -> bool:
    """True when the set-up is to run now: asked for (--bootstrap,
    CWG_BOOTSTRAP=1) or accepted at the prompt on a terminal."""
    if wanted(args, environ):
        return True
    if interactive is None:
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if not interactive:
        say(
            "No Odoo 18 found. To set Odoo 18.0 up in .cwg/ (clone, virtualenv, "
            f"requirements; {SIZE_HINT}), run again with --bootstrap or "
            "CWG_BOOTSTRAP=1."
        )
        return False
    try:
        answer = ask(
            f"No Odoo 18 found. Set up Odoo 18.0 in .cwg/ now from {git_url(environ)} "
            f"({SIZE_HINT})? [y/N] "
        )
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def logged(cmd, log, env=None, cwd=None) -> int:
    log.write(f"$ {shlex.join(str(c) for c in cmd)}\n")
    log.flush()
    return subprocess.run(
        [str(c) for c in cmd],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=cwd,
        check=False,
    ).returncode


def tail(logfile, lines=15) -> str:
    text = Path(logfile).read_text(encoding="utf-8", errors="replace")
    return "\n".join("    " + line for line in text.splitlines()[-lines:])


# --- 1. Debian packages ------------------------------------------------------


def missing_debian_packages(packages=DEBIAN_PACKAGES) -> list:
    if not shutil.which("dpkg-query"):
        return []
    missing = []
    for package in packages:
        proc = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package],
            capture_output=True,
            text=True,
            check=False,
        )
        if "install ok installed" not in proc.stdout:
            missing.append(package)
    return missing


def ensure_debian_packages(log, environ) -> None:
    if not shutil.which("apt-get"):
        say(
            "bootstrap: no apt-get here; make sure the equivalents of these "
            f"Debian packages are installed: {' '.join(DEBIAN_PACKAGES)}"
        )
        return
    missing = missing_debian_packages()
    if not missing:
        return
    names = " ".join(missing)
    if os.geteuid() != 0 or environ.get("CWG_BOOTSTRAP_APT") == "0":
        say(
            f"bootstrap: Debian packages missing: {names}; install them with "
            f"`sudo apt-get install {names}` (continuing without them)"
        )
        return
    say(f"bootstrap: installing Debian packages: {names}")
    env = dict(environ, DEBIAN_FRONTEND="noninteractive")
    apt = ["apt-get", "install", "-y", "-q", *missing]
    if logged(["apt-get", "update", "-q"], log, env) or logged(apt, log, env):
        say(
            f"bootstrap: apt-get could not install {names} (see {log.name}); "
            "continuing: pins that need them fall back or are skipped"
        )


# --- 2. the clone ------------------------------------------------------------


def odoo_release(tree) -> tuple:
    """(major, "major.minor") of the Odoo source tree, read (not run) from
    odoo/release.py; (None, "") when there is none."""
    release = Path(tree) / "odoo" / "release.py"
    try:
        text = release.read_text(encoding="utf-8")
    except OSError:
        return None, ""
    match = re.search(r"^version_info\s*=\s*\(\s*(\d+)\s*,\s*(\d+)", text, re.M)
    if not match:
        return None, ""
    return int(match[1]), f"{match[1]}.{match[2]}"


def remote_has_branch(url, branch, log) -> bool | None:
    """True/False, or None when the repository cannot be reached."""
    proc = subprocess.run(
        ["git", "ls-remote", "--heads", url, branch],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ, GIT_TERMINAL_PROMPT="0"),
        check=False,
    )
    log.write(f"$ git ls-remote --heads {url} {branch}\n{proc.stdout}{proc.stderr}")
    log.flush()
    if proc.returncode != 0:
        return None
    return bool(proc.stdout.strip())


def clone_odoo(url, target=BOOT_ODOO, branch=ODOO_BRANCH, log=None) -> str:
    """Shallow clone of ``branch`` (or, when a local repository has no such
    branch, of its checked-out commit); return the commit."""
    target = Path(target)
    if (target / "odoo-bin").is_file() and (target / ".git").exists():
        major, _version = odoo_release(target)
        if major == ODOO_MAJOR:
            return head_commit(target)
        raise ToolError(f"{target} holds Odoo {major}, not {ODOO_BRANCH}; remove it")
    if not shutil.which("git"):
        raise ToolError("git is not installed (Debian package: git)")
    has_branch = remote_has_branch(url, branch, log)
    if has_branch is None:
        raise ToolError(
            f"could not reach the Odoo repository {url}:\n{tail(log.name, 5)}\n"
            f"{NO_NETWORK_HINT}"
        )
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    cmd = ["git", "clone", "--depth=1", "--single-branch", "--no-tags"]
    if has_branch:
        cmd += ["--branch", branch]
    elif not url.startswith("file://"):
        raise ToolError(f"{url} has no branch {branch}")
    else:
        say(f"bootstrap: {url} has no branch {branch}; cloning its checked-out commit")
    say(f"bootstrap: cloning Odoo {branch} from {url} into {target} ...")
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
    if logged([*cmd, url, partial], log, env) != 0:
        shutil.rmtree(partial, ignore_errors=True)
        raise ToolError(
            f"`git clone` of {url} failed:\n{tail(log.name, 5)}\n{NO_NETWORK_HINT}"
        )
    major, version = odoo_release(partial)
    if major != ODOO_MAJOR:
        shutil.rmtree(partial, ignore_errors=True)
        raise ToolError(
            f"{url} is not Odoo {ODOO_BRANCH} (odoo/release.py says "
            f"{version or 'nothing'}); set ODOO_GIT_URL to an Odoo 18.0 repository"
        )
    partial.rename(target)
    return head_commit(target)


def head_commit(tree) -> str:
    proc = subprocess.run(
        ["git", "-C", str(tree), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip()


# --- 3. the virtualenv and the requirements ----------------------------------


def requirement_lines(path) -> list:
    """The requirement lines of a requirements file, comments stripped."""
    lines = []
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].split("\t#", 1)[0].strip()
        if line and not line.startswith(("#", "-")):
            lines.append(line)
    return lines


def applicable_requirements(python, lines) -> list:
    """[{name, line, version}] for the lines whose markers hold for ``python``."""
    proc = subprocess.run(
        [str(python), "-c", MARKER_PROBE],
        input=json.dumps(lines),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise ToolError(f"could not read the requirements' markers: {proc.stderr}")
    return json.loads(proc.stdout)


def canonical(name) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


NETWORK_ERRORS = (
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "ConnectTimeoutError",
    "ReadTimeoutError",
)


def unreachable_index(logfile, start) -> bool:
    """Whether the pip run logged from ``start`` on failed for want of network."""
    with open(logfile, encoding="utf-8", errors="replace") as log:
        log.seek(start)
        text = log.read()
    return any(error in text for error in NETWORK_ERRORS)


def pip_install(python, specs, log, env=None) -> bool:
    cmd = [python, "-m", "pip", "install", "--disable-pip-version-check", *specs]
    return logged(cmd, log, env) == 0


def install_requirements(
    python, requirements, log, fallbacks=None, optional=None, env=None
) -> InstallReport:
    """Install what applies of ``requirements`` into ``python``'s environment:
    all at once; when that fails, the pins with a known fallback (or
    optional) one by one, then the others together, then one by one."""
    fallbacks = FALLBACKS if fallbacks is None else fallbacks
    optional = OPTIONAL if optional is None else optional
    reqs = applicable_requirements(python, requirement_lines(requirements))
    report = InstallReport()
    start = log.tell()
    if pip_install(python, [r["line"] for r in reqs], log, env):
        report.installed = [r["line"] for r in reqs]
        return report
    if unreachable_index(log.name, start):
        raise ToolError(
            "pip could not reach the package index (no network?): "
            f"see {log.name}. Point pip at a reachable index or a folder of "
            "wheels (PIP_INDEX_URL, PIP_FIND_LINKS with PIP_NO_INDEX=1) and "
            "run again; the clone in .cwg/odoo is kept."
        )
    say(
        "bootstrap: installing the requirements together failed; trying the "
        "pins known to fail on some machines one by one ..."
    )
    known = [r for r in reqs if canonical(r["name"]) in {*fallbacks, *optional}]
    rest = [r for r in reqs if r not in known]
    failed = []
    for req in known:
        if not install_one(python, req, log, env, fallbacks, optional, report):
            failed.append(req["line"])
    if rest and pip_install(python, [r["line"] for r in rest], log, env):
        report.installed += [r["line"] for r in rest]
    else:
        for req in rest:
            if not install_one(python, req, log, env, fallbacks, optional, report):
                failed.append(req["line"])
    if failed:
        raise ToolError(
            f"could not install {', '.join(failed)} (see {log.name}):\n"
            f"{tail(log.name)}"
        )
    return report


def install_one(python, req, log, env, fallbacks, optional, report) -> bool:
    """The pin, else its fallbacks, else skipped when optional; False when
    none of that worked."""
    if pip_install(python, [req["line"]], log, env):
        report.installed.append(req["line"])
        return True
    name = canonical(req["name"])
    alternatives, why = fallbacks.get(name, ([], ""))
    for alternative in alternatives:
        spec = alternative.format(version=req["version"] or "0")
        if pip_install(python, [spec], log, env):
            report.replaced.append((req["line"], spec, why))
            say(f"bootstrap: {req['line']} could not be installed; {spec} used ({why})")
            return True
    if name in optional:
        report.skipped.append((req["line"], optional[name]))
        say(f"bootstrap: skipped the optional {req['line']}: {optional[name]}")
        return True
    return False


def ensure_venv(venv, log, python=sys.executable) -> Path:
    bindir = Path(venv) / "bin"
    if (bindir / "python").exists():
        return bindir / "python"
    say(f"bootstrap: creating the virtualenv {venv}")
    if logged([python, "-m", "venv", venv], log) != 0:
        raise ToolError(
            f"`{python} -m venv` failed (Debian package: python3-venv):\n"
            f"{tail(log.name, 5)}"
        )
    return bindir / "python"


# --- all three ---------------------------------------------------------------


def bootstrapped(state=STATE) -> tuple[Path, Path] | None:
    """(venv python, Odoo tree) of a finished set-up in ``state``."""
    record = Path(state) / BOOT_RECORD.name
    python = Path(state) / BOOT_VENV.name / "bin" / "python"
    tree = Path(state) / BOOT_ODOO.name
    if record.is_file() and python.exists() and (tree / "odoo-bin").is_file():
        return python, tree
    return None


def bootstrap(environ=None, state=STATE) -> None:
    environ = os.environ if environ is None else environ
    state = Path(state)
    url = git_url(environ)
    logs = state / LOGS.name
    logs.mkdir(parents=True, exist_ok=True)
    logfile = logs / "bootstrap.log"
    start = time.monotonic()
    say(f"bootstrap: setting up Odoo {ODOO_BRANCH} in {state} (log: {logfile})")
    with open(logfile, "w", encoding="utf-8") as log:
        ensure_debian_packages(log, environ)
        tree = state / BOOT_ODOO.name
        commit = clone_odoo(url, tree, ODOO_BRANCH, log)
        python = ensure_venv(state / BOOT_VENV.name, log)
        say("bootstrap: installing Odoo's requirements.txt into the virtualenv ...")
        report = install_requirements(python, tree / "requirements.txt", log)
    record = {
        "url": url,
        "commit": commit,
        "replaced": report.replaced,
        "skipped": report.skipped,
        "seconds": round(time.monotonic() - start),
    }
    (state / BOOT_RECORD.name).write_text(json.dumps(record, indent=1) + "\n")
    say(
        f"bootstrap: done in {record['seconds']} s: Odoo {commit[:8]} in {tree}, "
        f"its Python in {python.parent.parent}"
    )
