# Copyright 2026 CRM Workflow Guide contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Benchmark: importing one guide file of 50 guides.

Run by hand inside ``odoo shell`` (``python3 tools/dev.py bench guide_import``
does it for you). The file holds 50 opportunity guides of 12 stages with 8
steps each (4,800 steps), every text in English, Dutch, Norwegian, Danish and
Swedish. It prints, best of ``BENCH_ROUNDS``, in the same run:

1. the import (``crm.guide.import.wizard.action_import``: reading and
   checking the file, resolving its references, creating the guides and
   writing their translations) against creating the same guides from the
   same data with one ``crm.guide.create`` call per guide, references
   already resolved (target <= 1.5);
2. the export of the 50 guides: queries and time, against the export of
   one guide (the number of queries does not grow with the guides).

Nothing is committed.
"""

import base64
import time
import uuid

from odoo.addons.crm_workflow_guide.crm_guides import guide_file

GUIDES = int(globals().get("BENCH_RECORDS", 50))
if GUIDES > 500:  # the default --records of the bench command is for records
    GUIDES = 50
ROUNDS = int(globals().get("BENCH_ROUNDS", 3))
STAGES, STEPS = 12, 8
LANGS = ["en_US", "nl_NL", "nb_NO", "da_DK", "sv_SE"]

env = env(context=dict(env.context, tracking_disable=True))  # noqa: F821 (odoo shell)
for lang in LANGS[1:]:
    env["res.lang"]._activate_lang(lang)
team = env["crm.team"].create({"name": f"Bench import team {time.time()}"})
stages = env["crm.stage"].create(
    [
        {"name": f"Bench stage {index}", "sequence": 200 + index, "team_id": team.id}
        for index in range(STAGES)
    ]
)
types = [
    env.ref(xmlid)
    for xmlid in (
        "mail.mail_activity_data_call",
        "mail.mail_activity_data_meeting",
        "mail.mail_activity_data_todo",
        "mail.mail_activity_data_email",
    )
]


TYPE_REFS = [
    {"xmlid": t.get_external_id()[t.id], "name": t.with_context(lang="en_US").name}
    for t in types
]


def text(label):
    return {lang: f"{label} ({lang})" for lang in LANGS}


def html(label):
    return {lang: f"<p>{label} ({lang})</p>" for lang in LANGS}


def make_document():
    guides = []
    for g in range(GUIDES):
        guide_stages = []
        for s, stage in enumerate(stages):
            steps = [
                {
                    "key": f"step-{t}",
                    "sequence": t,
                    "name": text(f"Step {g}.{s}.{t}"),
                    "purpose": text(f"Why step {t}"),
                    "kind": "activity",
                    "auto_schedule": t % 2 == 0,
                    "is_required": t == 0,
                    "activity_type": TYPE_REFS[t % 4],
                    "delay_count": t,
                    "delay_unit": "days",
                    "responsible_type": "salesperson",
                }
                for t in range(STEPS)
            ]
            guide_stages.append(
                {
                    "key": f"stage-{s}",
                    "sequence": s,
                    "name": text(f"Stage {s}"),
                    "guidance": html(f"Guidance of stage {s}"),
                    "is_blocking": s % 3 == 0,
                    "rotting_days": s,
                    "stage": {"name": stage.name, "sequence": stage.sequence},
                    "steps": steps,
                }
            )
        guides.append(
            {
                "key": str(uuid.uuid4()),
                "name": text(f"Bench guide {g}"),
                "description": html(f"Bench guide {g}"),
                "res_model": "crm.lead",
                "sequence": 100 + g,
                "teams": [{"name": team.name}],
                "stages": guide_stages,
            }
        )
    return {
        "format": guide_file.FORMAT,
        "format_version": guide_file.FORMAT_VERSION,
        "languages": LANGS,
        "guides": guides,
    }


def create_vals(entry):
    """The same guide as ``crm.guide.create`` values, references resolved."""
    type_ids = {ref["name"]: t.id for ref, t in zip(TYPE_REFS, types, strict=True)}
    return {
        "name": entry["name"]["en_US"],
        "description": entry["description"]["en_US"],
        "res_model": "crm.lead",
        "sequence": entry["sequence"],
        "team_ids": [(6, 0, team.ids)],
        "guide_stage_ids": [
            (
                0,
                0,
                {
                    "sequence": stage["sequence"],
                    "name": stage["name"]["en_US"],
                    "guidance": stage["guidance"]["en_US"],
                    "is_blocking": stage["is_blocking"],
                    "rotting_days": stage["rotting_days"],
                    "stage_id": stages[index].id,
                    "step_ids": [
                        (
                            0,
                            0,
                            {
                                "sequence": step["sequence"],
                                "name": step["name"]["en_US"],
                                "purpose": step["purpose"]["en_US"],
                                "kind": step["kind"],
                                "auto_schedule": step["auto_schedule"],
                                "is_required": step["is_required"],
                                "activity_type_id": type_ids[
                                    step["activity_type"]["name"]
                                ],
                                "delay_count": step["delay_count"],
                                "delay_unit": step["delay_unit"],
                            },
                        )
                        for step in stage["steps"]
                    ],
                },
            )
            for index, stage in enumerate(entry["stages"])
        ],
    }


def measure(func):
    best = None
    for _round in range(ROUNDS):
        with env.cr.savepoint(flush=False) as savepoint:
            env.invalidate_all()
            start = time.perf_counter()
            func()
            env.flush_all()
            elapsed = time.perf_counter() - start
            savepoint.rollback()
        env.invalidate_all()
        env.registry.clear_cache()
        best = elapsed if best is None else min(best, elapsed)
    return best


document = make_document()
data = guide_file.dump(document)
print(
    f"file: {GUIDES} guides x {STAGES} stages x {STEPS} steps, "
    f"{len(LANGS)} languages, {len(data) / 1e6:.1f} MB"
)


def import_file():
    wizard = env["crm.guide.import.wizard"].create(
        {"file": base64.b64encode(data), "filename": "bench.json"}
    )
    wizard.action_import()
    assert len(wizard.guide_ids) == GUIDES


def create_guides():
    Guide = env["crm.guide"].with_context(lang="en_US")
    for entry in document["guides"]:
        Guide.create(create_vals(entry))


created = measure(create_guides)
imported = measure(import_file)
print(f"create, one crm.guide.create per guide: {created:.2f} s")
print(f"import of the file:                     {imported:.2f} s")
print(f"ratio import / create: {imported / created:.2f} (target <= 1.5)")

with env.cr.savepoint(flush=False) as savepoint:
    import_file()
    guides = env["crm.guide"].search([("team_ids", "in", team.ids)])
    counts = {}
    for label, subset in (("1 guide", guides[:1]), (f"{len(guides)} guides", guides)):
        subset._guide_export_data()  # keys given once
        env.invalidate_all()
        count0 = env.cr.sql_log_count
        start = time.perf_counter()
        subset._guide_export_data()
        counts[label] = (env.cr.sql_log_count - count0, time.perf_counter() - start)
    for label, (queries, seconds) in counts.items():
        print(f"export of {label}: {queries} queries, {seconds:.2f} s")
    savepoint.rollback()
