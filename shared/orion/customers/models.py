"""Shopper accounts: the account, its addresses, its sessions, and the forms that change them (every
input validated here, so a bad one is a 422 with a message per field, never a 500)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from orion.orders.models import CustomerDetails, deliverable_country

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
MAX_ADDRESSES = 20
# A shopper stays signed in this long after signing in (whatever the activity), and this long idle.
SESSION_LIFETIME = timedelta(days=30)
SESSION_IDLE = timedelta(days=14)
# last_seen_at is written at most this often, so a browsing shopper's pages do not each cost a write.
TOUCH_EVERY = timedelta(minutes=10)
# One-time links: e-mail verification (and e-mail change), password reset.
VERIFY_LINK_LIFETIME = timedelta(days=3)
RESET_LINK_LIFETIME = timedelta(hours=1)
PASSWORD_HINT = f"Choose a password of {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters."

# What a shopper reads under a refused field, in place of the validator's wording.
FIELD_HINTS = {
    "email": "Enter your e-mail address, like name@example.com.",
    "new_email": "Enter your e-mail address, like name@example.com.",
    "name": "Enter your name (at most 120 characters).",
    "password": PASSWORD_HINT,
    "new_password": PASSWORD_HINT,
    "current_password": "Enter your current password.",
    "address": "Enter your street and number.",
    "postal_code": "Enter a postal code of at most 20 characters.",
    "city": "Enter a city of at most 120 characters.",
    "country": "Choose a country we deliver to.",
    "label": "Enter a name of at most 40 characters for this address, or leave it empty.",
    "confirm": "Tick the box to confirm that your account is deleted for good.",
}


class Address(BaseModel):
    """A saved delivery address of an account."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    id: str
    label: str = Field(default="", max_length=40)
    name: str = Field(min_length=1, max_length=120)
    address: str = Field(min_length=3, max_length=300)
    postal_code: str = Field(default="", max_length=20)
    city: str = Field(default="", max_length=120)
    country: str = Field(pattern=r"^[A-Z]{2}$")

    def details(self, email: str) -> CustomerDetails:
        """This address as an order's delivery details, sent to ``email``."""
        return CustomerDetails(
            email=email,
            name=self.name,
            address=self.address,
            postal_code=self.postal_code,
            city=self.city,
            country=self.country,
        )


class Customer(BaseModel):
    """A shopper account of one store (the same e-mail on two stores is two accounts)."""

    model_config = ConfigDict(frozen=True)

    id: str
    email: str
    name: str
    email_verified: bool = False
    # An address the shopper asked to move to, waiting for its verification link to be followed.
    pending_email: str | None = None
    language: str = "en"
    addresses: tuple[Address, ...] = ()
    default_address_id: str | None = None
    created_at: datetime
    updated_at: datetime
    verified_at: datetime | None = None
    # Raised by a password change or reset: every session opened before ends.
    session_version: int = 0

    @property
    def default_address(self) -> Address | None:
        found = self.address(self.default_address_id) if self.default_address_id else None
        return found or (self.addresses[0] if self.addresses else None)

    def address(self, address_id: str | None) -> Address | None:
        return next((a for a in self.addresses if a.id == address_id), None)


class CustomerOrder(BaseModel):
    """One order of an account as its list shows it (kept beside the account by the orders module)."""

    model_config = ConfigDict(frozen=True)

    id: str
    status: str
    total: int
    currency: str
    item_count: int
    created_at: datetime


class CustomerList(BaseModel):
    items: list[Customer]
    next_cursor: str | None = None


@dataclass(frozen=True, slots=True)
class ShopperSession:
    """A live shopper session: whose, its CSRF token, and when it ends."""

    id: str
    customer: Customer
    csrf_token: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class SignedIn:
    cookie: str  # the cookie's value: session id, account id and the session's secret
    session: ShopperSession


# --- forms ------------------------------------------------------------------------------------------


class _Form(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    csrf_token: str | None = Field(default=None, max_length=200)


class RegisterForm(_Form):
    email: EmailStr = Field(max_length=254)
    name: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)


class LoginForm(_Form):
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)
    next: str = Field(default="", max_length=500)


class AddressForm(_Form):
    label: str = Field(default="", max_length=40)
    name: str = Field(min_length=1, max_length=120)
    address: str = Field(min_length=3, max_length=300)
    postal_code: str = Field(default="", max_length=20)
    city: str = Field(default="", max_length=120)
    country: str = Field(min_length=2, max_length=2)
    make_default: bool = False

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return deliverable_country(value)

    def fields(self) -> dict[str, Any]:
        return self.model_dump(exclude={"csrf_token", "make_default"})


class PasswordChangeForm(_Form):
    current_password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)
    new_password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)


class EmailChangeForm(_Form):
    new_email: EmailStr = Field(max_length=254)
    current_password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)


class ResetRequestForm(_Form):
    email: str = Field(min_length=1, max_length=254)


class ResetForm(_Form):
    token: str = Field(min_length=20, max_length=200)
    new_password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)


class DeleteForm(_Form):
    current_password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)
    confirm: bool = Field(default=False, validate_default=True)  # an unticked box is not sent at all

    @field_validator("confirm")
    @classmethod
    def _confirmed(cls, value: bool) -> bool:
        if not value:
            raise ValueError("the deletion must be confirmed")
        return value
