"""Multi-stage area designs (strata, stages of any depth, certainty units) drawn from a frame.

A frame is the list of administrative units of one province down to villages, each with a parent,
a level and size measures. A design names the stages (e.g. district -> commune -> village), how
many units each selected parent (or each first-stage stratum) contributes, which units are taken
with certainty, and how respondents are drawn inside the last-stage units.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

import numpy as np

from survey.domain.sampling import METHODS, SamplingError, systematic_pps

SIZE_MEASURES = ("population", "households")
CERTAINTY_RULES = ("flagged", "largest", "none")


@dataclass(frozen=True)
class FrameUnit:
    """One row of a sampling frame; sizes may be left out above the last level (then summed)."""

    code: str
    name: str
    parent: str | None
    level: str
    population: float | None = None
    households: float | None = None
    urban: bool | None = None
    certainty: bool = False
    stratum: str | None = None


@dataclass(frozen=True)
class Stage:
    """One stage: the level drawn, units per selected parent (or per stratum at stage 1).

    ``certainty``: "flagged" takes the units flagged in the frame, "largest" the largest unit of
    each group (the first in frame order among equals), "none" neither; units larger than the
    sampling interval are taken with certainty in every case.
    """

    level: str
    n: int
    certainty: str = "flagged"
    size: str = "population"
    # "error": a parent with fewer units than n is refused; "all": all its units are taken.
    short: str = "error"
    # "random": the systematic pass runs over the group in a random order (Hartley and Rao 1962),
    # so the with-replacement variance estimator stays honest; "frame": in frame order, for
    # implicit stratification by the frame's geographic order.
    order: str = "random"


@dataclass(frozen=True)
class RespondentRule:
    """How people are drawn from a last-stage unit's listing: PAPI 20 drawn for a quota of 16."""

    method: str = "simple"
    drawn: int = 20
    quota: int = 16


@dataclass(frozen=True)
class DesignSpec:
    """A multi-stage design: stages top-down, first-stage allocation by stratum, respondent rule."""

    stages: tuple[Stage, ...]
    respondents: RespondentRule = RespondentRule()
    strata: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict) -> DesignSpec:
        """Build a spec from its JSON form, refusing unknown or invalid settings."""
        if not isinstance(data, dict) or not data.get("stages"):
            raise _spec_error("thiết kế cần danh sách 'stages' không rỗng",
                              "the design needs a non-empty list 'stages'")
        try:
            stages = tuple(Stage(**stage) for stage in data["stages"])
            respondents = RespondentRule(**data.get("respondents", {}))
            strata = {str(k): v for k, v in (data.get("strata") or {}).items()}
        except TypeError as error:
            raise _spec_error(f"thiết lập không hợp lệ: {error}", f"invalid setting: {error}") from None
        spec = cls(stages, respondents, strata)
        spec.check()
        return spec

    def to_dict(self) -> dict:
        """Return the JSON form."""
        return {"stages": [asdict(stage) for stage in self.stages],
                "respondents": asdict(self.respondents), "strata": dict(self.strata)}

    def check(self) -> None:
        """Raise SamplingError when a setting is out of range."""
        levels = [stage.level for stage in self.stages]
        if len(set(levels)) != len(levels):
            raise _spec_error("mỗi cấp chỉ được là một giai đoạn", "each level may be one stage only")
        for stage in self.stages:
            if not isinstance(stage.n, int) or stage.n < 1:
                raise _spec_error(f"{stage.level}: n phải là số nguyên dương",
                                  f"{stage.level}: n must be a positive integer")
            if stage.certainty not in CERTAINTY_RULES or stage.size not in SIZE_MEASURES:
                raise _spec_error(
                    f"{stage.level}: certainty thuộc {CERTAINTY_RULES}, size thuộc {SIZE_MEASURES}",
                    f"{stage.level}: certainty must be one of {CERTAINTY_RULES}, size one of "
                    f"{SIZE_MEASURES}")
            if stage.short not in ("error", "all") or stage.order not in ("random", "frame"):
                raise _spec_error(f"{stage.level}: short là 'error'|'all', order là 'random'|'frame'",
                                  f"{stage.level}: short must be 'error'|'all', order 'random'|'frame'")
        for name, count in self.strata.items():
            if not isinstance(count, int) or count < 1:
                raise _spec_error(f"tầng {name}: số đơn vị phải là số nguyên dương",
                                  f"stratum {name}: the count must be a positive integer")
        rule = self.respondents
        if rule.method not in METHODS or not 1 <= rule.quota <= rule.drawn:
            raise _spec_error("người trả lời: method simple|systematic và 1 <= quota <= drawn",
                              "respondents: method simple|systematic and 1 <= quota <= drawn")


