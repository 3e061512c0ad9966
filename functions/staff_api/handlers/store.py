"""Staff API Lambda for the `store` router."""

from functions.staff_api.common.app import create_app, lambda_handler
from functions.staff_api.routers import store

app = create_app(store.router)
handler = lambda_handler(app)
