"""``python -m credmatch.cli`` runs the ``credmatch`` command."""

import sys

from credmatch.cli import main

sys.exit(main())
