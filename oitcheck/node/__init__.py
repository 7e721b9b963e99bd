"""oitcheck as a Scrapyd project: one Scrapyd job is one agency's audit of an audit-many run spread over nodes.

Scrapyd runs a project installed in its Python environment when its configuration names the project's settings
module (``[settings] oitcheck = oitcheck.node.settings`` in scrapyd.conf); no egg is deployed. The coordinator
(``oitcheck.coordinator``) schedules the spider ``audit`` with the job's serialised ``AuditRequest``.
"""
