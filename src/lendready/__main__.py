"""Allows ``python -m lendready`` with the same behaviour as the ``lendready`` script."""

from lendready.cli import main

raise SystemExit(main())
