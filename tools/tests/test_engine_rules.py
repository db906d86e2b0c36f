"""Layer 1: the guide engine's decision rules, without Odoo."""

import importlib.util
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "crm_guides" / "engine.py"


@pytest.fixture(scope="module")
def engine():
    spec = importlib.util.spec_from_file_location("cwg_engine", ENGINE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_engine_needs_no_odoo():
    assert "odoo" not in ENGINE.read_text()


@pytest.mark.parametrize(
    ("closed", "total", "expected"),
    [
        (0, 5, 0),
        (1, 5, 20),
        (1, 3, 33),
        (2, 3, 66),
        (5, 5, 100),
        (7, 5, 100),
        (3, 0, 0),
        (-1, 4, 0),
    ],
)
def test_progress(engine, closed, total, expected):
    assert engine.progress(closed, total) == expected


def test_forward_follows_guide_order_not_ids(engine):
    assert engine.is_forward((1, 50), (2, 10))
    assert not engine.is_forward((2, 10), (1, 50))
    # same sequence: the id breaks the tie, like the guide's _order
    assert engine.is_forward((1, 3), (1, 4))
    assert not engine.is_forward((1, 4), (1, 4))
    assert not engine.is_forward(None, (1, 1))
    assert not engine.is_forward((1, 1), None)


def test_missing_required_keeps_order_and_counts_unknown_as_open(engine):
    assert engine.missing_required_steps([5, 3, 9], {3}) == [5, 9]
    assert engine.missing_required_steps([5, 3], [5, 3]) == []
    assert engine.missing_required_steps([], {1}) == []


def test_rotting(engine):
    now = datetime(2026, 11, 23, 12, 0)
    assert engine.is_rotting(now - timedelta(days=8), now, 7)
    assert not engine.is_rotting(now - timedelta(days=7), now, 7)
    assert not engine.is_rotting(now - timedelta(days=300), now, 0)
    assert not engine.is_rotting(None, now, 7)
    assert engine.rotting_threshold(now, 7) == now - timedelta(days=7)


def test_deadline_never_in_the_past(engine):
    today = date(2026, 11, 23)
    assert engine.deadline(today, 3) == date(2026, 11, 26)
    assert engine.deadline(today, 0) == today
    assert engine.deadline(today, None) == today
    assert engine.deadline(today, -4) == today
