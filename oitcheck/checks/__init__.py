"""Item rules: find each checklist item's evidence in the crawl record and judge its components.

One module per family of component checks (``keywords``, ``elements``, ``news``, ``eit``,
``machine_readable``), each a plugin with ``applies_to``/``check``; which check an item's component
uses is data in ``checklists/*.yaml``.
"""
