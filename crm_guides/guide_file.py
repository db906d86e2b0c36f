"""The guide file: reading and checking it, without Odoo.

A guide file is JSON (UTF-8, at most ``MAX_BYTES``)::

    {"format": "crm_workflow_guide", "format_version": 1,
     "languages": ["en_US", "nl_NL"],
     "guides": [{"key": "...", "name": {"en_US": "...", "nl_NL": "..."},
                 "res_model": "crm.lead", "stages": [...]}, ...]}

Everything here is plain data: the file is parsed with ``json`` and checked
key by key against the schema below, and nothing in it is ever evaluated.
Unknown keys, wrong types, unsafe HTML, unknown or newer format versions are
refused with a ``GuideFileError`` naming the place in the file
(``guides[0].stages[2].guidance.nl_NL``); the Odoo side turns its code into a
translated message. References to records outside the guide (pipeline
stages, activity types, teams, users, e-mail templates, reports) are objects
with the record's XML id and its name; resolving them is the Odoo side's job.
"""

import json
import re

FORMAT = "crm_workflow_guide"
FORMAT_VERSION = 1
MAX_BYTES = 10 * 1024 * 1024
LANG_RE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?(@[a-z]+)?$")
XMLID_RE = re.compile(r"^[A-Za-z0-9_]+\.[A-Za-z0-9_.\-]+$")
# what a guide's HTML never needs: scripts, frames, forms, styles, event
# handlers and javascript: links (Odoo's sanitizer would also strip them,
# but a file carrying them is refused outright)
UNSAFE_HTML_RE = re.compile(
    r"<\s*/?\s*(script|iframe|frame|object|embed|style|link|meta|base|form)\b"
    r"|<[^>]*\son[a-z]+\s*="
    r"|javascript\s*:"
    r"|vbscript\s*:",
    re.IGNORECASE,
)
MAX_TEXT = 100_000


class GuideFileError(Exception):
    """A file refused: ``code`` says why, ``place`` where (a JSON path),
    ``params`` the details the message needs."""

    def __init__(self, code, place="", **params):
        super().__init__(code, place, params)
        self.code = code
        self.place = place
        self.params = params


# ----------------------------------------------------------------------
# Schema: ("str",), ("int", minimum), ("bool",), ("text",) a translated
# plain text, ("htmltext",) a translated HTML text, ("html",) an HTML text,
# ("enum", values), ("list", item), ("obj", {key: (spec, required)}),
# ("percent",) a number from 0 to 100
# ----------------------------------------------------------------------

STR = ("str",)
INT = ("int", None)
COUNT = ("int", 0)
PERCENT = ("percent",)
BOOL = ("bool",)
TEXT = ("text",)
HTMLTEXT = ("htmltext",)
HTML = ("html",)


def _obj(required=(), **specs):
    return ("obj", {key: (spec, key in required) for key, spec in specs.items()})


REPORT_REF = _obj(("name",), xmlid=STR, name=STR)
TEMPLATE_REF = _obj(
    ("name",), xmlid=STR, name=STR, model=STR, reports=("list", REPORT_REF)
)
ACTIVITY_TYPE_REF = _obj(
    ("name",),
    xmlid=STR,
    name=STR,
    icon=STR,
    category=STR,
    limited_to_model=BOOL,
    mail_templates=("list", TEMPLATE_REF),
)
STEP_REPORT_REF = _obj(("report_name",), xmlid=STR, report_name=STR, name=STR)
STAGE_REF = _obj(("name",), xmlid=STR, name=STR, sequence=INT, fold=BOOL)
TEAM_REF = _obj(("name",), xmlid=STR, name=STR)
USER_REF = _obj(("login",), xmlid=STR, login=STR)
GUIDE_REF = _obj(("name",), key=STR, xmlid=STR, name=STR)

STEP = _obj(
    ("key", "name", "kind", "activity_type"),
    key=STR,
    sequence=INT,
    name=TEXT,
    purpose=TEXT,
    kind=("enum", ("activity", "document")),
    auto_schedule=BOOL,
    is_required=BOOL,
    activity_type=ACTIVITY_TYPE_REF,
    report=STEP_REPORT_REF,
    summary=STR,
    note=HTML,
    delay_count=COUNT,
    delay_unit=("enum", ("days", "weeks", "months")),
    delay_from=("enum", ("after_plan_date", "previous_step")),
    responsible_type=("enum", ("salesperson", "team_leader", "on_demand", "other")),
    responsible=USER_REF,
    completed_by=STR,
)
STAGE = _obj(
    ("key", "name"),
    key=STR,
    sequence=INT,
    name=TEXT,
    guidance=HTMLTEXT,
    is_blocking=BOOL,
    rotting_days=COUNT,
    stage=STAGE_REF,
    status_value=STR,
    order_state=STR,
    steps=("list", STEP),
)
GUIDE = _obj(
    ("key", "name", "res_model"),
    key=STR,
    name=TEXT,
    description=HTMLTEXT,
    res_model=STR,
    sequence=INT,
    color=INT,
    auto_advance=BOOL,
    expected_duration_days=COUNT,
    use_stakeholders=BOOL,
    shared=BOOL,
    teams=("list", TEAM_REF),
    quotation_guide=GUIDE_REF,
    quote_validity_days=COUNT,
    approval_max_discount=PERCENT,
    approval_min_margin=PERCENT,
    approval_user_rule=("enum", ("team_leader", "sales_manager", "user")),
    approval_user=USER_REF,
    approval_allow_self=BOOL,
    stages=("list", STAGE),
)
DOCUMENT = _obj(
    ("format", "format_version", "guides"),
    format=STR,
    format_version=INT,
    languages=("list", STR),
    guides=("list", GUIDE),
)


