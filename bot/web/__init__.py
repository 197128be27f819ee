"""The web app (port 8000): the widget page, the advocate console's JSON API and the health check."""
