"""File > Open team database: where the team's PostgreSQL server is, and who you are there."""

from __future__ import annotations

import getpass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import URL, make_url

DRIVER = "postgresql+psycopg"


class TeamDatabaseDialog(QDialog):
    """Server, port, database, user and (optionally) password, made into a URL.

    The password typed here is used for this session only and never stored;
    leave it empty to use ``~/.pgpass`` or ``PGPASSWORD``.
    """

    def __init__(self, last: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open team database")
        try:
            previous = make_url(last) if last and last.startswith("postgresql") else None
        except Exception:  # a damaged setting: start from the defaults
            previous = None
        self.host = QLineEdit(previous.host if previous and previous.host else "")
        self.host.setPlaceholderText("db.example.com")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(previous.port if previous and previous.port else 5432)
        self.database = QLineEdit(previous.database if previous and previous.database else "dft")
        self.user = QLineEdit(previous.username if previous and previous.username else _os_user())
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("empty: from ~/.pgpass or PGPASSWORD")
        form = QFormLayout()
        form.addRow("&Server:", self.host)
        form.addRow("&Port:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("&User:", self.user)
        form.addRow("Pass&word:", self.password)
        hint = QLabel(
            "The team's shared PostgreSQL database. The password is used for this "
            "session only and never saved."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        for field in (self.host, self.database, self.user):
            field.textChanged.connect(self._update)
        self._update()
        self.resize(420, self.sizeHint().height())

    def _update(self) -> None:
        complete = all(f.text().strip() for f in (self.host, self.database, self.user))
        open_button = self.buttons.button(QDialogButtonBox.StandardButton.Open)
        open_button.setEnabled(complete)

    def url(self) -> URL:
        """The database URL the form describes (with the password typed, if any)."""
        return URL.create(
            DRIVER,
            username=self.user.text().strip(),
            password=self.password.text() or None,
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.database.text().strip(),
        )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
