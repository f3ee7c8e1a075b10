"""The columns of a response export spanning every published version of one questionnaire.

Order: response metadata, the household-survey design columns, then one column per item code in the
order items are first seen going through the versions oldest first (an item added later comes after
the items of the first version; an item removed later keeps its column, empty for newer versions). A
multiple-choice item gives its space-joined codes and one 0/1 column per option, ``code__option``.
Items marked ``pii`` never get a column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from survey.domain.model import Item, Questionnaire

META_COLUMNS = (
    ("uuid", "text", "Mã phản hồi (UUID)", "Response id (UUID)"),
    ("questionnaire_version", "text", "Phiên bản bảng hỏi", "Questionnaire version"),
    ("channel", "text", "Kênh", "Channel"),
    ("link_kind", "text", "Loại liên kết QR", "QR link kind"),
    ("unit", "text", "Mã đơn vị", "Unit code"),
    ("service", "text", "Mã thủ tục", "Service code"),
    ("local_date", "date", "Ngày (giờ Việt Nam)", "Day (Viet Nam time)"),
    ("submitted_at", "text", "Thời điểm gửi (UTC, ISO 8601)", "Submitted at (UTC, ISO 8601)"),
    ("status", "text", "Trạng thái", "Status"),
    ("counted", "integer", "Được tính (1/0)", "Counted (1/0)"),
    ("flags", "text", "Cờ kiểm tra", "Integrity flags"),
    ("superseded_by", "text", "Đã được thay bằng bản sửa (UUID)", "Superseded by the revision (UUID)"),
)
DESIGN_COLUMNS = (
    ("weight", "number", "Trọng số", "Weight"),
    ("strata", "text", "Tầng", "Stratum"),
    ("psu", "text", "Đơn vị mẫu cấp 1 (PSU)", "Primary sampling unit"),
    ("fpc", "number", "Hệ số hiệu chỉnh tổng thể hữu hạn", "Finite population correction"),
)
_ITEM_TYPES = {
    "likert5": "integer", "integer": "integer", "decimal": "number", "date": "date",
    "choice": "code", "yes_no": "code", "text": "text", "multi_choice": "text",
}
YES_NO_LABELS = (("yes", "Có", "Yes"), ("no", "Không", "No"))


@dataclass(frozen=True)
class Column:
    """One export column: where its value comes from, its type, labels and value labels.

    ``source`` is "meta", "design", "item" (the answer), "multi" (space-joined codes) or "option" (0/1).
    ``type`` is "text", "integer", "number", "date" or "code" (a choice code, text in CSV/XLSX).
    ``values`` are (value, label_vi, label_en) for choice-like items.
    """

    name: str
    source: str
    type: str
    label_vi: str
    label_en: str
    item: str | None = None
    option: str | None = None
    values: tuple[tuple[int | str, str, str], ...] = ()


@dataclass(frozen=True)
class Layout:
    """The columns of an export and, per version, which items and options it asked."""

    code: str
    columns: tuple[Column, ...]
    versions: tuple[str, ...]
    items_by_version: dict[str, frozenset[str]] = field(default_factory=dict)
    options_by_version: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """Return the column names in order."""
        return [column.name for column in self.columns]


def build_layout(code: str, versions: list[Questionnaire]) -> Layout:
    """Return the layout of ``versions`` (oldest first) of the questionnaire ``code``."""
    columns = [Column(name, "meta", kind, vi, en) for name, kind, vi, en in META_COLUMNS]
    columns += [Column(name, "design", kind, vi, en) for name, kind, vi, en in DESIGN_COLUMNS]
    first_seen: dict[str, Item] = {}
    types: dict[str, set[str]] = {}
    choices: dict[str, dict[int | str, tuple[str, str]]] = {}
    for questionnaire in versions:
        for item in questionnaire.items:
            if item.pii:
                continue
            first_seen.setdefault(item.code, item)
            types.setdefault(item.code, set()).add(item.type)
            known = choices.setdefault(item.code, {})
            for value, vi, en in _choice_labels(item):
                known.setdefault(value, (vi, en))
    for item_code, item in first_seen.items():
        columns.extend(_item_columns(item, types[item_code], choices[item_code]))
    return Layout(
        code, tuple(columns), tuple(q.version for q in versions),
        {q.version: frozenset(i.code for i in q.items if not i.pii) for q in versions},
        {q.version: {i.code: frozenset(str(c.value) for c in i.choices)
                     for i in q.items if i.type == "multi_choice"} for q in versions},
    )


def _choice_labels(item: Item) -> list[tuple[int | str, str, str]]:
    """Return (value, label_vi, label_en) of a choice-like item."""
    if item.type == "yes_no":
        return list(YES_NO_LABELS)
    return [(choice.value, choice.label.get("vi"), choice.label.get("en")) for choice in item.choices]


def _item_columns(item: Item, types: set[str], values: dict) -> list[Column]:
    """Return the columns of one item (several for a multiple choice)."""
    vi, en = item.label.get("vi"), item.label.get("en")
    labelled = tuple((value, lv, le) for value, (lv, le) in values.items())
    if types == {"multi_choice"}:
        head = Column(item.code, "multi", "text", vi, en, item.code, values=labelled)
        return [head] + [
            Column(f"{item.code}__{value}", "option", "integer", f"{vi}: {lv}", f"{en}: {le}",
                   item.code, str(value))
            for value, lv, le in labelled
        ]
    if len(types) > 1:
        # The item changed type between versions: text is the one form that holds every value.
        return [Column(item.code, "item", "text", vi, en, item.code)]
    return [Column(item.code, "item", _ITEM_TYPES[item.type], vi, en, item.code, values=labelled)]
