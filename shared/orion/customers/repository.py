"""The table layout of shopper accounts: the account (with its addresses) in its own partition, beside
the summaries of its orders; the store's e-mail index; sessions; one-time links."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DeleteError, TransactWriteError, UpdateError

from orion.customers.errors import EmailTaken
from orion.customers.models import Customer, CustomerList
from orion.data import keys
from orion.data.conditions import condition_failed, update_if
from orion.data.cursors import SORT_KEY_WITH_ID, IndexKey, decode_cursor, encode_cursor, start_key
from orion.data.table import TableItem, get_or_none, prefetched, transaction
from orion.errors import Conflict
from orion.tenant import Tenant

# A cursor of the e-mail index: the address the page stopped at.
_EMAIL = re.compile(r"[^\s#|]{1,254}")


class CustomerItem(TableItem, discriminator="Customer"):
    id = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    data = UnicodeAttribute()  # the Customer as JSON


class CustomerEmailItem(TableItem, discriminator="CustomerEmail"):
    """The store's account of an e-mail address (SK: the lower-case address)."""

    customer_id = UnicodeAttribute()
    verified = BooleanAttribute(default=False)


class ShopperSessionItem(TableItem, discriminator="ShopperSession"):
    customer_id = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    csrf_token = UnicodeAttribute()
    session_version = NumberAttribute(default=0)  # the account's session version when it began
    created_at = UTCDateTimeAttribute()
    last_seen_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute()


class CustomerTokenItem(TableItem, discriminator="CustomerToken"):
    """A one-time link: ``verify`` (the address ``email`` is the account's, or becomes it) or ``reset``."""

    purpose = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    email = UnicodeAttribute()
    expires_at = UTCDateTimeAttribute()


def _email_entry(tenant: Tenant, customer: Customer, *, verified: bool) -> CustomerEmailItem:
    """The store's e-mail index entry naming ``customer`` as the account of its address."""
    pk = keys.customer_emails_pk(tenant.platform, tenant.require_store())
    return CustomerEmailItem(pk, customer.email, customer_id=customer.id, verified=verified)


