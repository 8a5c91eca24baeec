import sys

from dft.cli import main

sys.exit(main())
