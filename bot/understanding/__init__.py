"""Reading what a person wrote: the one place in the project that applies patterns to free text.

Rasa extensions (`bot/rasa_ext/`), channels and actions ask this package what a message says -
yes or no, a number, a question, a risk, a health question, which saved question it describes -
and keep no patterns of their own. It is pure Python (no Rasa imports), so every reader is tested
on tables of messages without a model.
"""
