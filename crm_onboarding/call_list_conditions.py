# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The sandbox of a call list's other conditions (``crm.call.list``
``filter_domain``): what they may hold, checked on their syntax tree before
anything is evaluated, and what they are evaluated with.

The conditions hold values, dates and the current user's id, as Odoo's domain
editor and saved filters write them: no record (nothing to call a method
on), no name or attribute outside the lists below, no computation that could
take the server's time (``10**10**8``, ``"x" * 10**9``), a bounded size.

Plain Python, no Odoo: tested on its own (layer 1); the model evaluates
what passes ``check`` with Odoo's ``safe_eval`` and ``eval_context``.
"""

import ast
import datetime
import time
from textwrap import shorten
from types import SimpleNamespace

#: the syntax a condition may use
NODES = (
    ast.Expression, ast.List, ast.Tuple, ast.Constant, ast.Name, ast.Attribute,
    ast.Call, ast.keyword, ast.UnaryOp, ast.BinOp, ast.expr_context,
    ast.unaryop, ast.Add, ast.Sub,
)  # fmt: skip
#: the names a condition may use (see ``eval_context``)
NAMES = frozenset(
    {"uid", "company_id", "company_ids", "context_today", "datetime",
     "relativedelta", "time", "True", "False", "None"}
)  # fmt: skip
#: the attributes a condition may read: dates and periods, nothing else
ATTRIBUTES = frozenset(
    {"datetime", "date", "time", "timedelta", "combine", "now", "today",
     "strftime", "to_utc", "isoformat"}
)  # fmt: skip
#: the longest condition, in characters
MAX_LENGTH = 10000
#: the largest whole number a condition may hold
MAX_INTEGER = 10**12


class Refused(Exception):
    """A condition the sandbox refuses before evaluating it."""


class TooLong(Refused):
    """Longer than ``MAX_LENGTH`` characters."""


class Unparsable(Refused):
    """Not an expression Python can read; ``error`` says why."""

    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


class Forbidden(Refused):
    """Holds something else than values, dates and the current user;
    ``expression`` is the part refused, shortened."""

    def __init__(self, expression):
        super().__init__(expression)
        self.expression = expression


def _allowed(node):
    return not (
        not isinstance(node, NODES)
        or (isinstance(node, ast.BinOp) and not isinstance(node.op, ast.Add | ast.Sub))
        or (isinstance(node, ast.Name) and node.id not in NAMES)
        or (isinstance(node, ast.Attribute) and node.attr not in ATTRIBUTES)
        or (
            isinstance(node, ast.Constant)
            and isinstance(node.value, int)
            and abs(node.value) > MAX_INTEGER
        )
    )


def check(source):
    """Raise ``TooLong``, ``Unparsable`` or ``Forbidden`` unless ``source``
    holds only what a condition may hold."""
    if len(source) > MAX_LENGTH:
        raise TooLong(MAX_LENGTH)
    try:
        tree = ast.parse(source, mode="eval")
        nodes = list(ast.walk(tree))
    except (SyntaxError, RecursionError, MemoryError, ValueError) as exc:
        raise Unparsable(exc) from exc
    for node in nodes:
        if not _allowed(node):
            raise Forbidden(shorten(ast.unparse(node), 80))


class UserDatetime(datetime.datetime):
    """``datetime.datetime`` of the domain editor's expressions, whose
    ``to_utc()`` reads the value in the user's time zone ``tz`` (as the web
    client's does; a pytz time zone, set on a subclass by ``eval_context``)."""

    tz = None

    def to_utc(self):
        naive = datetime.datetime(*self.timetuple()[:6])
        if self.tz is None:
            return naive
        return (
            self.tz.localize(naive)
            .astimezone(datetime.timezone.utc)
            .replace(tzinfo=None)
        )


def eval_context(uid, company_id, company_ids, context_today, tz, relativedelta):
    """What the web client's domain editor and saved filters use: the
    current user and companies, today in their time zone
    (``context_today``, a function), dates and periods (``tz``: the user's
    pytz time zone; ``relativedelta``: dateutil's)."""
    return {
        "uid": uid,
        "company_id": company_id,
        "company_ids": list(company_ids),
        "context_today": context_today,
        "datetime": SimpleNamespace(
            datetime=type("datetime", (UserDatetime,), {"tz": tz}),
            date=datetime.date,
            time=datetime.time,
            timedelta=datetime.timedelta,
        ),
        "relativedelta": relativedelta,
        "time": SimpleNamespace(strftime=time.strftime),
    }
