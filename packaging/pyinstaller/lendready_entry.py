"""The frozen app's entry point: the same ``lendready`` command as the installed script.

With no arguments or with one case file it opens the app (a desktop shortcut, a
file association); with a command (``assess``, ``lint``, ``--self-test`` ...) it
runs that. A windowed bundle has no stdout/stderr, so harmless ones are given first.
"""

import multiprocessing
import sys

# Portfolio screening spreads large runs over worker processes, started as fresh copies of this
# executable: freeze_support() lets such a copy run its worker instead of opening the app again.
multiprocessing.freeze_support()

from lendready import crash  # noqa: E402

crash.ensure_streams()

from lendready.cli import main  # noqa: E402

sys.exit(main([a for a in sys.argv[1:] if not a.startswith("-psn_")]))
