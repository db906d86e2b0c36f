# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What the bench scripts share: timing a step with what it leaves to flush,
and counting its queries. Imported by the scripts from this folder (put on
``sys.path``); not a script itself."""

import time


def timed(env, func):
    """Seconds ``func()`` takes, caches emptied before and everything it
    leaves to write flushed after."""
    return measured(env, func)[0]


def measured(env, func, precommit=False):
    """``(seconds, queries)`` of ``func()`` as ``timed`` measures it;
    ``precommit``: with what the commit of the request would still do (the
    chatter's tracking messages)."""
    flush = env.cr.flush if precommit else env.flush_all
    flush()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    func()
    flush()
    return time.perf_counter() - start, env.cr.sql_log_count - queries
