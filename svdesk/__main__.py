import multiprocessing
import sys

from svdesk.cli import main

if __name__ == "__main__":
    # In the PyInstaller bundle the helper process (verifying the record) is this executable again:
    # freeze_support() runs the helper's work instead of the command line in that case.
    multiprocessing.freeze_support()
    sys.exit(main())
