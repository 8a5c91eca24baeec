import sys

from dft.cli import main

# Guarded: a process spawned to draw charts (dft/reports/chart_process.py) imports the
# main module of the process that started it, and must not run the command line.
if __name__ == "__main__":
    sys.exit(main())
