"""Where data lives: locating the database, engines, migrations, backups, the log file."""

import logging

# Backups, restores, copies, migrations and imports log under "dft"; until the app
# or the command line sends that to the log file (dft/store/logs.py), nothing
# reaches stderr. Here rather than in dft/__init__.py: `dft --version` needs no logging.
logging.getLogger("dft").addHandler(logging.NullHandler())
