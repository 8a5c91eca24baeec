"""The bundle's entry point: the same ``dft`` command line as the pip install's."""

import multiprocessing
import sys

from dft.cli import main

if __name__ == "__main__":
    # The PDF's charts are drawn by a second process, spawned from this executable:
    # in that process, this runs the drawing and never reaches the command line.
    multiprocessing.freeze_support()
    sys.exit(main())
