"""Benchmarks, run by hand in ``odoo shell`` (see readme/DEVELOP.md); not
loaded by the addon. ``benchlib`` holds what the scripts share."""
