"""``python -m povmap …`` runs the command line, as ``povmap …`` does."""

from povmap.cli import main

main()
