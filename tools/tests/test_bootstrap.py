"""Layer-1 tests of the Odoo set-up of `run`/`test --bootstrap`
(tools/cwg/bootstrap.py), on a fake Odoo git repository and a local wheel
house: no network. One test clones a real Odoo 18.0 repository when
CWG_TEST_ODOO_GIT_URL names one."""

import base64
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

from cwg import bootstrap as boot  # noqa: E402
from cwg.cli import main  # noqa: E402
from cwg.common import ToolError  # noqa: E402
from cwg.odoo_finder import find_odoo  # noqa: E402

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]


def git(*args, cwd):
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True)


def fake_odoo_repo(path, major=18, branch="18.0", requirements=""):
    """A git repository shaped like Odoo's: odoo-bin, odoo/release.py, an
    odoo package that the Odoo probe can import, requirements.txt."""
    (path / "odoo" / "cli").mkdir(parents=True)
    (path / "odoo" / "addons").mkdir()
    (path / "odoo" / "__init__.py").write_text("from . import release\n")
    (path / "odoo" / "cli" / "__init__.py").write_text("")
    (path / "odoo" / "release.py").write_text(
        f"FINAL = 'final'\nversion_info = ({major}, 0, 0, FINAL, 0, '')\n"
        f"version = '{major}.0'\n"
    )
    (path / "odoo-bin").write_text("#!/usr/bin/env python3\nimport odoo\n")
    (path / "requirements.txt").write_text(requirements)
    git("init", "-q", "-b", branch, cwd=path)
    git("add", "-A", cwd=path)
    git("commit", "-q", "-m", "one", cwd=path)
    git("commit", "-q", "--allow-empty", "-m", "two", cwd=path)
    return path


def fake_wheel(house, name, version):
    """A minimal pure-Python wheel of module ``name``."""
    house.mkdir(exist_ok=True)
    dist = f"{name}-{version}.dist-info"
    files = {
        f"{name}.py": f"VERSION = {version!r}\n",
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\n"
        f"Version: {version}\n",
        f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = []
    path = house / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as whl:
        for arcname, text in files.items():
            data = text.encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest())
            record.append(f"{arcname},sha256={digest.decode().rstrip('=')},{len(data)}")
            whl.writestr(arcname, data)
        whl.writestr(f"{dist}/RECORD", "\n".join([*record, f"{dist}/RECORD,,"]) + "\n")
    return path


