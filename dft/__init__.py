"""DFT Tracker: why signed contracts fall through, and how to stop it."""

__version__ = "0.1.0"
APP_NAME = "DFT Tracker"
