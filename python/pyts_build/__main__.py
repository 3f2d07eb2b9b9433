"""``python -m pyts_build ...`` runs the bundled pyts-build CLI."""
import sys

from ._runner import main

sys.exit(main())