def _spec_error(vi: str, en: str) -> SamplingError:
    return SamplingError("design", vi, en)


@dataclass(frozen=True)
class Selection:
    """A unit selected at one stage, with its probability given its selected parent.

    ``group_units``, ``group_selected`` and ``group_size`` describe the group it was drawn from
    (the units of its stratum at stage 1, of its parent later): the population count ``N`` for a
    finite population correction, the number selected ``n`` and the total size ``X``.
    """

    stage: int
    level: str
    code: str
    parent: str | None
    stratum: str
    size: float
    probability: float
    certainty: str | None
    group_units: int
    group_selected: int
    group_size: float


class Frame:
    """A validated frame: codes unique, parents known, sizes summed up the tree where missing."""

    def __init__(self, units: list[FrameUnit]) -> None:
        self.units = {unit.code: unit for unit in units}
        self.order = {unit.code: position for position, unit in enumerate(units)}
        if len(self.units) != len(units):
            raise SamplingError("duplicate_code", "khung mẫu có mã trùng nhau",
                                "the frame has duplicate codes")
        self.children: dict[str | None, list[str]] = defaultdict(list)
        for unit in units:
            if unit.parent is not None and unit.parent not in self.units:
                raise SamplingError(
                    "unknown_parent", f"{unit.code}: đơn vị cha {unit.parent} không có trong khung",
                    f"{unit.code}: parent {unit.parent} is not in the frame")
            self.children[unit.parent].append(unit.code)
        self._sizes: dict[tuple[str, str], float] = {}
        self._check_tree()

    def _check_tree(self) -> None:
        """Refuse parent links that go round in a circle (every unit must lead up to a root)."""
        reaching: set[str] = set()
        for code in self.units:
            seen = []
            while code is not None and code not in reaching:
                if code in seen:
                    raise SamplingError("cycle", f"{code}: mã cha tạo thành vòng lặp",
                                        f"{code}: the parent codes go round in a circle")
                seen.append(code)
                code = self.units[code].parent
            reaching.update(seen)

    def size(self, code: str, measure: str) -> float:
        """Return a unit's size: its own value, else the sum over its children."""
        key = (code, measure)
        if key not in self._sizes:
            own = getattr(self.units[code], measure)
            children = self.children.get(code, [])
            if own is None and not children:
                raise SamplingError(
                    "size_missing", f"{code}: thiếu quy mô ({measure})",
                    f"{code}: the size ({measure}) is missing")
            self._sizes[key] = float(own) if own is not None else sum(
                self.size(child, measure) for child in children)
        return self._sizes[key]

    def descendants(self, code: str | None, level: str) -> list[str]:
        """Return the units of ``level`` below ``code`` (all of them for None), in frame order."""
        found, pending = [], list(self.children.get(code, []))
        while pending:
            current = pending.pop()
            if self.units[current].level == level:
                found.append(current)
            else:
                pending.extend(self.children.get(current, []))
        return sorted(found, key=self.order.__getitem__)

    def path(self, code: str) -> list[str]:
        """Return the codes from the root down to ``code``."""
        codes = [code]
        while self.units[codes[-1]].parent is not None:
            codes.append(self.units[codes[-1]].parent)
        return codes[::-1]


