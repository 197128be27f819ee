"""Which country a phone number (E.164) is in, as far as deciding where we may send a text.

Pure functions and tables, no library: ``phonenumbers`` would be one more dependency and 10 MB of
metadata for one question, "is this +1 number in the US or Canada, or in the Caribbean?". That
question matters: +1 is shared by 25 countries (the North American Numbering Plan), and texts to
Caribbean +1 numbers cost international rates and are the classic target of "SMS pumping" fraud,
where someone makes a service text premium numbers they profit from. So +1 numbers are told
apart by their area code; other countries by their calling code, for a set of common
destinations (an operator who allows a country outside it is told so when the setting is read).

US territories on +1 (Puerto Rico, USVI, Guam, Northern Marianas, American Samoa) count as "US":
they are in the US regulatory area and billed as domestic texts.
"""

from __future__ import annotations

# Area codes of +1 numbers outside the 50 states (every other +1 area code is the US).
_CANADA = (
    "204 226 236 249 250 257 263 289 306 343 354 365 367 368 382 387 403 416 418 428 431 437 438 450 "
    "468 474 506 514 519 548 579 581 584 587 604 613 639 647 672 683 705 709 742 753 778 "
    "780 782 807 819 825 867 873 879 902 905 942"
)
_NANP_ELSEWHERE = {
    "242": "BS", "246": "BB", "264": "AI", "268": "AG", "284": "VG", "345": "KY", "441": "BM",
    "473": "GD", "649": "TC", "658": "JM", "876": "JM", "664": "MS", "721": "SX", "758": "LC",
    "767": "DM", "784": "VC", "809": "DO", "829": "DO", "849": "DO", "868": "TT", "869": "KN",
}  # fmt: skip
NANP_AREA_COUNTRIES: dict[str, str] = {**dict.fromkeys(_CANADA.split(), "CA"), **_NANP_ELSEWHERE}

# Calling codes outside +1 for common destinations (ITU-T E.164 assignments). Longest match wins.
CALLING_CODE_COUNTRIES: dict[str, str] = {
    "20": "EG", "27": "ZA", "30": "GR", "31": "NL", "32": "BE", "33": "FR", "34": "ES", "36": "HU",
    "39": "IT", "40": "RO", "41": "CH", "43": "AT", "44": "GB", "45": "DK", "46": "SE", "47": "NO",
    "48": "PL", "49": "DE", "51": "PE", "52": "MX", "53": "CU", "54": "AR", "55": "BR", "56": "CL",
    "57": "CO", "58": "VE", "60": "MY", "61": "AU", "62": "ID", "63": "PH", "64": "NZ", "65": "SG",
    "66": "TH", "81": "JP", "82": "KR", "84": "VN", "86": "CN", "90": "TR", "91": "IN", "92": "PK",
    "234": "NG", "254": "KE", "351": "PT", "353": "IE", "354": "IS", "358": "FI", "420": "CZ",
    "421": "SK", "502": "GT", "503": "SV", "504": "HN", "505": "NI", "506": "CR", "507": "PA",
    "852": "HK", "886": "TW", "971": "AE", "972": "IL", "966": "SA",
}  # fmt: skip
KNOWN_COUNTRIES = frozenset({"US", *NANP_AREA_COUNTRIES.values(), *CALLING_CODE_COUNTRIES.values()})


def country_of(number: str) -> str | None:
    """The ISO 3166 country code of an E.164 number ("+14165550123" -> "CA"), None if unknown."""
    if not number.startswith("+") or not number[1:].isdigit():
        return None
    digits = number[1:]
    if digits.startswith("1"):
        return NANP_AREA_COUNTRIES.get(digits[1:4], "US") if len(digits) == 11 else None
    for length in (3, 2):
        if digits[:length] in CALLING_CODE_COUNTRIES:
            return CALLING_CODE_COUNTRIES[digits[:length]]
    return None


def is_allowed(number: str, allowed: frozenset[str]) -> bool:
    """Whether a text to ``number`` may go out; a number we cannot place is never allowed."""
    return country_of(number) in allowed
