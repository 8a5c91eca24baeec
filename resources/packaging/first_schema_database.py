"""Write a database at the first schema revision: first_schema_database.py PATH.

The smoke test opens it with the bundle, which must upgrade it through every migration:
proof that the frozen app runs Alembic's scripts, not only reads them.
"""

import sys

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from dft.store.database import alembic_config

config = alembic_config()
first = list(ScriptDirectory.from_config(config).walk_revisions())[-1].revision
engine = create_engine(f"sqlite:///{sys.argv[1]}")
with engine.begin() as connection:
    config.attributes["connection"] = connection
    command.upgrade(config, first)
engine.dispose()
print(f"{sys.argv[1]}: schema {first}")
