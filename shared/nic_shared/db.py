"""Async SQLAlchemy 2 engine and sessions for SQLite and PostgreSQL from the same code.

One place owns the transaction: `Database.transaction()` commits when the block ends and
rolls back on any exception. HTTP handlers get it through `SessionDep`, which FastAPI runs
with `scope="function"` so the commit happens *before* the response is sent; services
only `flush()`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData, event, text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    """A MetaData whose constraint names are stable, so migrations name them the same way."""
    return MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; give a timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


class Database:
    """The engine, the session factory and the hooks that run after a commit."""

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        sqlite_busy_timeout_ms: int = 5000,
        lock_timeout_ms: int = 5000,
        statement_timeout_ms: int = 30000,
        session_info: dict[str, Any] | None = None,
    ) -> None:
        self.url = url
        if is_sqlite(url):
            # One connection: SQLite has a single writer anyway, and a pool of writers only
            # queues on its lock (ARCHITECTURE.md: SQLite's default pool gave a 770 ms p99).
            self.engine = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=30)
            event.listen(
                self.engine.sync_engine, "connect", _sqlite_pragmas(sqlite_busy_timeout_ms)
            )
        else:
            # A request never waits on a lock for long: past lock_timeout it answers 503.
            server_settings = {
                "lock_timeout": str(lock_timeout_ms),
                "statement_timeout": str(statement_timeout_ms),
            }
            self.engine = create_async_engine(
                url,
                pool_size=pool_size,
                max_overflow=0,
                pool_timeout=10,
                pool_pre_ping=True,
                connect_args={"server_settings": server_settings},
            )
        self._commit_hooks: list[Callable[[], None]] = []

        class _Session(Session):
            pass

        event.listen(_Session, "after_commit", self._after_commit)
        self.sessionmaker = async_sessionmaker(
            self.engine,
            expire_on_commit=False,
            sync_session_class=_Session,
            info=dict(session_info or {}),
        )

    def on_commit(self, hook: Callable[[], None]) -> None:
        """Run `hook` after every commit of a session that marked itself with `notify_commit`."""
        self._commit_hooks.append(hook)

    def _after_commit(self, session: Session) -> None:
        if session.info.pop("notify_commit", False):
            for hook in self._commit_hooks:
                hook()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in one transaction: committed at the end, rolled back on an exception."""
        async with self.sessionmaker() as session, session.begin():
            yield session

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def notify_commit(session: AsyncSession) -> None:
    """Ask the database to run its commit hooks once this session's transaction commits."""
    session.sync_session.info["notify_commit"] = True


def _sqlite_pragmas(busy_timeout_ms: int) -> Callable[[Any, ConnectionPoolEntry], None]:
    def set_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return set_pragmas


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    database: Database = request.app.state.db
    async with database.transaction() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(_session, scope="function")]
"""The request's session; its transaction commits before the response is sent."""
