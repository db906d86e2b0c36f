"""Layer 1: the sandbox of a call list's conditions, without Odoo. Every
attack tried on the conditions so far is a case here."""

import datetime
import importlib.util
from pathlib import Path

import pytest

MODULE = (
    Path(__file__).resolve().parents[2] / "crm_onboarding" / "call_list_conditions.py"
)


@pytest.fixture(scope="module")
def conditions():
    spec = importlib.util.spec_from_file_location("cwg_conditions", MODULE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sandbox_needs_no_odoo():
    assert "odoo" not in MODULE.read_text().replace("Odoo", "")


@pytest.mark.parametrize(
    "source",
    [
        "[]",
        "[('ref', '=like', '%1')]",
        "[('user_id', '=', uid)]",
        "[('company_id', 'in', company_ids)]",
        "[('create_date', '>=', context_today().strftime('%Y-%m-%d'))]",
        "[('create_date', '>=', (context_today() + relativedelta(days=-1))"
        ".strftime('%Y-%m-%d'))]",
        "[('create_date', '>=', datetime.datetime.combine(context_today() + "
        "relativedelta(days=-1), datetime.time(0, 0, 0)).to_utc()"
        ".strftime('%Y-%m-%d %H:%M:%S'))]",
        "[('create_date', '>=', time.strftime('%Y-01-01'))]",
        "['|', ('id', '=', -1), ('id', '=', 1 + 2)]",
    ],
)
def test_what_the_domain_editor_writes_passes(conditions, source):
    conditions.check(source)


@pytest.mark.parametrize(
    "source",
    [
        # computations that take the server's time
        "[('id', '=', 10**10**8)]",
        "[('name', '=', 'x' * 1000000000)]",
        "[('id', 'in', range(10**9))]",
        "[('id', '=', 1 if uid else 2)]",
        "[('id', '=', time.sleep(60))]",
        "[('id', '=', 99999999999999999999999)]",
        # code: records, classes, modules, the database
        "[('id', '!=', user.sudo().write({'groups_id': [(4, 1)]}))]",
        "[('id', '=', uid.__class__)]",
        "[('id', '=', context_today().__class__.__subclasses__())]",
        "[('id', '=', datetime.datetime.now().__class__)]",
        "[('id', '=', env.cr.execute('SELECT 1'))]",
        "[('id', '=', datetime.sys)]",
        "[('id', '=', __import__('os').system('true'))]",
        "[('id', '=', [x for x in (1,)])]",
        "[('id', '=', lambda: 1)]",
        "[('id', '=', {'a': 1}['a'])]",
    ],
)
def test_attacks_are_forbidden(conditions, source):
    with pytest.raises(conditions.Forbidden) as info:
        conditions.check(source)
    assert len(info.value.expression) <= 80


@pytest.mark.parametrize(
    "source",
    [
        # nesting and length that exhaust the parser
        "[('id', '=', " + "[" * 500 + "]" * 500 + ")]",
        "[('id', '=', 1" + "+1" * 20000 + ")]",
        "[('id', '=', ",
    ],
)
def test_what_python_cannot_read_is_refused(conditions, source):
    with pytest.raises(conditions.Refused):
        conditions.check(source)


def test_too_long_is_refused_before_parsing(conditions):
    source = "[('name', '=', '" + "x" * conditions.MAX_LENGTH + "')]"
    with pytest.raises(conditions.TooLong):
        conditions.check(source)


def test_deep_nesting_is_unparsable_not_a_server_error(conditions):
    with pytest.raises(conditions.Unparsable) as info:
        conditions.check("[('id', '=', " + "[" * 500 + "]" * 500 + ")]")
    assert isinstance(info.value.error, RecursionError | MemoryError | SyntaxError)
    # a long chain within the length exhausts the parser: refused all the same
    with pytest.raises(conditions.Unparsable):
        conditions.check("[('id', '=', 1" + "+1" * 4000 + ")]")


class _FixedOffset(datetime.tzinfo):
    """A pytz-like time zone two hours ahead of UTC (``localize``)."""

    def utcoffset(self, dt):
        return datetime.timedelta(hours=2)

    def dst(self, dt):
        return datetime.timedelta(0)

    def localize(self, dt):
        return dt.replace(tzinfo=self)


def test_eval_context_holds_only_the_allowed_names(conditions):
    context = conditions.eval_context(
        uid=7,
        company_id=1,
        company_ids=(1, 2),
        context_today=lambda: datetime.date(2026, 12, 4),
        tz=_FixedOffset(),
        relativedelta=None,
    )
    assert set(context) <= conditions.NAMES
    assert context["uid"] == 7
    assert context["company_ids"] == [1, 2]
    namespace = vars(context["datetime"])
    assert set(namespace) <= conditions.ATTRIBUTES


def test_to_utc_reads_the_user_time_zone(conditions):
    context = conditions.eval_context(
        uid=1,
        company_id=1,
        company_ids=[1],
        context_today=datetime.date.today,
        tz=_FixedOffset(),
        relativedelta=None,
    )
    midnight = context["datetime"].datetime.combine(
        datetime.date(2026, 12, 4), datetime.time(0, 0, 0)
    )
    assert midnight.to_utc() == datetime.datetime(2026, 12, 3, 22, 0, 0)
