"""How the three servers run: our own entrypoints for Rasa and the action server, and what all
three share (bind host, CORS origins, request size limits, errors that echo nothing).

`python -m bot.servers.rasa_server` and `python -m bot.servers.action_server` read their secrets
from the environment, so no token is ever on a command line (`ps` shows every process's argv).
"""
