"""Allow ``python -m cdop.cli``."""

import sys

from cdop.cli import main

sys.exit(main())
