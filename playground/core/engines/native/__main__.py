import sys

from playground.core.engines.native import _main

raise SystemExit(_main(sys.argv[1:]))
