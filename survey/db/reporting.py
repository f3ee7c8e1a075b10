"""Covering indexes for reporting: the analyst pages aggregate from index entries, not table rows.

The GROUP BY queries of survey/services/reporting read, per response, the unit, day, version, channel,
link kind, status, counted flag and service, and per answer the item, value and score. Indexes that
hold exactly these columns let both SQLite and PostgreSQL answer from the index alone (see the
"Reporting" section of docs/benchmarks.md).
"""

from __future__ import annotations

from sqlalchemy import Index

from survey.db.responses import Answer, Response

RESPONSES_REPORTING = Index(
    "ix_responses_reporting", Response.unit_id, Response.local_date,
    Response.questionnaire_version_id, Response.channel, Response.link_kind, Response.counted,
    Response.status, Response.service_id,
)
ANSWERS_REPORTING = Index(
    "ix_answers_reporting", Answer.response_id, Answer.item_code, Answer.value_int, Answer.score,
)
