"""Staff API Lambda for the `channels` router."""

from functions.common.coldstart import cold_start

with cold_start():
    from functions.staff_api.common.app import create_app, lambda_handler
    from functions.staff_api.routers import channels

    app = create_app(channels.router)
    handler = lambda_handler(app)
