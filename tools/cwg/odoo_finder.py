"""Finding an installed Odoo 18: ODOO_PATH, an importable odoo, odoo on PATH."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .bootstrap import bootstrap, bootstrapped, offer
from .common import ODOO_MAJOR, STATE

ODOO_PROBE = r"""
import json, os, sys
try:
    import odoo
    from odoo import release
    import odoo.cli  # pulls in Odoo's own dependencies (psycopg2, werkzeug, ...)
except BaseException as exc:
    print(json.dumps({"error": "%s: %s" % (type(exc).__name__, exc)}))
    sys.exit(0)
print(json.dumps({
    "version_info": list(release.version_info[:2]),
    "version": release.version,
    "package_dir": os.path.dirname(os.path.abspath(odoo.__file__)),
}))
"""


@dataclass
class Odoo:
    python: str
    command: list
    version: str
    package_dir: str
    pythonpath: str = ""
    found_by: str = ""

    def addons_paths(self) -> list:
        package = Path(self.package_dir)
        paths = [package / "addons"]
        tree_addons = package.parent / "addons"
        if (tree_addons / "web" / "__manifest__.py").is_file():
            paths.append(tree_addons)
        return [str(p) for p in paths if p.is_dir()]

    def env(self, base=None) -> dict:
        env = dict(os.environ if base is None else base)
        env["TZ"] = "UTC"
        env.pop("PYTHONPATH", None)
        if self.pythonpath:
            env["PYTHONPATH"] = self.pythonpath
        return env

    def describe(self) -> str:
        return (
            f"Odoo {self.version} ({self.found_by}): {shlex.join(self.command)}; "
            f"addons {','.join(self.addons_paths())}"
        )


def probe_python(python, pythonpath="") -> tuple[dict | None, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    try:
        proc = subprocess.run(
            [str(python), "-c", ODOO_PROBE],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"{python} could not be run: {exc}"
    lines = proc.stdout.strip().splitlines()
    try:
        info = json.loads(lines[-1]) if lines else None
    except ValueError:
        info = None
    if not isinstance(info, dict) or proc.returncode != 0:
        err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"{python} failed (exit {proc.returncode}): {err}"
    if "error" in info:
        return None, f"{python} cannot import odoo: {info['error']}"
    return info, ""


def _odoo_from(python, command, pythonpath, found_by) -> tuple[Odoo | None, str]:
    info, why = probe_python(python, pythonpath)
    if info is None:
        return None, why
    try:
        major = int(info["version_info"][0])
        version, package_dir = str(info["version"]), str(info["package_dir"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None, f"{python} printed an unexpected answer: {info}"
    if major != ODOO_MAJOR:
        return None, f"{python} has Odoo {version}, not {ODOO_MAJOR}.0"
    odoo = Odoo(str(python), command, version, package_dir, pythonpath, found_by)
    return odoo, ""


def _from_python(python, found_by) -> tuple[Odoo | None, str]:
    return _odoo_from(python, [str(python), "-m", "odoo"], "", found_by)


def shebang_interpreter(script) -> str | None:
    try:
        with open(script, "rb") as handle:
            first = handle.readline(512).decode("utf-8", "replace")
    except OSError:
        return None
    if not first.startswith("#!"):
        return None
    words = first[2:].split()
    if not words:
        return None
    if Path(words[0]).name == "env" and len(words) > 1:
        return shutil.which(words[-1])
    return words[0]


def _from_script(script, found_by) -> tuple[Odoo | None, str]:
    python = shebang_interpreter(script)
    if not python:
        return None, f"{script} has no usable #! interpreter line"
    tree = Path(script).resolve().parent
    pythonpath = str(tree) if (tree / "odoo" / "__init__.py").is_file() else ""
    return _odoo_from(python, [python, str(script)], pythonpath, found_by)


def _is_odoo_script(path: Path) -> bool:
    return path.name.startswith("odoo")


def _from_odoo_path(value) -> tuple[Odoo | None, str]:
    path = Path(value).expanduser()
    found_by = f"ODOO_PATH={value}"
    if not path.exists():
        return None, f"ODOO_PATH={value} does not exist"
    if path.is_dir():
        if (path / "odoo-bin").is_file():
            command = [sys.executable, str(path / "odoo-bin")]
            odoo, why = _odoo_from(sys.executable, command, str(path), found_by)
            if odoo is None:
                why += " (point ODOO_PATH at the virtualenv holding its requirements)"
            return odoo, why
        for name in ("python3", "python"):
            if (path / "bin" / name).exists():
                return _from_python(path / "bin" / name, found_by)
        return None, (
            f"ODOO_PATH={value} is neither a virtualenv (no bin/python) "
            "nor an Odoo source tree (no odoo-bin)"
        )
    if _is_odoo_script(path) and shebang_interpreter(path):
        return _from_script(path, found_by)
    if not os.access(path, os.X_OK):
        return None, f"ODOO_PATH={value} is not executable"
    return _from_python(path, found_by)


def find_odoo(environ=None, python=None, state=STATE) -> tuple[Odoo | None, str]:
    """Return (Odoo, "") or (None, why not). Looked for: ODOO_PATH alone when
    set; else this python3, `odoo`/`odoo-bin` on PATH, the set-up of
    `--bootstrap` in .cwg/."""
    environ = os.environ if environ is None else environ
    explicit = environ.get("ODOO_PATH", "").strip()
    if explicit:
        return _from_odoo_path(explicit)
    python = python or sys.executable
    odoo, why = _from_python(python, "this python3")
    if odoo:
        return odoo, ""
    tried = [why]
    for name in ("odoo", "odoo-bin"):
        script = shutil.which(name, path=environ.get("PATH", os.defpath))
        if not script:
            tried.append(f"no '{name}' on PATH")
            continue
        odoo, why = _from_script(script, f"{name} on PATH")
        if odoo:
            return odoo, ""
        tried.append(why)
    done = bootstrapped(state)
    if done is None:
        tried.append("no set-up in .cwg/ (--bootstrap)")
        return None, "; ".join(tried)
    python, tree = done
    command = [str(python), str(tree / "odoo-bin")]
    odoo, why = _odoo_from(python, command, str(tree), "set up in .cwg/")
    if odoo:
        return odoo, ""
    tried.append(why)
    return None, "; ".join(tried)


def find_or_bootstrap(args, environ=None) -> tuple[Odoo | None, str]:
    """find_odoo(); when nothing is found, the set-up of bootstrap.py if it is
    asked for (--bootstrap, CWG_BOOTSTRAP=1) or accepted at the prompt."""
    environ = os.environ if environ is None else environ
    odoo, why = find_odoo(environ)
    if odoo is not None or environ.get("ODOO_PATH", "").strip():
        return odoo, why
    if not offer(args, environ):
        return None, why
    bootstrap(environ)
    return find_odoo(environ)