def folded(name: str) -> str:
    """A name as the staff search compares it: lower case, accents and extra spaces dropped."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("#", " ").split())[:120]


class CustomerRepository:
    # --- accounts ---

    def create(self, tenant: Tenant, customer: Customer, password_hash: str) -> None:
        """The account and its e-mail index entry, in one transaction; EmailTaken if the address has
        an account already."""
        platform, store = tenant.platform, tenant.require_store()
        tx = transaction()
        tx.save(
            CustomerEmailItem(
                keys.customer_emails_pk(platform, store),
                customer.email,
                customer_id=customer.id,
                verified=False,
            ),
            condition=CustomerEmailItem.pk.does_not_exist(),
        )
        tx.save(self._item(tenant, customer, password_hash), condition=CustomerItem.pk.does_not_exist())
        try:
            tx._commit()
        except TransactWriteError as exc:
            raise EmailTaken("This e-mail address has an account already.") from exc

    def get(self, tenant: Tenant, customer_id: str) -> tuple[Customer, str] | None:
        """The account and its password hash: one GetItem (or none, when prefetched)."""
        item = get_or_none(CustomerItem, *self.key(tenant, customer_id), consistent_read=True)
        return (Customer.model_validate_json(item.data), item.password_hash) if item else None

    @staticmethod
    def key(tenant: Tenant, customer_id: str) -> tuple[str, str]:
        return keys.customer_pk(tenant.platform, tenant.require_store(), customer_id), keys.CUSTOMER_SK

    def by_email(self, tenant: Tenant, email: str) -> tuple[str, bool] | None:
        """``(account id, verified)`` of the store's account for ``email`` (lower case): one GetItem."""
        item = get_or_none(
            CustomerEmailItem,
            keys.customer_emails_pk(tenant.platform, tenant.require_store()),
            email,
            consistent_read=True,
        )
        return (item.customer_id, bool(item.verified)) if item else None

    def save(self, tenant: Tenant, customer: Customer) -> None:
        """Write the account's fields (name, addresses, language ...) if it still exists."""
        item = CustomerItem(*self.key(tenant, customer.id))
        try:
            item.update(
                actions=[
                    CustomerItem.data.set(customer.model_dump_json()),
                    CustomerItem.gsi2sk.set(f"{folded(customer.name)}#{customer.id}"),
                ],
                condition=CustomerItem.pk.exists(),
            )
        except UpdateError as exc:
            if condition_failed(exc):
                raise Conflict("This account no longer exists.") from exc
            raise

    def set_password(self, tenant: Tenant, customer: Customer, password_hash: str) -> None:
        """A new password and the account's new session version (every older session ends)."""
        CustomerItem(*self.key(tenant, customer.id)).update(
            actions=[
                CustomerItem.password_hash.set(password_hash),
                CustomerItem.data.set(customer.model_dump_json()),
            ],
            condition=CustomerItem.pk.exists(),
        )

    def mark_verified(self, tenant: Tenant, customer: Customer) -> None:
        platform, store = tenant.platform, tenant.require_store()
        tx = transaction()
        tx.update(
            CustomerItem(*self.key(tenant, customer.id)),
            actions=[CustomerItem.data.set(customer.model_dump_json())],
            condition=CustomerItem.pk.exists(),
        )
        tx.update(
            CustomerEmailItem(keys.customer_emails_pk(platform, store), customer.email),
            actions=[CustomerEmailItem.verified.set(True)],
            condition=CustomerEmailItem.customer_id == customer.id,
        )
        try:
            tx._commit()
        except TransactWriteError as exc:
            raise Conflict("This account changed meanwhile; please try again.") from exc

    def change_email(self, tenant: Tenant, customer: Customer, old_email: str) -> None:
        """Move the account to ``customer.email`` (verified): the new address's index entry (EmailTaken
        if another account has it), the old one's removal and the account, in one transaction."""
        platform, store = tenant.platform, tenant.require_store()
        tx = transaction()
        tx.save(
            CustomerEmailItem(
                keys.customer_emails_pk(platform, store),
                customer.email,
                customer_id=customer.id,
                verified=True,
            ),
            condition=CustomerEmailItem.pk.does_not_exist(),
        )
        tx.delete(
            CustomerEmailItem(keys.customer_emails_pk(platform, store), old_email),
            condition=CustomerEmailItem.customer_id == customer.id,
        )
        tx.update(
            CustomerItem(*self.key(tenant, customer.id)),
            actions=[CustomerItem.data.set(customer.model_dump_json())],
            condition=CustomerItem.pk.exists(),
        )
        try:
            tx._commit()
        except TransactWriteError as exc:
            raise EmailTaken("This e-mail address has an account already.") from exc

    def delete(self, tenant: Tenant, customer: Customer) -> None:
        """The account and its e-mail index entry (its sessions end with it: they need the account)."""
        platform, store = tenant.platform, tenant.require_store()
        tx = transaction()
        tx.delete(CustomerItem(*self.key(tenant, customer.id)))
        tx.delete(
            CustomerEmailItem(keys.customer_emails_pk(platform, store), customer.email),
            condition=CustomerEmailItem.customer_id == customer.id,
        )
        try:
            tx._commit()
        except TransactWriteError as exc:
            raise Conflict("This account changed meanwhile; please try again.") from exc

    # --- staff listings ---

    def newest(self, tenant: Tenant, *, limit: int, after: str | None) -> CustomerList:
        """The store's accounts, newest first: one Query on GSI1."""
        partition = keys.customers_gsi1pk(tenant.platform, tenant.require_store())
        return self._page(tenant, "GSI1", partition, None, limit=limit, after=after)

    def by_name(self, tenant: Tenant, prefix: str, *, limit: int, after: str | None) -> CustomerList:
        """The store's accounts whose folded name starts with ``prefix``: one Query on GSI2."""
        partition = keys.customers_by_name_gsi2pk(tenant.platform, tenant.require_store())
        return self._page(tenant, "GSI2", partition, folded(prefix), limit=limit, after=after)

    def by_email_prefix(self, tenant: Tenant, prefix: str, *, limit: int, after: str | None) -> CustomerList:
        """The store's accounts whose address starts with ``prefix``: one Query on the e-mail index and
        one BatchGetItem of the accounts."""
        platform, store = tenant.platform, tenant.require_store()
        partition = keys.customer_emails_pk(platform, store)
        start = start_key(partition, decode_cursor(after, _EMAIL)[0]) if after else None
        result = CustomerEmailItem.query(
            partition,
            CustomerEmailItem.sk.startswith(prefix.strip().lower()),
            limit=limit,
            page_size=limit,
            last_evaluated_key=start,
        )
        entries = [item for item in result if isinstance(item, CustomerEmailItem)]
        found: dict[str, Customer] = {}
        if entries:
            wanted = [self.key(tenant, e.customer_id) for e in entries]
            for item in TableItem.batch_get(wanted):
                if isinstance(item, CustomerItem):
                    found[item.id] = Customer.model_validate_json(item.data)
        items = [found[e.customer_id] for e in entries if e.customer_id in found]
        more = result.last_evaluated_key is not None and entries
        return CustomerList(items=items, next_cursor=encode_cursor(entries[-1].sk) if more else None)

    def _page(
        self,
        tenant: Tenant,
        index_name: Any,
        partition: str,
        prefix: str | None,
        *,
        limit: int,
        after: str | None,
    ) -> CustomerList:
        index: Any = CustomerItem.gsi1 if index_name == "GSI1" else CustomerItem.gsi2
        sort_key: Any = CustomerItem.gsi1sk if index_name == "GSI1" else CustomerItem.gsi2sk
        start = None
        if after:
            (sort_value,) = decode_cursor(after, SORT_KEY_WITH_ID)
            customer_id = sort_value.rsplit("#", 1)[1]
            start = start_key(*self.key(tenant, customer_id), IndexKey(index_name, partition, sort_value))
        result = index.query(
            partition,
            sort_key.startswith(prefix) if prefix else None,
            scan_index_forward=index_name == "GSI2",
            limit=limit,
            page_size=limit,
            last_evaluated_key=start,
        )
        items: list[Customer] = []
        last: str | None = None
        for item in result:
            if isinstance(item, CustomerItem):
                items.append(Customer.model_validate_json(item.data))
                last = item.gsi1sk if index_name == "GSI1" else item.gsi2sk
        more = result.last_evaluated_key is not None and last
        return CustomerList(items=items, next_cursor=encode_cursor(last) if more and last else None)

    # --- sessions ---

    def add_session(self, tenant: Tenant, session: ShopperSessionItem) -> None:
        session.save(condition=ShopperSessionItem.pk.does_not_exist())

    @staticmethod
    def session_key(tenant: Tenant, session_id: str) -> tuple[str, str]:
        return keys.shopper_session_pk(
            tenant.platform, tenant.require_store(), session_id
        ), keys.SHOPPER_SESSION_SK

    def session_with_account(
        self, tenant: Tenant, session_id: str, customer_id: str
    ) -> tuple[ShopperSessionItem | None, tuple[Customer, str] | None]:
        """The session and its account: one BatchGetItem (none, when a page prefetched both)."""
        session_key, account_key = self.session_key(tenant, session_id), self.key(tenant, customer_id)
        with prefetched([session_key, account_key]):
            session = get_or_none(ShopperSessionItem, *session_key, consistent_read=True)
            account = self.get(tenant, customer_id)
        return session, account

    def touch_session(self, tenant: Tenant, session_id: str, at: datetime) -> None:
        update_if(
            ShopperSessionItem(*self.session_key(tenant, session_id)),
            actions=[ShopperSessionItem.last_seen_at.set(at)],
            condition=ShopperSessionItem.pk.exists(),
        )

    def delete_session(self, tenant: Tenant, session_id: str) -> None:
        ShopperSessionItem(*self.session_key(tenant, session_id)).delete()

    # --- one-time links ---

    def add_token(self, tenant: Tenant, digest: str, token: CustomerTokenItem) -> None:
        token.pk, token.sk = (
            keys.customer_token_pk(tenant.platform, tenant.require_store(), digest),
            keys.CUSTOMER_TOKEN_SK,
        )
        token.save()

    def token(self, tenant: Tenant, digest: str) -> CustomerTokenItem | None:
        pk = keys.customer_token_pk(tenant.platform, tenant.require_store(), digest)
        return get_or_none(CustomerTokenItem, pk, keys.CUSTOMER_TOKEN_SK, consistent_read=True)

    def take_token(self, tenant: Tenant, digest: str) -> CustomerTokenItem | None:
        """The link's record, deleted so that it works once (None if unknown or used already)."""
        pk = keys.customer_token_pk(tenant.platform, tenant.require_store(), digest)
        item = get_or_none(CustomerTokenItem, pk, keys.CUSTOMER_TOKEN_SK, consistent_read=True)
        if item is None:
            return None
        try:
            item.delete(condition=CustomerTokenItem.pk.exists())
        except DeleteError as exc:
            if condition_failed(exc):
                return None  # a second click at the same moment: the first one used it
            raise
        return item

    @staticmethod
    def _item(tenant: Tenant, customer: Customer, password_hash: str) -> CustomerItem:
        platform, store = tenant.platform, tenant.require_store()
        return CustomerItem(
            *CustomerRepository.key(tenant, customer.id),
            gsi1pk=keys.customers_gsi1pk(platform, store),
            gsi1sk=f"{customer.created_at.isoformat()}#{customer.id}",
            gsi2pk=keys.customers_by_name_gsi2pk(platform, store),
            gsi2sk=f"{folded(customer.name)}#{customer.id}",
            id=customer.id,
            password_hash=password_hash,
            data=customer.model_dump_json(),
        )
