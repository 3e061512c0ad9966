"""Staff API Lambda for `/api/v1/imports`."""

from functions.common.coldstart import cold_start

with cold_start():
    from functions.staff_api.common.app import create_app, lambda_handler
    from functions.staff_api.routers import import_sources, imports

    # The sources' routes first: /imports/{job_id} would otherwise take /imports/sources.
    app = create_app(import_sources.router, imports.router)
    handler = lambda_handler(app)
