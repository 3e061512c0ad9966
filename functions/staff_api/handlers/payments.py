"""Staff API Lambda for the `payments` router."""

from functions.common.coldstart import cold_start

with cold_start():
    from functions.staff_api.common.app import create_app, lambda_handler
    from functions.staff_api.routers import payments

    app = create_app(payments.router)
    handler = lambda_handler(app)
