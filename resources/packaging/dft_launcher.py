"""The bundle's entry point: the same ``dft`` command line as the pip install's."""

import sys

from dft.cli import main

if __name__ == "__main__":
    sys.exit(main())
