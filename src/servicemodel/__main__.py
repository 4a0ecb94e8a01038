"""``python -m servicemodel``: the same as the ``servicemodel`` command."""

import sys

from .cli import main

sys.exit(main())
