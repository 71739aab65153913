"""``python -m experiments`` is the ``yingji`` command."""

import sys

from experiments.cli import main

sys.exit(main())
