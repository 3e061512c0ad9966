"""Lambda for the store console (``/admin/`` on every store host): server-rendered pages over ``orion``."""

from functions.common.coldstart import cold_start

with cold_start():
    from functions.common.asgi import lambda_handler
    from functions.console.app import create_app

    app = create_app()
    handler = lambda_handler(app)
