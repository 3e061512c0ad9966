"""Staff API Lambda for `/api/v1/menu` and `/api/v1/dashboard`."""

from functions.common.coldstart import cold_start

with cold_start():
    from functions.staff_api.common.app import create_app, lambda_handler
    from functions.staff_api.routers import console

    app = create_app(console.router)
    handler = lambda_handler(app)
