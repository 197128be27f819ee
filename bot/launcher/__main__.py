"""`python -m bot.launcher [run|shell]`."""

import sys

from bot.launcher.commands import main

sys.exit(main())
