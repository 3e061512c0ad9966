"""Staff API Lambda for `/api/v1/media`."""

from functions.common.coldstart import cold_start

with cold_start():
    from functions.staff_api.common.app import create_app, lambda_handler
    from functions.staff_api.routers import media

    app = create_app(media.router)
    handler = lambda_handler(app)
