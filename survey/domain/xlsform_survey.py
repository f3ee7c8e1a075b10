"""Turn the rows of an XLSForm ``survey`` sheet into hailong sections and items.

Groups become sections; rows outside any group form sections of their own. What hailong cannot
represent is reported as a problem naming the row (repeats, calculations, locations, media ...), never
dropped; notes and ODK's metadata rows (start, end, deviceid ...) carry no answer and are skipped
with a warning.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from survey.domain.problems import ProblemLog
from survey.domain.xlsform_format import (
    DIMENSION_COLUMN, INLINE_COLUMN, INLINE_MARK, MAX_COLUMN, MIN_COLUMN, PII_COLUMN, ROLE_COLUMN,
    SCORE_COLUMN, TYPE_COLUMN, flag_value, number_value,
)
from survey.domain.xlsform_sheets import Row, Sheet, warn_unused

PLAIN_TYPES = {"integer": "integer", "int": "integer", "decimal": "decimal", "text": "text",
               "string": "text", "date": "date"}
SELECT_PREFIXES = (("select_one", "choice"), ("select one", "choice"),
                   ("select_multiple", "multi_choice"), ("select multiple", "multi_choice"),
                   ("select all that apply", "multi_choice"))
# What each select type may be declared as in the hailong_type column.
REFINED_TYPES = {"choice": ("choice", "likert5", "yes_no"), "multi_choice": ("multi_choice",)}
METADATA_TYPES = frozenset({
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username",
    "email", "audit", "instanceid",
})
WHY_UNSUPPORTED = {
    "calculate": "calculated fields are not supported: compute the value in the analysis instead",
    "begin repeat": "repeat groups are not supported: a hailong response holds one answer per item",
    "geopoint": "locations are not collected by hailong",
    "geotrace": "locations are not collected by hailong",
    "geoshape": "locations are not collected by hailong",
    "start-geopoint": "locations are not collected by hailong",
    "image": "photos and files are not collected by hailong",
    "audio": "recordings are not collected by hailong",
    "background-audio": "recordings are not collected by hailong",
    "video": "recordings are not collected by hailong",
    "file": "photos and files are not collected by hailong",
    "time": "only dates are supported (type date)",
    "datetime": "only dates are supported (type date)",
    "range": "use integer with hailong_min/hailong_max, or a select_one with hailong_type likert5",
    "rank": "use select_multiple, or one select_one per option",
    "acknowledge": "use a select_one with hailong_type yes_no",
    "select_one_from_file": "choices must be listed in the choices sheet, not in an external file",
    "select_multiple_from_file": "choices must be listed in the choices sheet, not in an external file",
    "select_one_external": "choices must be listed in the choices sheet, not in an external file",
}
GROUP_ALIASES = {"begin_group": "begin group", "end_group": "end group",
                 "begin_repeat": "begin repeat", "end_repeat": "end repeat"}
KNOWN_COLUMNS = frozenset({
    "type", "name", "required", "relevant", "constraint", TYPE_COLUMN, DIMENSION_COLUMN,
    SCORE_COLUMN, ROLE_COLUMN, PII_COLUMN, MIN_COLUMN, MAX_COLUMN, INLINE_COLUMN,
})
KNOWN_TRANSLATED = ("label::", "hint::", "constraint_message::")
# Columns that change what a question accepts: hailong cannot honour them, so they are problems.
REFUSED_COLUMNS = {
    "choice_filter": "filtered choice lists (cascading selects) are not supported",
    "repeat_count": "repeat groups are not supported",
    "trigger": "answers recalculated from other answers are not supported",
}


@dataclass
class SurveyRows:
    """What the survey sheet holds, with the rows where each part came from."""

    sections: list[dict[str, Any]] = field(default_factory=list)
    item_rows: dict[str, Row] = field(default_factory=dict)
    section_rows: dict[str, Row] = field(default_factory=dict)
    section_starts: list[Row] = field(default_factory=list)
    section_item_rows: dict[str, list[Row]] = field(default_factory=dict)
    list_use: dict[str, set[str]] = field(default_factory=dict)
    inline_items: dict[str, str] = field(default_factory=dict)


class SurveyReader:
    """Read a survey sheet row by row, tracking the open group."""

    def __init__(self, log: ProblemLog, warnings: list[str], title: dict[str, str] | None) -> None:
        self.log = log
        self.warnings = warnings
        self.title = title
        self.result = SurveyRows()
        self.group: dict[str, Any] | None = None
        self.group_row: Row | None = None
        self.group_relevant: str | None = None
        self.nested = 0
        self.loose: dict[str, Any] | None = None
        self.taken: set[str] = set()

    def read(self, sheet: Sheet) -> SurveyRows:
        """Return the sections of the sheet; problems and warnings go to the log and list."""
        self.taken = {row.text("name") for row in sheet.rows if row.text("name")}
        for row in sheet.rows:
            self._row(row)
        if self.group is not None:
            self.log.add(self.group_row.where, f"group '{self.group['code']}' has no 'end group' row")
        warn_unused(sheet, KNOWN_COLUMNS | set(REFUSED_COLUMNS), KNOWN_TRANSLATED, self.warnings)
        return self.result

    def _row(self, row: Row) -> None:
        """Handle one row by its type."""
        for column, why in REFUSED_COLUMNS.items():
            if row.text(column) is not None:
                self.log.add(f"{row.where}, column '{column}'", why)
        raw_type = row.text("type")
        if raw_type is None:
            self.log.add(row.where, "the row has no type (a question needs type, name and label)")
            return
        kind = " ".join(raw_type.split())
        kind = GROUP_ALIASES.get(kind.lower(), kind)
        if kind.lower() == "begin group":
            self._begin_group(row)
        elif kind.lower() == "end group":
            self._end_group(row)
        elif kind.lower() == "end repeat":
            return  # its 'begin repeat' row was reported already
        elif kind.lower() == "note":
            self.warnings.append(f"{row.where}: note '{row.text('name')}' skipped (notes hold no answer)")
        elif kind.lower() in METADATA_TYPES:
            self.warnings.append(
                f"{row.where}: metadata '{kind}' skipped (hailong records times and devices itself)"
            )
        else:
            self._question(row, kind)

    def _begin_group(self, row: Row) -> None:
        """Open a section."""
        if self.group is not None:
            self.nested += 1
            self.log.add(
                row.where, f"group '{row.text('name')}' is inside group '{self.group['code']}': "
                "hailong sections are one level deep; close the outer group first",
            )
            return
        code = row.text("name")
        self.group = {"code": code, "label": row.labels("label") or None, "items": []}
        self.group_row = row
        self.group_relevant = row.text("relevant")
        self.loose = None
        self._add_section(self.group, row)

    def _end_group(self, row: Row) -> None:
        """Close the open section."""
        if self.nested:
            self.nested -= 1
        elif self.group is None:
            self.log.add(row.where, "'end group' without a matching 'begin group'")
        else:
            self.group = None
            self.group_relevant = None

    def _add_section(self, section: dict[str, Any], row: Row) -> None:
        """Record a new section and where it starts."""
        self.result.sections.append(section)
        self.result.section_starts.append(row)
        if section["code"] is not None:
            self.result.section_rows[section["code"]] = row
            self.result.section_item_rows[section["code"]] = []

    def _current_section(self, row: Row) -> dict[str, Any]:
        """Return the open group, or the section collecting rows outside any group."""
        if self.group is not None:
            return self.group
        if self.loose is None:
            n = 1
            while f"section_{n}" in self.taken:
                n += 1
            code = f"section_{n}"
            self.taken.add(code)
            self.loose = {"code": code, "label": self.title, "items": []}
            self._add_section(self.loose, row)
            self.warnings.append(
                f"{row.where}: questions outside any group form section '{code}', "
                "labelled with the form title"
            )
        return self.loose

    def _question(self, row: Row, raw_type: str) -> None:
        """Read one question row into an item of the current section."""
        item_type, list_name = self._type(row, raw_type)
        code = row.text("name")
        if code is None:
            self.log.add(row.where, f"the {raw_type} question has no name (its item code)")
            return
        if item_type is None:
            return
        item: dict[str, Any] = {"code": code, "type": item_type, "label": row.labels("label") or None}
        self._choices(row, item, list_name)
        self._flags(row, item)
        self._expressions(row, item)
        self._extras(row, item)
        section = self._current_section(row)
        section["items"].append({k: v for k, v in item.items() if v is not None})
        self.result.item_rows[code] = row
        if section["code"] is not None:
            self.result.section_item_rows[section["code"]].append(row)

    def _type(self, row: Row, raw_type: str) -> tuple[str | None, str | None]:
        """Return the hailong type and choice list of a question row, reporting unsupported types."""
        lowered = raw_type.lower()
        first = lowered.split(" ")[0]
        if first in WHY_UNSUPPORTED or lowered in WHY_UNSUPPORTED:
            why = WHY_UNSUPPORTED.get(lowered) or WHY_UNSUPPORTED[first]
            self.log.add(row.where, f"type '{raw_type}' ({row.text('name')}): {why}")
            return None, None
        base, list_name = self._base_type(lowered, raw_type)
        if base is None:
            self.log.add(
                row.where, f"type '{raw_type}' ({row.text('name')}) is not supported by hailong; use "
                "integer, decimal, text, date, select_one, select_multiple, begin/end group or note",
            )
            return None, None
        refined = row.text(TYPE_COLUMN)
        if refined is None or refined == base:
            return base, list_name
        if refined not in REFINED_TYPES.get(base, ()):
            self.log.add(row.where, f"hailong_type '{refined}' does not fit type '{raw_type}'")
            return None, None
        return refined, list_name

    def _base_type(self, lowered: str, raw_type: str) -> tuple[str | None, str | None]:
        """Return (type, list name) of a plain or select type; (None, None) if it is neither."""
        if lowered in PLAIN_TYPES:
            return PLAIN_TYPES[lowered], None
        for prefix, item_type in SELECT_PREFIXES:
            if lowered.startswith(prefix + " "):
                words = raw_type[len(prefix) + 1:].split()
                if len(words) == 2 and words[1].lower() == "or_other":
                    return None, None
                return (item_type, words[0]) if len(words) == 1 else (None, None)
        return None, None

    def _choices(self, row: Row, item: dict[str, Any], list_name: str | None) -> None:
        """Point the item at its choice list and record how the list is used."""
        if list_name is None:
            return
        self.result.list_use.setdefault(list_name, set()).add(item["type"])
        mark = row.text(INLINE_COLUMN)
        if mark == INLINE_MARK:
            self.result.inline_items[item["code"]] = list_name
        elif mark is not None:
            self.log.add(row.where, f"hailong_choices must be empty or '{INLINE_MARK}', not '{mark}'")
        if item["type"] != "yes_no":
            item["choices"] = list_name

    def _flags(self, row: Row, item: dict[str, Any]) -> None:
        """Read the yes/no columns 'required' and 'hailong_pii'."""
        for column, key in (("required", "required"), (PII_COLUMN, "pii")):
            value = flag_value(row.cells.get(column))
            if value is None:
                self.log.add(
                    f"{row.where}, item '{item['code']}'",
                    f"{column} must be yes or no (or true/false, 1/0), not '{row.text(column)}'"
                    + ("; conditional requirements are not supported" if column == "required" else ""),
                )
            elif value:
                item[key] = True

    def _expressions(self, row: Row, item: dict[str, Any]) -> None:
        """Read relevance (and the group's relevance) and the constraint with its message."""
        relevant = row.text("relevant")
        if self.group_relevant and relevant:
            relevant = f"({self.group_relevant}) and ({relevant})"
        item["relevant"] = relevant or self.group_relevant
        item["constraint"] = row.text("constraint")
        item["constraint_message"] = row.labels("constraint_message") or None
        item["hint"] = row.labels("hint") or None

    def _extras(self, row: Row, item: dict[str, Any]) -> None:
        """Read hailong's columns: dimension, score, role and numeric bounds."""
        where = f"{row.where}, item '{item['code']}'"
        item["dimension"] = row.text(DIMENSION_COLUMN)
        item["role"] = row.text(ROLE_COLUMN)
        score = row.text(SCORE_COLUMN)
        if score is not None:
            try:
                item["score"] = json.loads(score)
            except json.JSONDecodeError as error:
                self.log.add(where, f"hailong_score is not valid JSON ({error.msg}): {score}")
        for column, key in ((MIN_COLUMN, "min"), (MAX_COLUMN, "max")):
            try:
                item[key] = number_value(row.cells.get(column))
            except ValueError:
                self.log.add(where, f"{column} must be a number, not '{row.text(column)}'")
