"""Staff API routers, one module per concern; each exports ``router`` (the docs function finds them all)."""
