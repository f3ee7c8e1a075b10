"""Send generated responses through the submission service in large transactions."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from survey.services import submission

# Responses per transaction: large enough that commits do not dominate, small enough to keep memory low.
CHUNK = 2_500


@dataclass(frozen=True)
class Outgoing:
    """One response to submit, with the device token that sends it and the simulated arrival time."""

    payload: dict
    token: str
    received_at: dt.datetime


class DemoSubmissionRefused(RuntimeError):
    """The service refused a generated response: the generator broke a rule it must respect."""


def submit_all(session_factory: Callable[[], Session], outgoing: list[Outgoing],
               progress: Callable[[int, int], None] | None = None) -> Counter:
    """Submit every response (CHUNK per transaction); return counts of receipt statuses and flags.

    ``progress(done, total)`` is called after each transaction.
    """
    tally: Counter = Counter()
    for start in range(0, len(outgoing), CHUNK):
        _submit_chunk(session_factory, outgoing[start:start + CHUNK], tally)
        if progress is not None:
            progress(min(start + CHUNK, len(outgoing)), len(outgoing))
    return tally


def _submit_chunk(session_factory, batch: list[Outgoing], tally: Counter) -> None:
    """Submit ``batch`` in one transaction."""
    cache = submission.SubmitCache()
    with session_factory() as session, session.begin():
        for item in batch:
            try:
                receipt = submission.submit(
                    session, item.payload, submission.Caller(token=item.token), now=item.received_at,
                    cache=cache,
                )
            except submission.SubmissionError as refused:
                raise DemoSubmissionRefused(
                    f"response {item.payload['uuid']} refused: {refused.to_dict()}"
                ) from None
            tally[receipt.status] += 1
            tally.update(f"flag:{flag}" for flag in receipt.flags)
