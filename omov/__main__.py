"""`python -m omov ...`: the `omov` command, for when the script is not on the path (or to time its start-up:
`python -X importtime -m omov count ward.blt --rule scottish`)."""

import sys

from omov.cli import main

sys.exit(main())
