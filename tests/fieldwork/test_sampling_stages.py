"""Multi-stage draws: probabilities per stage sum to n, certainty units, repeated draws, respondents."""

from __future__ import annotations

import numpy as np
import pytest

from survey.domain.sampling import SamplingError, draw_respondents
from survey.domain.sampling_design import DesignSpec, Frame, FrameUnit, draw_stages


def small_frame() -> Frame:
    """Return a province of 4 districts (D1 the capital), 2-3 communes each, 2-3 villages each."""
    units = [FrameUnit("P", "Tỉnh", None, "province")]
    sizes = {"D1": [[30, 20], [10, 10, 5]], "D2": [[8, 4], [6, 6]],
             "D3": [[5, 5, 2], [9, 3], [4, 4]], "D4": [[12, 6], [3, 3, 3]]}
    for district, communes in sizes.items():
        units.append(FrameUnit(district, district, "P", "district", certainty=district == "D1"))
        for c, villages in enumerate(communes, start=1):
            commune = f"{district}C{c}"
            units.append(FrameUnit(commune, commune, district, "commune", certainty=c == 1))
            for v, size in enumerate(villages, start=1):
                units.append(FrameUnit(f"{commune}V{v}", "thôn", commune, "village",
                                       population=size, certainty=v == 1))
    return Frame(units)


SPEC = DesignSpec.from_dict({"stages": [
    {"level": "district", "n": 2, "certainty": "flagged"},
    {"level": "commune", "n": 1, "certainty": "none"},
    {"level": "village", "n": 1, "certainty": "none"},
]})


def closed_form_village_probability(frame: Frame, village: str) -> float:
    """Return the overall inclusion probability from the sizes alone (D1 certain, then PPS n=1)."""
    commune = frame.units[village].parent
    district = frame.units[commune].parent
    p_district = 1.0 if district == "D1" else frame.size(district, "population") / sum(
        frame.size(d, "population") for d in ("D2", "D3", "D4"))
    p_commune = frame.size(commune, "population") / frame.size(district, "population")
    return p_district * p_commune * frame.size(village, "population") / frame.size(commune, "population")


def test_probabilities_sum_to_n_per_stage_and_parent():
    frame = small_frame()
    selections = draw_stages(frame, SPEC, None, np.random.default_rng(5))
    stage1 = [s for s in selections if s.stage == 1]
    assert len(stage1) == 2 and "D1" in {s.code for s in stage1}
    for selection in selections:
        group = frame.descendants(selection.parent, selection.level) if selection.parent else \
            frame.descendants(None, "district")
        assert selection.group_units == len(group)
    for parent in {s.parent for s in selections if s.stage > 1}:
        assert sum(1 for s in selections if s.parent == parent) == 1


def test_repeated_draws_hit_villages_at_their_overall_probability():
    frame = small_frame()
    counts: dict[str, int] = {}
    recorded: dict[str, float] = {}
    draws = 4000
    rng = np.random.default_rng(11)
    for _ in range(draws):
        selections = draw_stages(frame, SPEC, None, rng)
        by_code = {s.code: s for s in selections}
        for s in selections:
            if s.stage == 3:
                counts[s.code] = counts.get(s.code, 0) + 1
                recorded[s.code] = s.probability * by_code[s.parent].probability * \
                    by_code[by_code[s.parent].parent].probability
    villages = [c for c, u in frame.units.items() if u.level == "village"]
    assert sum(closed_form_village_probability(frame, v) for v in villages) == pytest.approx(2.0)
    for village in villages:
        p = closed_form_village_probability(frame, village)
        assert recorded.get(village, p) == pytest.approx(p)
        se = np.sqrt(p * (1 - p) / draws)
        assert abs(counts.get(village, 0) / draws - p) < 4.5 * se + 1e-12, village


def test_flagged_certainty_at_every_stage_as_papi():
    frame = small_frame()
    spec = DesignSpec.from_dict({"stages": [
        {"level": "district", "n": 2}, {"level": "commune", "n": 1}, {"level": "village", "n": 1}]})
    selections = draw_stages(frame, spec, None, np.random.default_rng(1))
    chosen = {s.code for s in selections}
    assert {"D1", "D1C1", "D1C1V1"} <= chosen
    assert all(s.certainty == "flagged" and s.probability == 1 for s in selections if s.stage > 1)


