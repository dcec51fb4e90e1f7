import sys

from xlreport.cli.main import main

sys.exit(main())
