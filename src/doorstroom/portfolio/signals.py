"""Signals other apps listen to, so the portfolio does not depend on them.

``dwelling_released``: a dwelling becomes free (a tenancy ended, a care lease was handed back);
sent inside the transaction with ``dwelling``, ``available_from``, ``cause`` and ``acting_user``.
``dwelling_taken``: a tenancy or care lease starts on a dwelling; sent with ``dwelling``,
``start_date`` and ``acting_user``.
"""

from django.dispatch import Signal

dwelling_released = Signal()
dwelling_taken = Signal()
