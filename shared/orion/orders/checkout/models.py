"""Cart models and the shopper forms (every input validated here, so a bad one is a 422, never a 500)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from orion.catalog.models import SKU_PATTERN, TaxClass
from orion.numbers import WholeNumber
from orion.orders.models import MAX_LINE_QUANTITY_FORM, CustomerDetails, deliverable_country

# A checkout is one transaction of 2 items per line + 4 (see orion.orders.service); 40 lines keeps it
# well inside DynamoDB's 100-item limit.
MAX_CART_LINES = 40
CART_LIFETIME = timedelta(days=30)  # a cart (and its cookie) lasts this long after its last change
MAX_QUANTITY = MAX_LINE_QUANTITY_FORM


# What a shopper reads under a refused field, in place of the validator's wording (written for
# developers); a field without a hint shows the validator's message.
FIELD_HINTS = {
    "email": "Enter your e-mail address, like name@example.com.",
    "name": "Enter your name (at most 120 characters).",
    "address": "Enter your street and number.",
    "postal_code": "Enter a postal code of at most 20 characters.",
    "city": "Enter a city of at most 120 characters.",
    "country": "Choose a country we deliver to.",
    "quantity": f"Enter a whole number of at most {MAX_QUANTITY}.",
    "sku": "Choose one of this shop's products.",
}


class CartLine(BaseModel):
    """A variant in the cart, with what the cart page shows (copied when it was added or changed)."""

    model_config = ConfigDict(frozen=True)

    sku: str
    product_id: str
    handle: str
    title: str
    titles: dict[str, str] = Field(default_factory=dict)
    variant_label: str = ""
    unit_price: int
    currency: str
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    image: str | None = None
    # The product's VAT class when the line was added or repriced (the cart and checkout pages show the
    # VAT included from it; the order takes the product's class at the moment it is placed).
    tax_class: TaxClass = TaxClass.STANDARD

    @property
    def total(self) -> int:
        return self.unit_price * self.quantity

    def title_in(self, lang: str) -> str:
        return self.titles.get(lang) or self.title


class Cart(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    lines: tuple[CartLine, ...] = ()
    updated_at: datetime

    @property
    def subtotal(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def currency(self) -> str | None:
        return self.lines[0].currency if self.lines else None

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    def line(self, sku: str) -> CartLine | None:
        return next((line for line in self.lines if line.sku == sku), None)


class AddToCartForm(BaseModel):
    """``POST /cart/items``: which variant and how many."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    sku: str = Field(min_length=1, max_length=64)
    quantity: WholeNumber = Field(default=1, ge=1, le=MAX_QUANTITY)
    csrf_token: str | None = Field(default=None, max_length=200)

    @field_validator("sku")
    @classmethod
    def _sku(cls, value: str) -> str:
        if not SKU_PATTERN.fullmatch(value):
            raise ValueError("is not a SKU of this shop")
        return value


class ChangeQuantityForm(BaseModel):
    """``POST /cart/items/<sku>``: the new quantity; 0 removes the line."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    quantity: WholeNumber = Field(ge=0, le=MAX_QUANTITY)
    csrf_token: str | None = Field(default=None, max_length=200)


class CheckoutForm(BaseModel):
    """``POST /checkout``: who and where, plus the form's checkout key (idempotency) and CSRF token."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    email: EmailStr = Field(max_length=254)
    name: str = Field(min_length=1, max_length=120)
    address: str = Field(min_length=3, max_length=300)
    postal_code: str = Field(default="", max_length=20)
    city: str = Field(default="", max_length=120)
    country: str = Field(min_length=2, max_length=2)
    checkout_key: str = Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")
    # The cart the form showed (orion.orders.checkout.service.cart_digest); headless clients may omit it.
    cart_digest: str | None = Field(default=None, pattern=r"^[0-9a-f]{32}$")
    csrf_token: str | None = Field(default=None, max_length=200)
    # How the shopper pays: "manual" (invoice) or "card" (offered when the store has card payment).
    payment: str = Field(default="manual", pattern=r"^(manual|card)$")

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return deliverable_country(value)

    def customer(self) -> CustomerDetails:
        return CustomerDetails(
            email=self.email,
            name=self.name,
            address=self.address,
            postal_code=self.postal_code,
            city=self.city,
            country=self.country,
        )
