"""Layer-1 tests of the addon's packaging (pyproject.toml, whool): the wheel
OCA-style, installed into a throw-away target; the manifest's
external_dependencies against what the addon's Python imports."""

import ast
import email.parser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ADDON = "crm_workflow_guide"
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
NOT_IN_WHEEL = ("tools", "bench", ".ci", ".cwg", "Makefile", "pyproject.toml")


def manifest():
    return ast.literal_eval((REPO / "__manifest__.py").read_text(encoding="utf-8"))


def checkout_copy(target):
    """The checkout as it is now (files under git control or about to be),
    committed in a fresh repository named otherwise than the addon."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:
        pytest.skip("the addon is not a git checkout: whool packages git files")
    for name in listed.stdout.decode().split("\0"):
        source = REPO / name
        if name and source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "copy"]):
        subprocess.run([*GIT, *args], cwd=target, check=True, capture_output=True)
    return target


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    pytest.importorskip("whool", reason="whool is in tools/requirements-lint.txt")
    tmp = tmp_path_factory.mktemp("packaging")
    source = checkout_copy(tmp / "some-checkout")
    dist = tmp / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
        + ["--no-cache-dir", "--disable-pip-version-check", "-q", "-w", dist, source],
        check=True,
        capture_output=True,
    )
    (built,) = dist.glob("*.whl")
    return built


def test_wheel_is_named_after_the_addon_and_the_manifest_version(wheel):
    version = manifest()["version"]
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", version)
    assert wheel.name == f"odoo_addon_{ADDON}-{version}-py3-none-any.whl"


def test_installed_wheel_puts_the_addon_in_odoo_addons(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q"]
        + ["--disable-pip-version-check", "--target", target, wheel],
        check=True,
        capture_output=True,
    )
    addon = target / "odoo" / "addons" / ADDON
    assert (addon / "__manifest__.py").read_text() == (
        REPO / "__manifest__.py"
    ).read_text()
    for folder in ("crm_guides", "views", "security", "i18n", "static", "readme"):
        assert (addon / folder).is_dir(), folder
    assert (addon / "static" / "description" / "index.html").is_file()
    for name in NOT_IN_WHEEL:
        assert not (addon / name).exists(), f"{name} is developer tooling"
    # a namespace package: nothing else of Odoo's is shadowed
    assert not (target / "odoo" / "__init__.py").exists()
    assert not (target / "odoo" / "addons" / "__init__.py").exists()
    (dist_info,) = target.glob("odoo_addon_crm_workflow_guide-*.dist-info")
    metadata = email.parser.Parser().parse(open(dist_info / "METADATA"))
    assert metadata["Name"] == f"odoo-addon-{ADDON}"
    assert "odoo==18.0.*" in metadata.get_all("Requires-Dist")


# Import names the addon may use without declaring them: the standard library,
# Odoo, and the packages of Odoo 18.0's own requirements.txt.
ODOO_PROVIDES = {
    "odoo", "asn1crypto", "babel", "cbor2", "chardet", "cryptography",
    "dateutil", "decorator", "docutils", "freezegun", "geoip2", "gevent",
    "greenlet", "idna", "jinja2", "lxml", "markupsafe", "num2words",
    "ofxparse", "openpyxl", "passlib", "PIL", "polib", "psutil", "psycopg2",
    "OpenSSL", "PyPDF2", "serial", "ldap", "stdnum", "pytz", "usb", "qrcode",
    "reportlab", "requests", "rjsmin", "urllib3", "vobject", "werkzeug",
    "xlrd", "xlsxwriter", "xlwt", "zeep",
}  # fmt: skip
# the tests' own packages, installed by tools/requirements-odoo-test.txt
TEST_ONLY = {"odoo_test_helper", "websocket"}


def imported_top_levels(paths):
    """{top-level module: first file importing it} for .py files and folders."""
    names = {}
    files = [p for p in paths if p.is_file()]
    files += [f for p in paths if p.is_dir() for f in sorted(p.rglob("*.py"))]
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                found = [node.module]
            else:
                continue
            for name in found:
                names.setdefault(name.split(".")[0], str(path.relative_to(REPO)))
    return names


def test_external_dependencies_are_complete():
    declared = set(manifest().get("external_dependencies", {}).get("python", []))
    allowed = set(sys.stdlib_module_names) | ODOO_PROVIDES | declared
    addon_code = [REPO / d for d in ("crm_guides", "crm_onboarding", "migrations")]
    addon_code += [p for p in REPO.glob("*.py") if p.name != "__manifest__.py"]
    names = imported_top_levels(addon_code)
    assert "odoo" in names
    undeclared = {n: p for n, p in names.items() if n not in allowed}
    assert undeclared == {}, "add them to external_dependencies in __manifest__.py"
    tests = imported_top_levels([REPO / "tests"])
    assert {n: p for n, p in tests.items() if n not in allowed | TEST_ONLY} == {}
