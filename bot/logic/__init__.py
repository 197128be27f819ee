"""Pure domain logic of the advocate: no Rasa imports, shared by actions, NLU components and web app."""
