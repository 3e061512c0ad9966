"""CMS: store pages with three-tier resolution (store override -> platform default -> 404) and
platform marketing pages."""
