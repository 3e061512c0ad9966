"""Staff API Lambda for the `content` router."""

from functions.staff_api.common.app import create_app, lambda_handler
from functions.staff_api.routers import content

app = create_app(content.router)
handler = lambda_handler(app)
