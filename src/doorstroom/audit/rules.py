"""Who may read the audit trail: the privacy officer of the organisation it belongs to."""

import rules

from doorstroom.organisations.rules import is_privacy_officer_of

rules.add_perm("audit.search_trail", is_privacy_officer_of)
