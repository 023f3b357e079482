import sys

from svdesk.cli import main

sys.exit(main())
