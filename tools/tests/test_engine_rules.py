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


# A guide of five stages: (name, (sequence, id), status position, blocking)
GUIDE = [
    ("new", (1, 1), 0, False),
    ("qualified", (2, 2), 1, True),
    ("proposal", (3, 3), 2, False),
    ("negotiation", (4, 4), 3, True),
    ("won", (5, 5), 5, False),
]


@pytest.mark.parametrize(
    ("current", "target", "expected"),
    [
        # forward: the blocking stages from the current one (included) up to
        # the target (excluded)
        ((1, 1), (3, 3), ["qualified"]),
        ((2, 2), (3, 3), ["qualified"]),
        ((1, 1), (5, 5), ["qualified", "negotiation"]),
        ((3, 3), (5, 5), ["negotiation"]),
        # the target itself is no gate
        ((1, 1), (2, 2), []),
        # backward or staying: no gate
        ((4, 4), (2, 2), []),
        ((3, 3), (3, 3), []),
        # no current stage (a record joining the guide): from the first stage
        (None, (4, 4), ["qualified"]),
        (None, (1, 1), []),
    ],
)
def test_gates_passed_inside_the_guide(engine, current, target, expected):
    assert engine.gates_passed(GUIDE, current=current, target=target) == expected


@pytest.mark.parametrize(
    ("current", "position", "expected"),
    [
        # a status outside the guide, after "negotiation" in the status order
        ((1, 1), 4, ["qualified", "negotiation"]),
        ((3, 3), 4, ["negotiation"]),
        (None, 4, ["qualified", "negotiation"]),
        # before the current stage's status: not forward, no gate
        ((4, 4), 2, []),
        ((4, 4), 3, []),
        # between: only what lies before it
        ((1, 1), 2, ["qualified"]),
    ],
)
def test_gates_passed_to_a_status_outside_the_guide(
    engine, current, position, expected
):
    assert (
        engine.gates_passed(GUIDE, current=current, target_position=position)
        == expected
    )


def test_gates_passed_stage_without_status_counts_as_before(engine):
    # a guide stage whose status is unknown (-1) lies before any status
    stages = [("a", (1, 1), -1, True), ("b", (2, 2), 3, True)]
    assert engine.gates_passed(stages, target_position=0) == ["a"]


def test_gates_passed_without_target_is_no_move(engine):
    assert engine.gates_passed(GUIDE, current=(1, 1)) == []
    assert engine.gates_passed([], current=None, target=(1, 1)) == []
