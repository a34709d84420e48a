"""Run the class view's command line: `python -m turneast.classview {export,gather,gradebook} ...`."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
