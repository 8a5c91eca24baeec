"""The tables of remembered import mappings (dft/exchange/remembered.py reads and writes
them): how a file with given headers was mapped, and where each of its causes went."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dft.core.clock import utc_now
from dft.core.models import Base


class ImportMapping(Base):
    """How the team mapped a file with a given set of headers, offered for the next such file.

    One CRM's exports keep their headers, so the second export from it comes in
    without asking again (shared by everyone on a team database).
    """

    __tablename__ = "import_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the file's normalized headers, sorted: the same export whatever the order.
    signature: Mapped[str] = mapped_column(String(64), unique=True)
    # The headers as the file wrote them, one per line: what the mapping is for.
    headers: Mapped[str] = mapped_column(Text)
    # JSON {normalized header: field, or "" for a column left out}.
    columns: Mapped[str] = mapped_column(Text)
    date_order: Mapped[str] = mapped_column(String(3))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now, onupdate=utc_now)
    updated_by: Mapped[str | None] = mapped_column(String(120))


class ImportMappingValue(Base):
    """One value of a file's cause column (with its category cell) and the cause it went to.

    By id, so renaming the cause keeps it; merging causes repoints it; deleting
    an unused cause forgets it.
    """

    __tablename__ = "import_mapping_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    mapping_id: Mapped[int] = mapped_column(
        ForeignKey("import_mappings.id", ondelete="CASCADE"), index=True
    )
    # Normalized (case and spacing ignored); "" for a blank cell or no category column.
    category_value: Mapped[str] = mapped_column(String(200), server_default="")
    cause_value: Mapped[str] = mapped_column(String(200), server_default="")
    cause_id: Mapped[int] = mapped_column(ForeignKey("causes.id", ondelete="CASCADE"), index=True)

    __table_args__ = (
        UniqueConstraint(
            "mapping_id",
            "category_value",
            "cause_value",
            name="uq_import_mapping_values_mapping_id_value",
        ),
    )
