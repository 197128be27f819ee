"""Rasa input/output channels: SMS (Twilio), Slack and the website widget (socket.io).

Each extends Rasa's own connector and keeps its name ("twilio", "slack", "socketio"), so webhook
paths, per-channel response variants and ``output_channel=latest`` work as Rasa documents them.
`bot.channels.config` decides which channels are enabled from the environment.
"""