def test_same_seed_same_sample_and_strata():
    frame = small_frame()
    units = [u if u.level != "district" else FrameUnit(u.code, u.name, u.parent, u.level,
             certainty=u.certainty, stratum="urban" if u.code in ("D1", "D2") else "rural")
             for u in frame.units.values()]
    spec = DesignSpec.from_dict({"stages": [{"level": "district", "n": 1}, {"level": "village", "n": 2, "certainty": "none"}],
                                 "strata": {"rural": 2}})
    first = draw_stages(Frame(units), spec, None, np.random.default_rng(9))
    again = draw_stages(Frame(units), spec, None, np.random.default_rng(9))
    assert first == again
    stage1 = [s for s in first if s.stage == 1]
    assert sorted(s.stratum for s in stage1) == ["rural", "rural", "urban"]
    assert all(s.probability == 1 for s in stage1 if s.stratum == "urban")


def test_errors_name_the_parent():
    frame = small_frame()
    spec = DesignSpec.from_dict({"stages": [{"level": "district", "n": 4}, {"level": "commune", "n": 3}]})
    with pytest.raises(SamplingError) as raised:
        draw_stages(frame, spec, None, np.random.default_rng(1))
    assert raised.value.code == "too_many" and "D1" in raised.value.message_en
    relaxed = DesignSpec.from_dict({"stages": [{"level": "district", "n": 4},
                                               {"level": "commune", "n": 3, "short": "all"}]})
    assert len(draw_stages(frame, relaxed, None, np.random.default_rng(1))) == 4 + 9


@pytest.mark.parametrize("bad", [
    {}, {"stages": []}, {"stages": [{"level": "x", "n": 0}]},
    {"stages": [{"level": "x", "n": 1, "size": "area"}]},
    {"stages": [{"level": "x", "n": 1, "colour": "red"}]},
    {"stages": [{"level": "x", "n": 1}], "respondents": {"drawn": 10, "quota": 12}},
])
def test_invalid_specs_are_refused(bad):
    with pytest.raises(SamplingError):
        DesignSpec.from_dict(bad)


def test_spec_round_trips_through_json_form():
    assert DesignSpec.from_dict(SPEC.to_dict()) == SPEC


@pytest.mark.parametrize("method", ["simple", "systematic"])
def test_each_listed_person_is_drawn_and_main_with_the_right_probability(method):
    rng = np.random.default_rng(3)
    size, drawn, quota, reps = 9, 4, 3, 6000
    in_sample = np.zeros(size)
    in_main = np.zeros(size)
    for _ in range(reps):
        draw = draw_respondents(size, drawn, quota, method, rng)
        assert len(set(draw.order)) == drawn and draw.probability == pytest.approx(drawn / size)
        in_sample[list(draw.order)] += 1
        in_main[list(draw.order[:draw.quota])] += 1
    for observed, p in ((in_sample / reps, drawn / size), (in_main / reps, quota / size)):
        assert np.all(np.abs(observed - p) < 4.5 * np.sqrt(p * (1 - p) / reps))


def test_short_listing_takes_everyone():
    draw = draw_respondents(5, 20, 16, "simple", np.random.default_rng(0))
    assert sorted(draw.order) == [0, 1, 2, 3, 4] and draw.quota == 5 and draw.probability == 1


def test_respondent_errors():
    with pytest.raises(SamplingError):
        draw_respondents(0, 20, 16, "simple", np.random.default_rng(0))
    with pytest.raises(SamplingError):
        draw_respondents(30, 20, 16, "lottery", np.random.default_rng(0))


def test_largest_unit_rule():
    frame = small_frame()
    spec = DesignSpec.from_dict({"stages": [{"level": "district", "n": 2, "certainty": "none"},
                                            {"level": "commune", "n": 1, "certainty": "largest"}]})
    selections = draw_stages(frame, spec, None, np.random.default_rng(2))
    for commune in (s for s in selections if s.stage == 2):
        siblings = frame.children[commune.parent]
        largest = max(siblings, key=lambda code: frame.size(code, "population"))
        assert commune.code == largest and commune.certainty == "largest" and commune.probability == 1


def test_frames_with_cycles_or_empty_units_are_refused():
    with pytest.raises(SamplingError) as raised:
        Frame([FrameUnit("A", "a", "B", "x"), FrameUnit("B", "b", "A", "x")])
    assert raised.value.code == "cycle"
    frame = Frame([FrameUnit("P", "p", None, "province"),
                   FrameUnit("V1", "v", "P", "village", population=10),
                   FrameUnit("V2", "v", "P", "village", population=0)])
    spec = DesignSpec.from_dict({"stages": [{"level": "village", "n": 1}]})
    with pytest.raises(SamplingError) as raised:
        draw_stages(frame, spec, None, np.random.default_rng(0))
    assert raised.value.code == "size_zero" and "V2" in raised.value.message_en
