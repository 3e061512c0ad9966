"""The table layout of staff identity: users, e-mail lookups, memberships, invitations, refresh-token
families and login counters."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from orion.data import keys
from orion.data.conditions import refused
from orion.data.cursors import IndexKey, start_key
from orion.data.table import TableItem, get_or_none
from orion.errors import Conflict
from orion.identity.models import Invitation, Member, Membership, SignInLink, User
from orion.modules.manifest import Role


class UserItem(TableItem, discriminator="StaffUser"):
    id = UnicodeAttribute()
    platform = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    active = BooleanAttribute(default=True)
    platform_admin = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute(null=True)
    # Raised by a lock or a password reset; access tokens and refresh families carry the version
    # they were issued under (absent on users created before versions existed: 0).
    token_version = NumberAttribute(null=True)
    # The console language the user chose (en, fr, de); absent: their browser's Accept-Language.
    language = UnicodeAttribute(null=True)

    def to_model(self) -> User:
        return User(
            id=self.id,
            platform=self.platform,
            email=self.email,
            name=self.name,
            active=self.active,
            platform_admin=bool(self.platform_admin),
            created_at=self.created_at,
            token_version=int(self.token_version or 0),
            language=self.language,
        )


class EmailItem(TableItem, discriminator="StaffEmail"):
    user_id = UnicodeAttribute()


class MembershipItem(TableItem, discriminator="Membership"):
    user_id = UnicodeAttribute()
    platform = UnicodeAttribute()
    store = UnicodeAttribute()
    role = UnicodeAttribute()
    # Denormalised so a store's team list is one Query.
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    created_at = UTCDateTimeAttribute(null=True)

    def to_member(self) -> Member:
        return Member(
            user_id=self.user_id,
            email=self.email,
            name=self.name,
            role=Role(self.role),
            joined_at=self.created_at,
        )

    def to_model(self) -> Membership:
        return Membership(
            user_id=self.user_id,
            platform=self.platform,
            store=self.store,
            role=Role(self.role),
            created_at=self.created_at,
        )


class TeamItem(TableItem, discriminator="Team"):
    """Per-store team counters; the owner count guards "the last Owner stays" inside transactions."""

    owners = NumberAttribute(default=0)


class InvitationItem(TableItem, discriminator="Invitation"):
    id = UnicodeAttribute()
    platform = UnicodeAttribute()
    store = UnicodeAttribute()
    email = UnicodeAttribute()
    role = UnicodeAttribute()
    token_hash = UnicodeAttribute()
    invited_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute()
    accepted_at = UTCDateTimeAttribute(null=True)

    def to_model(self) -> Invitation:
        return Invitation(
            id=self.id,
            platform=self.platform,
            store=self.store,
            email=self.email,
            role=Role(self.role),
            invited_by=self.invited_by,
            created_at=self.created_at,
            expires_at=self.expires_at,
            accepted_at=self.accepted_at,
        )


class SignInLinkItem(TableItem, discriminator="SignInLink"):
    """A one-time sign-in link: only the hash of its secret is stored."""

    id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    token_hash = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute()
    used_at = UTCDateTimeAttribute(null=True)


class RefreshFamilyItem(TableItem, discriminator="RefreshFamily"):
    user_id = UnicodeAttribute()
    current_hash = UnicodeAttribute()
    used_hashes = UnicodeSetAttribute(default=set)
    revoked = BooleanAttribute(default=False)
    expires_at = UTCDateTimeAttribute()
    token_version = NumberAttribute(null=True)  # the user's token version when the family began


class ConsoleSessionItem(TableItem, discriminator="ConsoleSession"):
    user_id = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    csrf_token = UnicodeAttribute()
    token_version = NumberAttribute(default=0)  # the user's token version when the session began
    created_at = UTCDateTimeAttribute()
    last_seen_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute()  # the absolute end, whatever the activity
    # The member's stores on the platform when the session began: the console's store switcher (each
    # store's own console checks the membership again).
    stores = UnicodeSetAttribute(null=True)


class WelcomeItem(TableItem, discriminator="Welcome"):
    """A one-time token that opens a console session in one store for one user (after sign-up)."""

    user_id = UnicodeAttribute()
    token_hash = UnicodeAttribute()
    expires_at = UTCDateTimeAttribute()


class LoginCounterItem(TableItem, discriminator="LoginCounter"):
    failures = NumberAttribute(default=0)


def _reset_actions(password_hash: str) -> list[Any]:
    """A new password hash, the account unlocked and its token version raised (every earlier access and
    refresh token dies): what a reset and a sign-in link both write."""
    return [
        UserItem.password_hash.set(password_hash),
        UserItem.active.set(True),
        UserItem.token_version.add(1),
    ]


def _transaction() -> TransactWrite:
    return TransactWrite(connection=TableItem._get_connection().connection)


class IdentityRepository:
    """Reads and writes identity items; every store-scoped call takes the store's codes explicitly."""

    # --- users ---

    def find_user_by_email(self, platform: str, email: str) -> tuple[User, str] | None:
        """The user with ``email`` on ``platform`` and their password hash (2 GetItems)."""
        lookup = get_or_none(EmailItem, keys.user_email_pk(platform, email), keys.EMAIL_SK)
        if lookup is None:
            return None
        item = get_or_none(UserItem, keys.user_pk(platform, lookup.user_id), keys.USER_SK)
        return (item.to_model(), item.password_hash) if item else None

    def get_user(self, platform: str, user_id: str) -> User | None:
        item = get_or_none(UserItem, keys.user_pk(platform, user_id), keys.USER_SK)
        return item.to_model() if item else None

    def list_users(
        self, platform: str, *, email_prefix: str = "", limit: int = 50, after: tuple[str, str] | None = None
    ) -> tuple[list[User], tuple[str, str] | None]:
        """A page of the platform's staff users sorted by e-mail, those whose e-mail starts with
        ``email_prefix`` only (one Query of GSI1); ``after`` and the answer's second part are
        ``(user id, GSI1 sort key)`` of the last user of a page."""
        gsi1pk = keys.platform_users_gsi1pk(platform)
        condition = UserItem.gsi1sk.startswith(email_prefix) if email_prefix else None
        last_key = None
        if after is not None:
            user_id, sort_key = after
            last_key = start_key(
                keys.user_pk(platform, user_id), keys.USER_SK, IndexKey("GSI1", gsi1pk, sort_key)
            )
        results = UserItem.gsi1.query(gsi1pk, condition, limit=limit, last_evaluated_key=last_key)
        users = [item.to_model() for item in results if isinstance(item, UserItem)]
        next_key = results.last_evaluated_key
        if not next_key:
            return users, None
        return users, (next_key["PK"]["S"].rsplit("#USER#", 1)[1], next_key["GSI1SK"]["S"])

    def update_password_hash(self, platform: str, user_id: str, password_hash: str) -> None:
        UserItem(keys.user_pk(platform, user_id), keys.USER_SK).update(
            actions=[UserItem.password_hash.set(password_hash)]
        )

    def set_user_active(self, platform: str, user_id: str, active: bool) -> bool:
        """Lock or unlock a user; False if there is no such user. A lock also raises the user's token
        version, so tokens issued before it stay dead after an unlock."""
        actions: list[Any] = [UserItem.active.set(active)]
        if not active:
            actions.append(UserItem.token_version.add(1))
        try:
            UserItem(keys.user_pk(platform, user_id), keys.USER_SK).update(
                actions=actions, condition=UserItem.pk.exists()
            )
        except UpdateError as exc:
            if refused(exc):
                return False
            raise
        return True

    def reset_credentials(self, platform: str, user_id: str, password_hash: str) -> bool:
        """A new password hash, the account unlocked and its token version raised (every earlier
        access and refresh token dies), in one update; False if there is no such user."""
        try:
            UserItem(keys.user_pk(platform, user_id), keys.USER_SK).update(
                actions=_reset_actions(password_hash),
                condition=UserItem.pk.exists(),
            )
        except UpdateError as exc:
            if refused(exc):
                return False
            raise
        return True

    def get_user_and_membership(
        self, platform: str, store: str, user_id: str
    ) -> tuple[User | None, Membership | None]:
        """The user and their membership in ``store``, in one consistent BatchGetItem: what each
        store-scoped staff request reads to authorise its caller."""
        user: User | None = None
        membership: Membership | None = None
        wanted = [
            (keys.user_pk(platform, user_id), keys.USER_SK),
            (keys.store_members_pk(platform, store), keys.member_sk(user_id)),
        ]
        for item in TableItem.batch_get(wanted, consistent_read=True):
            if isinstance(item, UserItem):
                user = item.to_model()
            elif isinstance(item, MembershipItem):
                membership = item.to_model()
        return user, membership

    def create_user(self, user: User, password_hash: str) -> None:
        """A new user and their unique e-mail lookup; an e-mail already taken is a conflict."""
        with self._guarded("a user with this e-mail already exists"), _transaction() as tx:
            self._add_user(tx, user, password_hash)

    # --- memberships ---

    def get_membership(self, platform: str, store: str, user_id: str) -> Membership | None:
        item = get_or_none(
            MembershipItem,
            keys.store_members_pk(platform, store),
            keys.member_sk(user_id),
            consistent_read=True,
        )
        return item.to_model() if item else None

    def list_memberships(self, platform: str, user_id: str) -> list[Membership]:
        return [
            item.to_model()
            for item in MembershipItem.gsi1.query(keys.user_memberships_gsi1pk(platform, user_id))
            if isinstance(item, MembershipItem)
        ]

    def list_members(self, platform: str, store: str) -> list[Member]:
        return [
            item.to_member()
            for item in MembershipItem.query(
                keys.store_members_pk(platform, store),
                MembershipItem.sk.startswith(keys.MEMBER_SK_PREFIX),
                consistent_read=True,
            )
            if isinstance(item, MembershipItem)
        ]

    def add_membership(self, user: User, store: str, role: Role) -> None:
        """Make an existing user a member of ``store``; being a member already is a conflict."""
        with self._guarded("this person is already a member of the store"), _transaction() as tx:
            self._add_membership(tx, user, store, role)

    def change_role(self, platform: str, store: str, user_id: str, old: Role, new: Role) -> None:
        """Change a member's role; demoting the last Owner fails (conflict), atomically."""
        members_pk = keys.store_members_pk(platform, store)
        with self._guarded("the store must keep at least one Owner"), _transaction() as tx:
            tx.update(
                MembershipItem(members_pk, keys.member_sk(user_id)),
                actions=[MembershipItem.role.set(new.value)],
                condition=MembershipItem.role == old.value,
            )
            self._count_owner_change(tx, platform, store, old, new)

    def remove_membership(self, platform: str, store: str, user_id: str, role: Role) -> None:
        """Remove a member; removing the last Owner fails (conflict), atomically."""
        members_pk = keys.store_members_pk(platform, store)
        with self._guarded("the store must keep at least one Owner"), _transaction() as tx:
            tx.delete(
                MembershipItem(members_pk, keys.member_sk(user_id)),
                condition=MembershipItem.role == role.value,
            )
            self._count_owner_change(tx, platform, store, role, None)

    # --- invitations ---

    def create_invitation(self, invitation: Invitation, token_hash: str) -> None:
        InvitationItem(
            keys.invitations_pk(invitation.platform, invitation.store),
            invitation.id,
            id=invitation.id,
            platform=invitation.platform,
            store=invitation.store,
            email=invitation.email,
            role=invitation.role.value,
            token_hash=token_hash,
            invited_by=invitation.invited_by,
            created_at=invitation.created_at,
            expires_at=invitation.expires_at,
            ttl=invitation.expires_at,
        ).save(condition=InvitationItem.pk.does_not_exist())

    def get_invitation(self, platform: str, store: str, invitation_id: str) -> tuple[Invitation, str] | None:
        item = get_or_none(
            InvitationItem, keys.invitations_pk(platform, store), invitation_id, consistent_read=True
        )
        return (item.to_model(), item.token_hash) if item else None

    def list_invitations(self, platform: str, store: str) -> list[Invitation]:
        return [
            item.to_model()
            for item in InvitationItem.query(keys.invitations_pk(platform, store))
            if isinstance(item, InvitationItem)
        ]

    def delete_invitation(self, platform: str, store: str, invitation_id: str) -> bool:
        try:
            InvitationItem(keys.invitations_pk(platform, store), invitation_id).delete(
                condition=InvitationItem.pk.exists()
            )
        except Exception as exc:
            if refused(exc):
                return False
            raise
        return True

    def accept_invitation(
        self, invitation: Invitation, user: User, password_hash: str | None, accepted_at: datetime
    ) -> None:
        """In one transaction: spend the invitation (once), create the user if ``password_hash`` is
        given, and add the membership."""
        with (
            self._guarded("this invitation was already used, or you are already a member"),
            _transaction() as tx,
        ):
            tx.update(
                InvitationItem(keys.invitations_pk(invitation.platform, invitation.store), invitation.id),
                actions=[InvitationItem.accepted_at.set(accepted_at)],
                condition=InvitationItem.pk.exists() & InvitationItem.accepted_at.does_not_exist(),
            )
            if password_hash is not None:
                self._add_user(tx, user, password_hash)
            self._add_membership(tx, user, invitation.store, invitation.role)

    # --- one-time sign-in links (platform admins) ---

    def make_platform_admin(self, platform: str, user_id: str) -> None:
        UserItem(keys.user_pk(platform, user_id), keys.USER_SK).update(
            actions=[UserItem.platform_admin.set(True)], condition=UserItem.pk.exists()
        )

    def create_sign_in_link(self, link: SignInLink, token_hash: str) -> None:
        SignInLinkItem(
            keys.sign_in_link_pk(link.platform, link.id),
            keys.SIGN_IN_LINK_SK,
            id=link.id,
            user_id=link.user_id,
            token_hash=token_hash,
            created_at=link.created_at,
            expires_at=link.expires_at,
            ttl=link.expires_at,
        ).save(condition=SignInLinkItem.pk.does_not_exist())

    def get_sign_in_link(self, platform: str, link_id: str) -> tuple[SignInLink, str] | None:
        key = keys.sign_in_link_pk(platform, link_id)
        item = get_or_none(SignInLinkItem, key, keys.SIGN_IN_LINK_SK, consistent_read=True)
        if item is None:
            return None
        link = SignInLink(
            id=item.id,
            platform=platform,
            user_id=item.user_id,
            created_at=item.created_at,
            expires_at=item.expires_at,
            used_at=item.used_at,
        )
        return link, item.token_hash

    def redeem_sign_in_link(
        self, link: SignInLink, token_hash: str, password_hash: str, at: datetime
    ) -> bool:
        """In one transaction: spend the link (once, only with the hash it was made with) and give its
        user the new password, unlocked, with every earlier token dead; False if it was already spent."""
        try:
            with _transaction() as tx:
                tx.update(
                    SignInLinkItem(keys.sign_in_link_pk(link.platform, link.id), keys.SIGN_IN_LINK_SK),
                    actions=[SignInLinkItem.used_at.set(at)],
                    condition=(
                        SignInLinkItem.pk.exists()
                        & SignInLinkItem.used_at.does_not_exist()
                        & (SignInLinkItem.token_hash == token_hash)
                    ),
                )
                tx.update(
                    UserItem(keys.user_pk(link.platform, link.user_id), keys.USER_SK),
                    actions=_reset_actions(password_hash),
                    condition=UserItem.pk.exists(),
                )
        except TransactWriteError as exc:
            if refused(exc):
                return False
            raise
        return True

    # --- refresh-token families ---

    def create_refresh_family(
        self,
        platform: str,
        family_id: str,
        user_id: str,
        token_hash: str,
        expires_at: datetime,
        *,
        token_version: int = 0,
    ) -> None:
        RefreshFamilyItem(
            keys.refresh_family_pk(platform, family_id),
            keys.REFRESH_SK,
            user_id=user_id,
            current_hash=token_hash,
            expires_at=expires_at,
            ttl=expires_at,
            token_version=token_version,
        ).save(condition=RefreshFamilyItem.pk.does_not_exist())

    def get_refresh_family(self, platform: str, family_id: str) -> RefreshFamilyItem | None:
        return get_or_none(
            RefreshFamilyItem,
            keys.refresh_family_pk(platform, family_id),
            keys.REFRESH_SK,
            consistent_read=True,
        )

    def rotate_refresh(self, platform: str, family_id: str, presented_hash: str, new_hash: str) -> bool:
        """Swap the family's current hash if it is still ``presented_hash`` (one winner under races)."""
        item = RefreshFamilyItem(keys.refresh_family_pk(platform, family_id), keys.REFRESH_SK)
        try:
            item.update(
                actions=[
                    RefreshFamilyItem.current_hash.set(new_hash),
                    RefreshFamilyItem.used_hashes.add({presented_hash}),
                ],
                condition=(RefreshFamilyItem.current_hash == presented_hash)
                & (RefreshFamilyItem.revoked == False),  # noqa: E712 - a DynamoDB condition, not a bool
            )
        except UpdateError as exc:
            if refused(exc):
                return False
            raise
        return True

    def revoke_refresh_family(self, platform: str, family_id: str) -> None:
        item = RefreshFamilyItem(keys.refresh_family_pk(platform, family_id), keys.REFRESH_SK)
        try:
            item.update(
                actions=[RefreshFamilyItem.revoked.set(True)], condition=RefreshFamilyItem.pk.exists()
            )
        except UpdateError as exc:
            if not refused(exc):
                raise

    # --- console sessions ---

    def create_console_session(
        self, platform: str, store: str | None, session_id: str, item: ConsoleSessionItem
    ) -> None:
        item.pk = keys.console_session_pk(platform, store, session_id)
        item.sk = keys.CONSOLE_SESSION_SK
        item.save(condition=ConsoleSessionItem.pk.does_not_exist())

    def get_console_session(
        self, platform: str, store: str | None, session_id: str, user_id: str
    ) -> tuple[ConsoleSessionItem | None, User | None, Membership | None]:
        """The session, its user and the user's membership in ``store`` (none for a platform console
        session), in one consistent BatchGetItem: all a console request reads to know who is asking and
        what they may do."""
        session: ConsoleSessionItem | None = None
        user: User | None = None
        membership: Membership | None = None
        wanted = [
            (keys.console_session_pk(platform, store, session_id), keys.CONSOLE_SESSION_SK),
            (keys.user_pk(platform, user_id), keys.USER_SK),
        ]
        if store is not None:
            wanted.append((keys.store_members_pk(platform, store), keys.member_sk(user_id)))
        for item in TableItem.batch_get(wanted, consistent_read=True):
            if isinstance(item, ConsoleSessionItem):
                session = item
            elif isinstance(item, UserItem):
                user = item.to_model()
            elif isinstance(item, MembershipItem):
                membership = item.to_model()
        return session, user, membership

    def touch_console_session(
        self, platform: str, store: str | None, session_id: str, seen_at: datetime
    ) -> None:
        item = ConsoleSessionItem(
            keys.console_session_pk(platform, store, session_id), keys.CONSOLE_SESSION_SK
        )
        try:
            item.update(
                actions=[ConsoleSessionItem.last_seen_at.set(seen_at)],
                condition=ConsoleSessionItem.pk.exists(),
            )
        except UpdateError as exc:
            if not refused(exc):
                raise

    def delete_console_session(self, platform: str, store: str | None, session_id: str) -> None:
        ConsoleSessionItem(
            keys.console_session_pk(platform, store, session_id), keys.CONSOLE_SESSION_SK
        ).delete()

    def set_language(self, platform: str, user_id: str, language: str | None) -> None:
        action = UserItem.language.set(language) if language else UserItem.language.remove()
        UserItem(keys.user_pk(platform, user_id), keys.USER_SK).update(
            actions=[action], condition=UserItem.pk.exists()
        )

    def raise_token_version(self, platform: str, user_id: str) -> None:
        """Every token and console session the user holds dies at once (sign out everywhere)."""
        UserItem(keys.user_pk(platform, user_id), keys.USER_SK).update(
            actions=[UserItem.token_version.add(1)], condition=UserItem.pk.exists()
        )

    def change_password_hash(self, platform: str, user_id: str, password_hash: str) -> None:
        """A new password hash and a raised token version (every other session and token dies)."""
        UserItem(keys.user_pk(platform, user_id), keys.USER_SK).update(
            actions=[UserItem.password_hash.set(password_hash), UserItem.token_version.add(1)],
            condition=UserItem.pk.exists(),
        )

    # --- welcome tokens (a new merchant's first session, on the store's own host) ---

    def create_welcome(
        self,
        platform: str,
        store: str,
        welcome_id: str,
        *,
        user_id: str,
        token_hash: str,
        expires_at: datetime,
    ) -> None:
        WelcomeItem(
            keys.welcome_pk(platform, store, welcome_id),
            keys.WELCOME_SK,
            user_id=user_id,
            token_hash=token_hash,
            expires_at=expires_at,
            ttl=expires_at,
        ).save(condition=WelcomeItem.pk.does_not_exist())

    def spend_welcome(
        self, platform: str, store: str, welcome_id: str, token_hash: str
    ) -> WelcomeItem | None:
        """Delete the token if its hash matches (once: a second use finds nothing); the item it was."""
        item = get_or_none(
            WelcomeItem, keys.welcome_pk(platform, store, welcome_id), keys.WELCOME_SK, consistent_read=True
        )
        if item is None:
            return None
        try:
            item.delete(condition=WelcomeItem.pk.exists() & (WelcomeItem.token_hash == token_hash))
        except DeleteError as exc:
            if refused(exc):
                return None
            raise
        return item

    # --- login counters ---

    def read_counters(
        self, platform: str, subjects: Iterable[tuple[str, str]], window: str
    ) -> dict[str, int]:
        """Failure counts of ``(scope, subject)`` pairs in ``window``, keyed by scope (1 BatchGetItem)."""
        wanted = {keys.rate_limit_pk(platform, scope, subject): scope for scope, subject in subjects}
        counts = dict.fromkeys(wanted.values(), 0)
        for item in LoginCounterItem.batch_get([(pk, window) for pk in wanted]):
            if isinstance(item, LoginCounterItem):
                counts[wanted[item.pk]] = int(item.failures)
        return counts

    def count_failure(
        self, platform: str, scope: str, subject: str, window: str, expires_at: datetime
    ) -> None:
        LoginCounterItem(keys.rate_limit_pk(platform, scope, subject), window).update(
            actions=[
                LoginCounterItem.failures.add(1),
                LoginCounterItem.ttl.set(expires_at),
                LoginCounterItem.kind.set(LoginCounterItem),
            ]
        )

    # --- internals ---

    @staticmethod
    def _add_user(tx: TransactWrite, user: User, password_hash: str) -> None:
        tx.save(
            EmailItem(keys.user_email_pk(user.platform, user.email), keys.EMAIL_SK, user_id=user.id),
            condition=EmailItem.pk.does_not_exist(),
        )
        tx.save(
            UserItem(
                keys.user_pk(user.platform, user.id),
                keys.USER_SK,
                id=user.id,
                platform=user.platform,
                email=user.email,
                name=user.name,
                password_hash=password_hash,
                active=user.active,
                platform_admin=user.platform_admin,
                created_at=user.created_at or datetime.now(UTC),
                gsi1pk=keys.platform_users_gsi1pk(user.platform),
                gsi1sk=f"{user.email}#{user.id}",
            ),
            condition=UserItem.pk.does_not_exist(),
        )

    def _add_membership(self, tx: TransactWrite, user: User, store: str, role: Role) -> None:
        tx.save(
            MembershipItem(
                keys.store_members_pk(user.platform, store),
                keys.member_sk(user.id),
                gsi1pk=keys.user_memberships_gsi1pk(user.platform, user.id),
                gsi1sk=store,
                user_id=user.id,
                platform=user.platform,
                store=store,
                role=role.value,
                email=user.email,
                name=user.name,
                created_at=datetime.now(UTC),
            ),
            condition=MembershipItem.pk.does_not_exist(),
        )
        if role is Role.OWNER:
            self._count_owner_change(tx, user.platform, store, None, role)

    @staticmethod
    def _count_owner_change(
        tx: TransactWrite, platform: str, store: str, old: Role | None, new: Role | None
    ) -> None:
        delta = int(new is Role.OWNER) - int(old is Role.OWNER)
        if delta == 0:
            return
        team = TeamItem(keys.store_members_pk(platform, store), keys.TEAM_SK)
        condition: Condition | None = TeamItem.owners > 1 if delta < 0 else None
        tx.update(
            team,
            actions=[TeamItem.owners.add(delta), TeamItem.kind.set(TeamItem)],
            condition=condition,
        )

    @staticmethod
    @contextmanager
    def _guarded(message: str) -> Iterator[None]:
        """Turn a failed condition of the write inside into a Conflict with ``message``."""
        try:
            yield
        except (PutError, TransactWriteError, UpdateError) as exc:
            if refused(exc):
                raise Conflict(message) from exc
            raise
