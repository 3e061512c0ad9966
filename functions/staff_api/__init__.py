"""The staff JSON API: FastAPI routers (one per concern) served by one Lambda per concern."""
