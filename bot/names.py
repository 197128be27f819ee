"""The names Rasa and the code share: intents, slots, forms and actions, spelled once.

The domain (domain.yml) declares them; code that names one writes ``Intent.HUMAN_HANDOFF``, not
``"human_handoff"``, so a misspelling fails at import instead of silently never matching, and
``tests/unit/test_names.py`` checks that these lists and the domain are the same, both ways. The
kinds of open question (``pending_confirmation``'s values) are ``bot.logic.pending.KINDS``.
"""

from __future__ import annotations


def _values(cls: type) -> frozenset[str]:
    return frozenset(value for key, value in vars(cls).items() if key.isupper())


class Intent:
    """Every intent of the domain (plus Rasa's own ``nlu_fallback``, which the FallbackClassifier sets)."""

    GREET = "greet"
    GOODBYE = "goodbye"
    THANK = "thank"
    AFFIRM = "affirm"
    DENY = "deny"
    NOT_SURE = "not_sure"
    STOP = "stop"
    RESUME = "resume"
    HELP = "help"
    BOT_CHALLENGE = "bot_challenge"
    OUT_OF_SCOPE = "out_of_scope"
    EXPLAIN = "explain"
    INFORM = "inform"
    START_ASSESSMENT = "start_assessment"
    ASK_DOCTOR = "ask_doctor"
    DOCTOR_PUSHBACK = "doctor_pushback"
    REQUEST_RECORDS = "request_records"
    RECORDS_STATUS = "records_status"
    ADD_QUESTION = "add_question"
    SUGGEST_QUESTIONS = "suggest_questions"
    LIST_QUESTIONS = "list_questions"
    REMOVE_QUESTION = "remove_question"
    EDIT_QUESTION = "edit_question"
    CLEAR_QUESTIONS = "clear_questions"
    PRINT_QUESTIONS = "print_questions"
    FAQ = "faq"
    MEDICAL_ADVICE = "medical_advice"
    EXPRESS_WORRY = "express_worry"
    CRISIS_SELF_HARM = "crisis_self_harm"
    MEDICAL_EMERGENCY = "medical_emergency"
    HUMAN_HANDOFF = "human_handoff"
    INSURANCE_DENIAL = "insurance_denial"
    BILLING_DISPUTE = "billing_dispute"
    CARE_COMPLAINT = "care_complaint"
    DELETE_MY_DATA = "delete_my_data"
    NLU_FALLBACK = "nlu_fallback"


class Slot:
    """Every slot of the domain."""

    CONDITION = "condition"
    TREATMENT = "treatment"
    RELATION = "relation"
    URGENCY = "urgency"
    DIAGNOSIS_CERTAINTY = "diagnosis_certainty"
    RARE_CONDITION = "rare_condition"
    NOT_IMPROVING = "not_improving"
    INSURER_REQUIRES = "insurer_requires"
    CONFIDENCE = "confidence"
    RECOMMENDATION = "recommendation"
    PROVIDER = "provider"
    RECORD_TYPES = "record_types"
    DATE_RANGE = "date_range"
    RECORD_FORMAT = "record_format"
    DELIVERY = "delivery"
    PATIENT_NAME = "patient_name"
    DATE_OF_BIRTH = "date_of_birth"
    PENDING_CONFIRMATION = "pending_confirmation"
    PENDING_QUESTION = "pending_question"
    PENDING_OFFER = "pending_offer"
    SUGGESTED_QUESTIONS = "suggested_questions"
    PAUSED_FORM = "paused_form"
    PAUSED_BELOW = "paused_below"
    HANDOFF_ACTIVE = "handoff_active"
    PRINT_FOLLOWUP = "print_followup"
    SMS_NUMBER = "sms_number"


class Form:
    """Every form of the domain."""

    ASSESSMENT_FORM = "assessment_form"
    RECORDS_FORM = "records_form"
    SMS_NUMBER_FORM = "sms_number_form"


class Action:
    """Every custom action of the domain (what the action server must serve)."""

    ACTION_GREET = "action_greet"
    ACTION_START_ASSESSMENT = "action_start_assessment"
    VALIDATE_ASSESSMENT_FORM = "validate_assessment_form"
    ACTION_ASK_CONDITION = "action_ask_condition"
    ACTION_ASK_TREATMENT = "action_ask_treatment"
    ACTION_ASK_URGENCY = "action_ask_urgency"
    ACTION_ASK_DIAGNOSIS_CERTAINTY = "action_ask_diagnosis_certainty"
    ACTION_ASK_RARE_CONDITION = "action_ask_rare_condition"
    ACTION_ASK_NOT_IMPROVING = "action_ask_not_improving"
    ACTION_ASK_INSURER_REQUIRES = "action_ask_insurer_requires"
    ACTION_ASK_CONFIDENCE = "action_ask_confidence"
    ACTION_ASSESSMENT_RESULT = "action_assessment_result"
    ACTION_ASK_DOCTOR = "action_ask_doctor"
    ACTION_DOCTOR_PUSHBACK = "action_doctor_pushback"
    ACTION_START_RECORDS = "action_start_records"
    VALIDATE_RECORDS_FORM = "validate_records_form"
    ACTION_RECORDS_REQUEST = "action_records_request"
    ACTION_RECORDS_STATUS = "action_records_status"
    ACTION_ADD_QUESTION = "action_add_question"
    ACTION_SUGGEST_QUESTIONS = "action_suggest_questions"
    ACTION_LIST_QUESTIONS = "action_list_questions"
    ACTION_REMOVE_QUESTION = "action_remove_question"
    ACTION_EDIT_QUESTION = "action_edit_question"
    ACTION_CLEAR_QUESTIONS = "action_clear_questions"
    ACTION_PRINT_QUESTIONS = "action_print_questions"
    ACTION_ASK_SMS_NUMBER = "action_ask_sms_number"
    VALIDATE_SMS_NUMBER_FORM = "validate_sms_number_form"
    ACTION_SMS_NUMBER_GIVEN = "action_sms_number_given"
    ACTION_NO_MEDICAL_ADVICE = "action_no_medical_advice"
    ACTION_COMFORT = "action_comfort"
    ACTION_FAQ_OFFER = "action_faq_offer"
    ACTION_FAQ_IN_FORM = "action_faq_in_form"
    ACTION_CONFIRM_PENDING = "action_confirm_pending"
    ACTION_DECLINE_PENDING = "action_decline_pending"
    ACTION_CRISIS = "action_crisis"
    ACTION_EMERGENCY = "action_emergency"
    ACTION_HANDOFF = "action_handoff"
    ACTION_ASK_ERASE = "action_ask_erase"
    ACTION_ERASE_DATA = "action_erase_data"
    ACTION_FALLBACK = "action_fallback"
    ACTION_ANSWER_FAQ = "action_answer_faq"
    ACTION_BOT_CHALLENGE = "action_bot_challenge"
    ACTION_EXPLAIN = "action_explain"
    ACTION_PAUSE_FORM = "action_pause_form"


class Rasa:
    """Rasa's own names, which the domain does not declare (so they are in none of the sets below).

    ``action_listen`` ends a turn (and precedes every user message); ``requested_slot`` is the slot
    Rasa keeps for the question a form is asking.
    """

    ACTION_LISTEN = "action_listen"
    REQUESTED_SLOT = "requested_slot"


INTENTS = _values(Intent)
SLOTS = _values(Slot)
FORMS = _values(Form)
ACTIONS = _values(Action)
