"""The command line (`xlreport …`): `main(argv) -> exit code`."""

from xlreport.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
