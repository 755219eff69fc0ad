"""Heavy queries must not starve everyone else: query slots and per-client limits.

:mod:`~publisher.fairness.admission` installs the hooks and gives
:func:`~publisher.fairness.admission.query_slot`; the rules are in
:mod:`~publisher.fairness.policy`, the shared state in
:mod:`~publisher.fairness.table`, who the client is in
:mod:`~publisher.fairness.clients`.
"""
