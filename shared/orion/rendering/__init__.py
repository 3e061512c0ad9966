"""Rendering pages and e-mails: theme templates from the templates bucket (store -> platform ->
default), the sandbox, time limit and size limits for tenant templates, links under a tenant's base
path, and the default theme's interface strings and money formatting. The storefront's pages, the
CMS's theme editor and the orders' e-mails all use it; it imports no feature."""
