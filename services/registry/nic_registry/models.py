"""The registry's tables."""

from __future__ import annotations

from nic_shared.db import new_metadata
from nic_shared.messaging_tables import define_messaging_tables
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    metadata = new_metadata()


messaging = define_messaging_tables(Base.metadata)
