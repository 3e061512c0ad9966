"""Staff API Lambda for the `catalog` router."""

from functions.common.coldstart import cold_start

with cold_start():
    from functions.staff_api.common.app import create_app, lambda_handler
    from functions.staff_api.routers import catalog, product_channels

    # A product's channel records live under /api/v1/products, which this function serves.
    app = create_app(catalog.router, product_channels.router)
    handler = lambda_handler(app)
