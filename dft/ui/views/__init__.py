"""The tabs and panes of the main window; each refreshes itself when the data changes."""
