"""Human patient advocates: accounts (``python -m bot.advocates``), office hours, Slack announcements.

The console itself is in :mod:`bot.web.console`; the rows in :mod:`bot.persistence.staff` and
:mod:`bot.persistence.audit`.
"""
