"""``python -m stadtbild``: the command line (``--help`` lists the commands; without arguments the
desktop window opens on the bundled demo district)."""
import sys

from stadtbild.cli import main

sys.exit(main())
