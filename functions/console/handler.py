"""Lambda for the store console (``/admin/`` on every store host): server-rendered pages over ``orion``."""

from functions.common.coldstart import cold_start

with cold_start():
    from functions.common.asgi import lambda_handler
    from functions.console.app import create_app
    from functions.console.web import refused_at_the_edge

    app = create_app()
    handler = lambda_handler(app, refused_at_the_edge)
