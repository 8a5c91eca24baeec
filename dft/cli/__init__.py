"""The ``dft`` command line: ``main`` parses the arguments and runs one command."""

from dft.cli.parser import main

__all__ = ["main"]
