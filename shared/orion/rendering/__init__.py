"""Rendering pages and e-mails: theme templates from the templates bucket (store -> platform ->
default), the sandbox, time limit and size limits for tenant templates, links under a tenant's base
path, the default theme's interface strings and money formatting, and messages kept as phrases
(English templates and values) for each reader's language. The storefront's pages, the CMS's theme
editor and the orders' e-mails all use it; it imports no feature."""
