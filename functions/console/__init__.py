"""The store console: the browser app in which store staff run their shop (``/admin/`` on a store's host)."""
