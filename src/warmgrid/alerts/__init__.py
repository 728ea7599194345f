"""Public alerts: CAP 1.2 messages, validation of foreign CAP 1.1/1.2, the Atom feed.

Modules: :mod:`~warmgrid.alerts.safe_xml` (hostile-XML-safe parsing),
:mod:`~warmgrid.alerts.validate` (``validate_cap``), :mod:`~warmgrid.alerts.compose`
(message dataclasses, ``to_xml`` and the builders), :mod:`~warmgrid.alerts.feed`
(``atom_feed``).
"""
