"""FastAPI adapters shared by every staff (and admin) API function: app factory, problem+json
mapping, tenant from Host, bearer authentication and permission checks."""
