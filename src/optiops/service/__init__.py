"""optiops as a service: an HTTP job API and a web page over the kind registry.

``optiops serve`` starts it (:mod:`optiops.service.app`); jobs live in an embedded SQLite store
(:mod:`~optiops.service.store`) and run in worker processes (:mod:`~optiops.service.scheduler`,
:mod:`~optiops.service.worker`). :class:`Client` talks to a running server with the standard
library only, so importing it pulls in no web framework. See docs/service.md.
"""

from optiops.service.client import Client, JobHandle, ServiceError

__all__ = ["Client", "JobHandle", "ServiceError"]