def draw_stages(frame: Frame, spec: DesignSpec, root: str | None,
                rng: np.random.Generator) -> list[Selection]:
    """Draw every stage of ``spec`` below ``root`` and return the selections, stage by stage.

    Groups are processed in frame order (strata sorted by name at stage 1), so one seed always
    gives the same sample.
    """
    first = spec.stages[0]
    by_stratum: dict[str, list[str]] = defaultdict(list)
    for code in frame.descendants(root, first.level):
        by_stratum[frame.units[code].stratum or ""].append(code)
    if not by_stratum:
        raise SamplingError("no_units", f"khung không có đơn vị cấp {first.level}",
                            f"the frame has no units of level {first.level}")
    unknown = set(spec.strata) - set(by_stratum)
    if unknown:
        raise SamplingError("unknown_stratum", f"tầng không có trong khung: {sorted(unknown)}",
                            f"strata not in the frame: {sorted(unknown)}")
    selections: list[Selection] = []
    for stratum in sorted(by_stratum):
        count = spec.strata.get(stratum, first.n)
        selections += _draw_group(frame, 1, first, by_stratum[stratum], count, None, stratum, rng)
    for number, stage in enumerate(spec.stages[1:], start=2):
        parents = [s for s in selections if s.stage == number - 1]
        for parent in parents:
            units = frame.descendants(parent.code, stage.level)
            if not units:
                raise SamplingError(
                    "no_units", f"{parent.code}: không có đơn vị cấp {stage.level} bên dưới",
                    f"{parent.code}: no units of level {stage.level} below it")
            selections += _draw_group(frame, number, stage, units, stage.n, parent.code,
                                      parent.stratum, rng)
    return selections


def _draw_group(frame: Frame, number: int, stage: Stage, codes: list[str], count: int,
                parent: str | None, stratum: str, rng: np.random.Generator) -> list[Selection]:
    """Draw ``count`` of ``codes`` by systematic PPS and describe every selected unit."""
    where = parent or (f"tầng {stratum}" if stratum else "khung")
    where_en = parent or (f"stratum {stratum}" if stratum else "the frame")
    if count > len(codes):
        if stage.short == "error":
            raise SamplingError(
                "too_many", f"{where}: cần chọn {count} đơn vị {stage.level} nhưng chỉ có {len(codes)}",
                f"{where_en}: {count} units of level {stage.level} to select but only {len(codes)}")
        count = len(codes)
    sizes = np.array([frame.size(code, stage.size) for code in codes])
    flagged = np.array([stage.certainty == "flagged" and frame.units[c].certainty for c in codes])
    empty = [code for code, size, flag in zip(codes, sizes, flagged) if size <= 0 and not flag]
    if empty:
        raise SamplingError(
            "size_zero", f"{where}: quy mô bằng 0, không thể chọn theo PPS: {', '.join(empty)}",
            f"{where_en}: size 0, never selectable by PPS: {', '.join(empty)}")
    reasons = np.where(flagged, "flagged", "size").astype(object)
    if stage.certainty == "largest":
        flagged[int(np.argmax(sizes))] = True
        reasons[int(np.argmax(sizes))] = "largest"
    order = rng.permutation(len(codes)) if stage.order == "random" else np.arange(len(codes))
    try:
        result = systematic_pps(sizes[order], count, rng=rng, certain=flagged[order])
    except SamplingError as error:
        raise SamplingError(error.code, f"{where}: {error.message_vi}",
                            f"{where_en}: {error.message_en}") from None
    chosen = sorted(int(order[i]) for i in result.selected)
    probabilities = np.empty(len(codes))
    probabilities[order] = result.probabilities
    certain = np.empty(len(codes), bool)
    certain[order] = result.certain
    return [
        Selection(
            stage=number, level=stage.level, code=codes[i], parent=parent, stratum=stratum,
            size=float(sizes[i]), probability=float(probabilities[i]),
            certainty=str(reasons[i]) if certain[i] else None,
            group_units=len(codes), group_selected=count, group_size=float(sizes.sum()))
        for i in chosen
    ]
