"""A simulated kiosk: the outbox of kiosk/static/js/queue.js, sending over plain HTTP/1.1.

Ratings arrive in the kiosk's queue at a steady pace. The kiosk sends its queue's head: one rating
alone (``POST`` of the payload) or, when more are waiting, a batch ``{"responses": [...]}`` of up to
20. A rating is done only on a final answer: a 200/201 receipt, or a refusal (4xx other than 429),
which goes to the dead letters. Connection errors, timeouts, 429 and 5xx keep it queued for a retry
with exponential back-off and jitter; the retry sends the same body. On purpose, some requests are
given a very short timeout or have their connection dropped right after sending (the server carries
on), and some finished ratings are sent once more (a deliberate duplicate send).
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from load_faults_world import Device, Rating

BATCH_SIZE = 20
REQUEST_TIMEOUT = 60.0


@dataclass
class Behaviour:
    """How a kiosk misbehaves and backs off (seconds; shares of requests or ratings)."""

    rate: float  # ratings per second arriving at this kiosk
    short_timeout_share: float = 0.02
    drop_share: float = 0.01
    resend_share: float = 0.02
    single_share: float = 0.5  # a lone queued rating is sent alone (else as a batch of one)
    min_backoff: float = 0.2
    max_backoff: float = 5.0


@dataclass
class Outcome:
    """What the fleet saw: receipts per uuid, latencies, retries, errors and dead letters."""

    receipts: dict[str, dict] = field(default_factory=dict)
    resends: dict[str, dict] = field(default_factory=dict)
    dead: dict[str, tuple[int, Any]] = field(default_factory=dict)
    request_ms: list[float] = field(default_factory=list)
    rating_ms: list[float] = field(default_factory=list)
    successes: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    error_times: list[tuple[float, str]] = field(default_factory=list)
    sends: Counter = field(default_factory=Counter)
    attempts: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, kind: str) -> None:
        """Count an error the client saw."""
        with self.lock:
            self.errors[kind] += 1
            self.error_times.append((time.monotonic(), kind))

    @property
    def done(self) -> int:
        """Return how many planned ratings have their final answer."""
        return len(self.receipts) + len(self.dead)


class Kiosk(threading.Thread):
    """One kiosk's thread: let ratings arrive, send the queue, retry until everything is final."""

    def __init__(self, device: Device, port: int, behaviour: Behaviour, outcome: Outcome, seed: int,
                 deadline: float) -> None:
        super().__init__(daemon=True)
        self.device, self.port, self.behaviour, self.outcome = device, port, behaviour, outcome
        self.rng = random.Random(seed)
        self.deadline = deadline
        self.queue: list[tuple[Rating, float, bool]] = []  # rating, queued at, a deliberate resend
        self.connection: http.client.HTTPConnection | None = None
        self.failures = 0

    def run(self) -> None:
        """Send every planned rating (and the resends) until final, or until the deadline."""
        started = time.monotonic()
        pending = list(self.device.ratings)
        arrived = 0
        while (pending or self.queue) and time.monotonic() < self.deadline:
            due = min(len(pending), int((time.monotonic() - started) * self.behaviour.rate) + 1 - arrived)
            for _ in range(max(0, due)):
                self.queue.append((pending.pop(0), time.monotonic(), False))
                arrived += 1
            if not self.queue:
                time.sleep(min(1.0, max(0.01, (arrived / self.behaviour.rate) - (time.monotonic() - started))))
                continue
            if self._send(self.queue[:BATCH_SIZE]):
                self.failures = 0
            else:
                self.failures += 1
                delay = min(self.behaviour.max_backoff, self.behaviour.min_backoff * 2 ** (self.failures - 1))
                time.sleep(delay * (0.75 + 0.5 * self.rng.random()))
        self._close()

    def _send(self, batch: list[tuple[Rating, float, bool]]) -> bool:
        """Send a batch (or a lone rating); settle what came back; return False to back off."""
        alone = len(batch) == 1 and self.rng.random() < self.behaviour.single_share
        body = batch[0][0].payload if alone else {"responses": [rating.payload for rating, _, _ in batch]}
        with self.outcome.lock:
            self.outcome.attempts.update(rating.uuid for rating, _, resend in batch if not resend)
        reply = self._post(json.dumps(body, ensure_ascii=False).encode(), alone, len(batch))
        if reply is None:
            return False
        status, answer = reply
        if status == 429 or status >= 500:
            self.outcome.error(f"http {status}")
            return False
        if alone:
            results = [{"http_status": status, "receipt": answer, "error": answer.get("error")}]
        elif status == 200 and isinstance(answer.get("results"), list):
            results = answer["results"]
        else:
            results = [{"http_status": status, "error": answer.get("error")} for _ in batch]
        return self._settle(batch, results)

    def _post(self, body: bytes, alone: bool, size: int) -> tuple[int, dict] | None:
        """POST once; return (status, JSON) or None after a timeout or a connection failure."""
        short = self.rng.random() < self.behaviour.short_timeout_share
        drop = not short and self.rng.random() < self.behaviour.drop_share
        timeout = self.rng.uniform(0.005, 0.1) if short else REQUEST_TIMEOUT
        with self.outcome.lock:
            self.outcome.sends["single" if alone else "batch"] += 1
            self.outcome.sends["ratings sent"] += size
        started = time.monotonic()
        try:
            # gunicorn's sync workers close every connection after its answer: one connection per request.
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
            connection = self.connection
            connection.request("POST", "/api/v1/responses", body=body, headers={
                "Content-Type": "application/json", "Authorization": f"Bearer {self.device.token}"})
            if drop:
                self._close()
                self.outcome.error("dropped by the client (on purpose)")
                return None
            response = connection.getresponse()
            raw = response.read()
            self._close()
        except TimeoutError:
            self._close()
            self.outcome.error("timeout (on purpose)" if short else "timeout")
            return None
        except (ConnectionError, http.client.HTTPException, OSError) as error:
            self._close()
            self.outcome.error(type(error).__name__)
            return None
        elapsed = (time.monotonic() - started) * 1000
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = {}
        with self.outcome.lock:
            self.outcome.request_ms.append(elapsed)
        return response.status, answer if isinstance(answer, dict) else {}

    def _settle(self, batch: list[tuple[Rating, float, bool]], results: list[dict]) -> bool:
        """Drop final results from the queue, keep retryable ones; return False if any is kept."""
        now = time.monotonic()
        kept = []
        for (rating, queued_at, resend), result in zip(batch, results):
            status = result.get("http_status")
            if status in (200, 201):
                self._done(rating, queued_at, resend, {**result["receipt"], "http_status": status}, now)
            elif status == 429 or (status or 500) >= 500:
                self.outcome.error(f"item http {status}")
                kept.append((rating, queued_at, resend))
            else:
                with self.outcome.lock:
                    self.outcome.dead[rating.uuid] = (status, result.get("error"))
                self.outcome.error(f"refused {status}")
        self.queue = kept + self.queue[len(batch):]
        return not kept

    def _done(self, rating: Rating, queued_at: float, resend: bool, receipt: dict, now: float) -> None:
        """Record a final receipt; sometimes queue the rating once more, as a deliberate duplicate."""
        with self.outcome.lock:
            self.outcome.successes.append(now)
            if resend:
                self.outcome.resends[rating.uuid] = receipt
                return
            self.outcome.receipts[rating.uuid] = receipt
            self.outcome.rating_ms.append((now - queued_at) * 1000)
        if self.rng.random() < self.behaviour.resend_share:
            self.queue.append((rating, now, True))

    def _close(self) -> None:
        """Close the connection (after an answer, or dropped)."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None
