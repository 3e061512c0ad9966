"""Staff API Lambda for `/api/v1/team`."""

from functions.common.coldstart import cold_start

with cold_start():
    from functions.staff_api.common.app import create_app, lambda_handler
    from functions.staff_api.routers import team

    app = create_app(team.router)
    handler = lambda_handler(app)
