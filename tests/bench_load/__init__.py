"""`make bench-load`: the project against Rasa's moodbot under load, measured in one run (see __main__)."""
