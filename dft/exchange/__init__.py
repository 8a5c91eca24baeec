"""Import and export of deals."""
