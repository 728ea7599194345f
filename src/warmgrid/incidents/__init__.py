"""The incident log: sourced reports, append-only revisions and confirmed damage.

Modules: :mod:`~warmgrid.incidents.vocabulary` (kinds, statuses, certainty),
:mod:`~warmgrid.incidents.domain` (validated input shapes), :mod:`~warmgrid.incidents.log`
(the log's operations on a store), :mod:`~warmgrid.incidents.candidates` (assets near a
reported location), :mod:`~warmgrid.incidents.seed` (the demo incidents).
"""
