"""Where data lives: locating the database, engine, migrations and backups."""
