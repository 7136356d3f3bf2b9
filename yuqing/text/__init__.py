"""Chinese text: matching form, script detection, author pseudonyms."""

from yuqing.text.normalise import detect_script, matching_form, to_simplified
from yuqing.text.pseudonyms import pseudonymise
from yuqing.text.typed import typed  # also registers the audit-detail redaction

__all__ = ["detect_script", "matching_form", "pseudonymise", "to_simplified", "typed"]
