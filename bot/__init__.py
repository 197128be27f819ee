"""Second Opinion Advocate: the reusable core (persistence, domain logic, web app, Rasa extensions)."""
