"""Canonical documents and content hashes of questionnaire versions, and diffs between versions."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import yaml

from survey.domain.diff import diff
from survey.domain.document import canonical_json, content_hash, from_document, to_document
from survey.domain.loader import load_file, load_text
from survey.domain.model import Labels


def test_canonical_json_is_sorted_compact_utf8(mini_file):
    document = to_document(load_file(mini_file))
    raw = canonical_json(document)
    assert raw == json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert "Rất hài lòng".encode() in raw
    assert content_hash(document) == hashlib.sha256(raw).hexdigest()


def test_hash_ignores_yaml_layout_but_not_content(mini_file):
    text = mini_file.read_text(encoding="utf-8")
    original = content_hash(to_document(load_text(text)))
    reformatted = yaml.safe_dump(yaml.safe_load(text), allow_unicode=True, sort_keys=True)
    assert content_hash(to_document(load_text(reformatted))) == original
    changed = text.replace("Chờ đợi lâu", "Chờ lâu")
    assert content_hash(to_document(load_text(changed))) != original


def test_document_round_trip(mini_file):
    q = load_file(mini_file)
    assert from_document(json.loads(canonical_json(to_document(q)))) == q
    hinted = replace(q, sections=(replace(q.sections[0], hint=Labels({"vi": "Gợi ý"})),) + q.sections[1:])
    assert from_document(to_document(hinted)) == hinted


def test_stored_expression_trees_are_authoritative(mini_file):
    document = to_document(load_file(mini_file))
    marker = {"type": "literal", "value": True}
    document["compiled"]["phone"]["relevant"] = marker
    assert from_document(document).item("phone").relevant.tree == marker


def test_diff_lists_added_removed_changed_items(mini_file):
    old = load_file(mini_file)
    text = mini_file.read_text(encoding="utf-8")
    text = text.replace('version: "2026.1"', 'version: "2026.2"')
    text = text.replace("Số điện thoại", "Số điện thoại liên hệ")
    text = text.replace("      - code: age\n", "      - code: age_years\n")
    new = load_text(text)
    result = diff(old, new)
    assert (result.old, result.new) == ("2026.1", "2026.2")
    assert result.added == ("age_years",) and result.removed == ("age",)
    assert [(c.code, c.fields) for c in result.changed] == [("phone", ("label",))]
    assert result.metadata == ()
    assert not result.is_empty
    assert diff(old, old).is_empty


def test_diff_reports_metadata_order_and_tree_changes(mini_file):
    old = load_file(mini_file)
    sections = (replace(old.sections[0], items=tuple(reversed(old.sections[0].items))),) + old.sections[1:]
    new = replace(old, title=Labels({"vi": "Khác"}), sections=sections)
    result = diff(old, new)
    assert result.metadata == ("title",)
    assert result.moved