def _join(place, key):
    if isinstance(key, int):
        return f"{place}[{key}]"
    return f"{place}.{key}" if place else key


def _check_str(value, place):
    if not isinstance(value, str):
        raise GuideFileError("wrong_type", place, expected="text")
    if len(value) > MAX_TEXT:
        raise GuideFileError("too_long", place)
    if "\x00" in value:
        raise GuideFileError("bad_value", place)
    return value


def _check_html(value, place):
    _check_str(value, place)
    if UNSAFE_HTML_RE.search(value):
        raise GuideFileError("unsafe_html", place)
    return value


def _check_text(value, place, html):
    if not isinstance(value, dict):
        raise GuideFileError("wrong_type", place, expected="translations")
    if "en_US" not in value:
        raise GuideFileError("missing_english", place)
    for lang, text in value.items():
        if not LANG_RE.match(lang):
            raise GuideFileError("bad_language", _join(place, lang), lang=lang)
        (_check_html if html else _check_str)(text, _join(place, lang))
    return value


def _check_int(value, minimum, place):
    # bool is an int in Python: refuse it
    if not isinstance(value, int) or isinstance(value, bool):
        raise GuideFileError("wrong_type", place, expected="integer")
    if minimum is not None and value < minimum:
        raise GuideFileError("too_small", place, minimum=minimum)
    if abs(value) > 2**31 - 1:
        raise GuideFileError("too_large_number", place)
    return value


def _check_obj(value, specs, place):
    if not isinstance(value, dict):
        raise GuideFileError("wrong_type", place, expected="object")
    for key in value:
        if key not in specs:
            raise GuideFileError("unknown_key", _join(place, key), key=key)
    for key, (spec, required) in specs.items():
        if key in value and value[key] is not None:
            check(value[key], spec, _join(place, key))
        elif required:
            raise GuideFileError("missing_key", _join(place, key), key=key)
    return value


def check(value, spec, place=""):
    """Check ``value`` against ``spec`` (see the schema above); return it."""
    kind = spec[0]
    if kind == "str":
        return _check_str(value, place)
    if kind == "html":
        return _check_html(value, place)
    if kind in ("text", "htmltext"):
        return _check_text(value, place, html=kind == "htmltext")
    if kind == "int":
        return _check_int(value, spec[1], place)
    if kind == "bool":
        if not isinstance(value, bool):
            raise GuideFileError("wrong_type", place, expected="true/false")
        return value
    if kind == "percent":
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise GuideFileError("wrong_type", place, expected="number")
        if value < 0:
            raise GuideFileError("too_small", place, minimum=0)
        if value > 100:
            raise GuideFileError("too_large_number", place)
        return float(value)
    if kind == "enum":
        if value not in spec[1]:
            raise GuideFileError("bad_value", place, allowed=", ".join(spec[1]))
        return value
    if kind == "list":
        if not isinstance(value, list):
            raise GuideFileError("wrong_type", place, expected="list")
        for index, item in enumerate(value):
            check(item, spec[1], _join(place, index))
        return value
    return _check_obj(value, spec[1], place)


def _no_duplicates(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise GuideFileError("duplicate_key", key, key=key)
        result[key] = value
    return result


def _no_constant(name):
    raise GuideFileError("not_json", "", detail=name)


def _check_keys_unique(document):
    """Guide keys are unique in the file, stage keys in their guide, step
    keys in their stage (update in place matches them)."""
    seen = set()
    for g_index, guide in enumerate(document["guides"]):
        place = f"guides[{g_index}]"
        if guide["key"] in seen:
            raise GuideFileError("duplicate_guide", _join(place, "key"))
        seen.add(guide["key"])
        stage_keys = set()
        for s_index, stage in enumerate(guide.get("stages") or ()):
            s_place = f"{place}.stages[{s_index}]"
            if stage["key"] in stage_keys:
                raise GuideFileError("duplicate_guide", _join(s_place, "key"))
            stage_keys.add(stage["key"])
            step_keys = set()
            for t_index, step in enumerate(stage.get("steps") or ()):
                if step["key"] in step_keys:
                    raise GuideFileError(
                        "duplicate_guide", f"{s_place}.steps[{t_index}].key"
                    )
                step_keys.add(step["key"])


def _check_xmlids(value, place=""):
    """Every ``xmlid`` looks like ``module.name``."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "xmlid" and isinstance(item, str) and not XMLID_RE.match(item):
                raise GuideFileError("bad_xmlid", _join(place, key))
            _check_xmlids(item, _join(place, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_xmlids(item, _join(place, index))


def load(data):
    """The checked document of a guide file given as bytes."""
    if not isinstance(data, bytes | bytearray):
        raise GuideFileError("not_format")
    if len(data) > MAX_BYTES:
        raise GuideFileError("too_large", size=len(data), maximum=MAX_BYTES)
    try:
        text = bytes(data).decode("utf-8-sig")
        document = json.loads(
            text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant
        )
    except GuideFileError:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise GuideFileError("not_json", "", detail=str(error)[:200]) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise GuideFileError("not_format")
    version = document.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise GuideFileError("unknown_version", "format_version", version=version)
    if version > FORMAT_VERSION:
        raise GuideFileError(
            "newer_version", "format_version", version=version, known=FORMAT_VERSION
        )
    check(document, DOCUMENT)
    _check_xmlids(document)
    _check_keys_unique(document)
    return document


def dump(document):
    """The bytes of a guide file: sorted keys, two-space indent, one line
    per value, so two exports can be compared with a plain diff."""
    return (
        json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    ).encode("utf-8")
