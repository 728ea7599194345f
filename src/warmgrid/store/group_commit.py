"""Group commit: concurrent small writes share one transaction, each answered after it commits.

Requests hand their write (a function of a session) to :meth:`GroupCommit.submit` and wait.
One batch runs at a time, in a worker thread so that the event loop keeps reading
requests meanwhile; the writes that arrive while a batch runs form the next batch. A
batch is one ``Store.write()`` transaction (``BEGIN IMMEDIATE`` … ``COMMIT`` on SQLite),
and no caller gets its result before that ``COMMIT`` has returned, so an acknowledged
write is as durable as a write in a transaction of its own: the per-write cost of
``BEGIN``/``COMMIT``, the session and the thread hop is paid once per batch instead,
and the audit entries of a batch go in with one multi-row ``INSERT`` before its commit.

When any write of a batch fails (an unknown incident, a reused Idempotency-Key with a
different body, a lost connection…), the whole batch is rolled back and each of its
writes runs again in a transaction of its own, so the failure reaches only its caller
and the others are stored exactly as if they had come alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from warmgrid.store import audit
from warmgrid.store.engine import Store

MAX_BATCH = 256

Work = Callable[[Session], Any]
_Outcome = tuple[bool, Any]  # (succeeded, result or exception)


@dataclass
class GroupCommit:
    """Batches writes on ``store``: at most ``max_batch`` writes per transaction."""

    store: Store
    max_batch: int = MAX_BATCH
    _pending: list[tuple[Work, asyncio.Future[Any]]] = field(default_factory=list)
    _drainer: asyncio.Task[None] | None = None

    async def submit(self, work: Work) -> Any:
        """Run ``work(session)`` in a write transaction; its result once committed.

        An exception raised by ``work`` (or by the commit) is raised here.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._pending.append((work, future))
        if self._drainer is None:
            self._drainer = loop.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch = self._pending[: self.max_batch]
                del self._pending[: self.max_batch]
                try:
                    outcomes = await asyncio.to_thread(self._run, [work for work, _ in batch])
                except BaseException:  # cancelled (the server stops): nobody gets an answer
                    for _, future in batch + self._pending:
                        future.cancel()
                    raise
                for (_, future), (succeeded, value) in zip(batch, outcomes, strict=True):
                    if future.done():  # its caller went away; the write stands
                        continue
                    if succeeded:
                        future.set_result(value)
                    else:
                        future.set_exception(value)
        finally:
            self._drainer = None

    def _run(self, works: list[Work]) -> list[_Outcome]:
        try:
            with self.store.write() as session:
                audit.defer(session)
                results = [work(session) for work in works]
                audit.flush(session)
        except Exception as error:
            if len(works) == 1:
                return [(False, error)]
            return [self._run_alone(work) for work in works]
        return [(True, result) for result in results]

    def _run_alone(self, work: Work) -> _Outcome:
        try:
            with self.store.write() as session:
                return True, work(session)
        except Exception as error:
            return False, error
