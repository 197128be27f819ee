"""`make profile`: where one turn's time goes across Rasa, the action server and the database (see __main__)."""