def offline_pip_env(house, target=None):
    """pip of this machine with no configuration but the wheel house."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1")
    env.update(PIP_FIND_LINKS=str(house), PIP_DISABLE_PIP_VERSION_CHECK="1")
    if target:
        env["PIP_TARGET"] = str(target)
    return env


# --- the clone ---------------------------------------------------------------


def test_local_path_is_cloned_shallow_from_its_18_0_branch(tmp_path):
    source = fake_odoo_repo(tmp_path / "odoo-src")
    url = boot.git_url({"ODOO_GIT_URL": str(source)})
    assert url == source.resolve().as_uri()  # file:// so that --depth is honoured
    with open(tmp_path / "log", "w") as log:
        commit = boot.clone_odoo(url, tmp_path / "state" / "odoo", "18.0", log)
    tree = tmp_path / "state" / "odoo"
    assert (tree / "odoo-bin").is_file()
    assert boot.odoo_release(tree) == (18, "18.0")
    shallow = subprocess.run(
        ["git", "-C", tree, "rev-parse", "--is-shallow-repository", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert shallow == ["true", commit]
    # done once: a second call keeps the clone
    with open(tmp_path / "log", "a") as log:
        assert boot.clone_odoo(url, tree, "18.0", log) == commit


def test_a_repository_of_another_odoo_is_refused(tmp_path):
    source = fake_odoo_repo(tmp_path / "odoo17", major=17, branch="17.0")
    with open(tmp_path / "log", "w") as log, pytest.raises(ToolError) as err:
        boot.clone_odoo(source.as_uri(), tmp_path / "odoo", "18.0", log)
    assert "not Odoo 18.0" in str(err.value) and "17.0" in str(err.value)
    assert not (tmp_path / "odoo").exists()
    assert not (tmp_path / "odoo.partial").exists()


def test_unreachable_repository_says_how_to_use_a_local_copy(tmp_path):
    url = (tmp_path / "no-such-repo").as_uri()
    with open(tmp_path / "log", "w") as log, pytest.raises(ToolError) as err:
        boot.clone_odoo(url, tmp_path / "odoo", "18.0", log)
    message = str(err.value)
    assert url in message
    assert "ODOO_GIT_URL" in message and "local copy" in message


def test_default_url_is_odoo_s_repository_and_urls_are_kept():
    assert boot.git_url({}) == boot.DEFAULT_ODOO_GIT_URL
    assert boot.git_url({"ODOO_GIT_URL": "file:///srv/odoo"}) == "file:///srv/odoo"


# --- the requirements ----------------------------------------------------------

REQUIREMENTS = """\
# comment
okpkg==1.0 ; python_version >= '3'  # a comment
neverpkg==1.0 ; python_version < '3'
badpkg==1.0
optpkg==1.0 ; sys_platform != 'win32'
"""


def test_markers_are_evaluated_for_the_target_python(tmp_path):
    (tmp_path / "r.txt").write_text(REQUIREMENTS)
    lines = boot.requirement_lines(tmp_path / "r.txt")
    assert lines[0] == "okpkg==1.0 ; python_version >= '3'"
    reqs = boot.applicable_requirements(sys.executable, lines)
    assert [r["line"] for r in reqs] == ["okpkg==1.0", "badpkg==1.0", "optpkg==1.0"]
    assert reqs[0]["version"] == "1.0"


def test_failing_pins_fall_back_or_are_skipped_when_optional(tmp_path, capsys):
    house = tmp_path / "house"
    fake_wheel(house, "okpkg", "1.0")
    fake_wheel(house, "badpkg", "2.0")  # 1.0 "cannot be built here"
    (tmp_path / "r.txt").write_text(REQUIREMENTS)
    target = tmp_path / "site"
    with open(tmp_path / "log", "w") as log:
        report = boot.install_requirements(
            sys.executable,
            tmp_path / "r.txt",
            log,
            fallbacks={"badpkg": (["badpkg=={version}.1", "badpkg==2.0"], "why-x")},
            optional={"optpkg": "only for optional things"},
            env=offline_pip_env(house, target),
        )
    assert report.installed == ["okpkg==1.0"]
    assert report.replaced == [("badpkg==1.0", "badpkg==2.0", "why-x")]
    assert report.skipped == [("optpkg==1.0", "only for optional things")]
    assert (target / "badpkg-2.0.dist-info").is_dir()
    assert (target / "okpkg-1.0.dist-info").is_dir()
    out = capsys.readouterr().out
    assert "badpkg==2.0 used (why-x)" in out
    assert "skipped the optional optpkg==1.0: only for optional things" in out


def test_a_failing_pin_without_fallback_stops_the_set_up(tmp_path):
    house = tmp_path / "house"
    fake_wheel(house, "okpkg", "1.0")
    (tmp_path / "r.txt").write_text("okpkg==1.0\nbadpkg==1.0\n")
    with open(tmp_path / "log", "w") as log, pytest.raises(ToolError) as err:
        boot.install_requirements(
            sys.executable,
            tmp_path / "r.txt",
            log,
            env=offline_pip_env(house, tmp_path / "site"),
        )
    assert "could not install badpkg==1.0" in str(err.value)


def test_without_network_pip_s_failure_says_so_at_once(tmp_path):
    (tmp_path / "r.txt").write_text("okpkg==1.0\nbadpkg==1.0\n")
    # an index nobody listens on, and no other configuration of pip
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_RETRIES="1", PIP_TIMEOUT="2")
    env.update(PIP_INDEX_URL="http://127.0.0.1:9/simple", PIP_TARGET=str(tmp_path))
    with open(tmp_path / "log", "w") as log, pytest.raises(ToolError) as err:
        boot.install_requirements(sys.executable, tmp_path / "r.txt", log, env=env)
    assert "could not reach the package index" in str(err.value)
    assert "PIP_INDEX_URL" in str(err.value)
    assert open(tmp_path / "log").read().count("$ ") == 1  # no retry one by one


def test_odoo_s_known_failures_have_their_fallbacks():
    assert boot.FALLBACKS["cbor2"][0] == ["cbor2==5.6.2"]
    assert "psycopg2-binary=={version}" in boot.FALLBACKS["psycopg2"][0]
    assert "python-ldap" in boot.OPTIONAL


# --- the whole set-up, offered or asked for ---------------------------------


def test_bootstrap_sets_up_an_odoo_that_find_odoo_uses(tmp_path, monkeypatch):
    house = tmp_path / "house"
    fake_wheel(house, "okpkg", "1.0")
    source = fake_odoo_repo(tmp_path / "odoo-src", requirements="okpkg==1.0\n")
    for key in [k for k in os.environ if k.startswith("PIP_")]:
        monkeypatch.delenv(key)
    for key, value in offline_pip_env(house).items():
        monkeypatch.setenv(key, value)
    state = tmp_path / "state"
    environ = {"ODOO_GIT_URL": str(source), "CWG_BOOTSTRAP_APT": "0"}

    boot.bootstrap(environ, state)

    record = json.loads((state / "bootstrap.json").read_text())
    assert record["url"] == source.resolve().as_uri()
    python = state / "venv" / "bin" / "python"
    check = [python, "-c", "import okpkg; print(okpkg.VERSION)"]
    assert subprocess.run(check, capture_output=True, text=True).stdout == "1.0\n"
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    no_odoo = tmp_path / "no-odoo"
    no_odoo.write_text("#!/bin/sh\nexit 1\n")
    no_odoo.chmod(0o755)
    odoo, why = find_odoo({"PATH": str(empty)}, python=no_odoo, state=state)
    assert why == ""
    assert odoo.found_by == "set up in .cwg/"
    assert odoo.command == [str(python), str(state / "odoo" / "odoo-bin")]


def test_without_odoo_the_set_up_is_asked_for_or_offered(capsys):
    class Args:
        bootstrap = False

    asked = []

    def answer(text):
        asked.append(text)
        return "y"

    assert boot.offer(Args, {}, ask=answer, interactive=True)
    assert "Set up Odoo 18.0 in .cwg/" in asked[0]
    assert not boot.offer(Args, {}, ask=lambda _t: "", interactive=True)
    assert boot.offer(Args, {"CWG_BOOTSTRAP": "1"}, interactive=False)
    Args.bootstrap = True
    assert boot.offer(Args, {}, interactive=False)
    Args.bootstrap = False
    assert not boot.offer(Args, {}, interactive=False)
    assert "--bootstrap or CWG_BOOTSTRAP=1" in capsys.readouterr().out


def test_run_and_test_take_bootstrap():
    from cwg.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["run", "--bootstrap"]).bootstrap
    assert parser.parse_args(["test", "--bootstrap"]).bootstrap
    assert main is not None


# --- a real Odoo 18.0 repository, when one is at hand -------------------------


def test_a_real_odoo_18_repository_clones_and_its_requirements_read(tmp_path):
    url = os.environ.get("CWG_TEST_ODOO_GIT_URL", "")
    if not url:
        pytest.skip(
            "CWG_TEST_ODOO_GIT_URL is not set (a git URL or path of Odoo 18.0 "
            "to test the clone against)"
        )
    if "://" not in url and not Path(url).exists():
        pytest.skip(f"CWG_TEST_ODOO_GIT_URL={url} does not exist")
    with open(tmp_path / "log", "w") as log:
        boot.clone_odoo(
            boot.git_url({"ODOO_GIT_URL": url}), tmp_path / "o", "18.0", log
        )
    assert boot.odoo_release(tmp_path / "o") == (18, "18.0")
    lines = boot.requirement_lines(tmp_path / "o" / "requirements.txt")
    reqs = {
        r["name"].lower(): r
        for r in boot.applicable_requirements(sys.executable, lines)
    }
    # one line per package for this Python: the markers chose among the pins
    assert len(reqs) == len(boot.applicable_requirements(sys.executable, lines))
    assert {"psycopg2", "werkzeug", "lxml", "cbor2"} <= set(reqs)
    assert "pypiwin32" not in reqs
