"""What an empty database shows: a way in, not an empty table."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from dft.ui.icons import icon
from dft.ui.widgets import WrappingLabel


class WelcomePanel(QWidget):
    """Shown for an empty database: load sample data, or log the first deal."""

    loadSampleRequested = Signal()
    newDealRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("<h1>Welcome to DFT Tracker</h1>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = WrappingLabel(
            "<p>Log every contract that falls through, call the client to confirm why, "
            "and see each month how much was <b>land</b> and how much was "
            "<b>customer service</b> — the part you can fix.</p>"
            "<p>This database is empty. Load realistic sample data to look around, "
            "or log your first lost deal.</p>"
        )
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setMaximumWidth(560)
        self.sample_button = QPushButton(icon("report"), "Load sample data")
        self.sample_button.setToolTip("Adds 300 made-up deals over the last 24 months")
        self.new_button = QPushButton(icon("deal-new"), "Log your first lost deal")
        self.new_button.setDefault(True)
        for button in (self.sample_button, self.new_button):
            button.setMinimumHeight(36)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.sample_button)
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title)
        # Centred by stretches, not by an alignment flag: a layout item with an
        # alignment gets one line's height and the wrapped text was cut off.
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(self.text, 100)
        centred.addStretch(1)
        layout.addLayout(centred)
        layout.addSpacing(16)
        layout.addLayout(buttons)
        layout.addStretch(2)
        self.sample_button.clicked.connect(self.loadSampleRequested)
        self.new_button.clicked.connect(self.newDealRequested)
