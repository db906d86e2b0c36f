"""PEP 517 build backend of the addon: OCA's whool, with two adjustments for
a repository whose root is the addon (see pyproject.toml).

1. The distribution is named after the addon's technical name, whatever the
   checkout's folder is called: whool reads the name from the folder, so a
   checkout that is not named crm_workflow_guide is built through a link of
   that name in .cwg/whool/ (git-ignored).
2. The developer tooling that lives beside the addon (tools/, bench/, .ci/,
   lint configurations) stays out of the wheel; the sdist keeps everything,
   so a wheel built from it is the same.

Everything else (metadata from the manifest, version, dependencies on Odoo
and on the addons of `depends`, files under git control) is whool's.
"""

import shutil
from contextlib import contextmanager
from pathlib import Path

from whool import buildapi as _whool

ADDON_NAME = "crm_workflow_guide"

# top-level entries of the checkout that are not part of the addon
NOT_IN_WHEEL = (
    ".ci",
    ".cwg",
    ".editorconfig",
    ".gitignore",
    ".pre-commit-config.yaml",
    ".pylintrc",
    ".pylintrc-mandatory",
    "Makefile",
    "bench",
    "eslint.config.cjs",
    "package-lock.json",
    "package.json",
    "prettier.config.cjs",
    "ruff.toml",
    "tools",
)

_copy_to = _whool._copy_to


def _copy_addon_only(addon_dir, dst):
    _copy_to(addon_dir, dst)
    for name in NOT_IN_WHEEL:
        path = Path(dst) / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


@contextmanager
def _addon_dir():
    """The checkout, as a path whose last part is the addon's name."""
    here = Path.cwd()
    if here.name == ADDON_NAME or (here / "PKG-INFO").is_file():
        yield here
        return
    link = here / ".cwg" / "whool" / ADDON_NAME
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(here, target_is_directory=True)
    yield link


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _whool._copy_to = _copy_addon_only
    try:
        with _addon_dir() as addon_dir:
            return _whool._build_wheel(addon_dir, Path(wheel_directory), False)
    finally:
        _whool._copy_to = _copy_to


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    with _addon_dir() as addon_dir:
        return _whool._build_wheel(addon_dir, Path(wheel_directory), True)


def build_sdist(sdist_directory, config_settings=None):
    with _addon_dir() as addon_dir:
        return _whool._build_sdist(addon_dir, Path(sdist_directory))


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    with _addon_dir() as addon_dir:
        metadata = _whool._get_metadata(addon_dir)
    return _whool._make_dist_info(metadata, Path(metadata_directory))


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel
