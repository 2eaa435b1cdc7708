"""Allow ``python -m cdop``, the same as the ``cdop`` command."""

import sys

from cdop.cli import main

sys.exit(main())
