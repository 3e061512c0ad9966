"""The platform console's pages (``/admin/`` on the platform's admin host), one router per area."""
