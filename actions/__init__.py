"""Custom actions, one module per journey. They stay thin: logic lives in `bot.logic`, storage in
`bot.persistence.repository` (always called through `run_sync`, never on the event loop)."""
