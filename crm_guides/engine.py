"""Pure decision rules of the workflow guide engine.

Nothing here imports Odoo: the rules are unit-tested on their own (layer 1)
and the ORM code in this package only gathers data for them in batch.
"""

from datetime import timedelta

OPEN = "todo"
DONE = "done"
NOT_APPLICABLE = "na"
CLOSED_STATES = frozenset({DONE, NOT_APPLICABLE})


def progress(closed_count, total_count):
    """Percentage (0-100, rounded down) of a guide's steps that are done or
    not applicable. A guide without steps is 0 % done: nothing was guided."""
    if total_count <= 0:
        return 0
    closed_count = max(0, min(closed_count, total_count))
    return closed_count * 100 // total_count


def is_forward(old_key, new_key):
    """A move goes forward when the new guide stage comes later in the guide's
    order. Keys are ``(sequence, id)`` tuples; a missing side is no move."""
    if old_key is None or new_key is None:
        return False
    return tuple(new_key) > tuple(old_key)


def missing_required_steps(required_step_ids, closed_step_ids):
    """Required steps (in their given order) that are neither done nor marked
    not applicable. A required step without any state yet counts as open."""
    closed = set(closed_step_ids)
    return [step_id for step_id in required_step_ids if step_id not in closed]


def is_rotting(last_move, now, rotting_days):
    """True when nothing happened for more than ``rotting_days`` days.
    ``rotting_days`` 0 (or less) means the stage never rots."""
    if not rotting_days or rotting_days <= 0 or not last_move:
        return False
    return now - last_move > timedelta(days=rotting_days)


def rotting_threshold(now, rotting_days):
    """The moment before which a record's last move makes it rot."""
    return now - timedelta(days=rotting_days)


def deadline(today, delay_days):
    """Due date of a step scheduled ``delay_days`` days after ``today``."""
    return today + timedelta(days=max(0, delay_days or 0))


def gates_passed(stages, current=None, target=None, target_position=None):
    """The gates a forward move passes: the blocking stages of a guide from
    the ``current`` stage (included; from the guide's first stage when there
    is none) up to the ``target`` (excluded). A move that is not forward
    passes none.

    ``stages``: the guide's stages, each a tuple ``(stage, key, position,
    is_blocking)``: ``key`` its ``(sequence, id)`` order in the guide,
    ``position`` its status's place in the status's own order (-1 when it
    has none). ``current`` and ``target`` are keys, or None. A target outside
    the guide (``target`` None) is given by its status's ``target_position``:
    the stages whose status comes before it are passed, and a record whose
    current stage does not come before it does not move forward. Returns the
    blocking ``stage`` items, in the given order.
    """
    if target is not None:
        if current is not None and not is_forward(current, target):
            return []
        passed = [
            item
            for item in stages
            if is_forward(item[1], target)
            and (current is None or not is_forward(item[1], current))
        ]
    elif target_position is not None:
        passed = [
            item
            for item in stages
            if item[2] < target_position
            and (current is None or not is_forward(item[1], current))
        ]
        if current is not None and current not in [item[1] for item in passed]:
            return []
    else:
        return []
    return [item[0] for item in passed if item[3]]
