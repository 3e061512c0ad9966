"""Account Lambda: a shopper's account pages on a store host (/account/...), in the shop's theme.

Thin: it reads the session cookie and forms, checks every POST's origin and token, calls
orion.customers and shapes pages, redirects and cookies. Nothing here is cacheable.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.shared.cookies import Cookie
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.common import edge
from functions.common.edge import Refusal, http_entry
from functions.common.shopper import (
    SECURITY_HEADERS,
    account_cookie_name,
    error_page,
    form_data,
    handle_shopper_request,
    not_found_page,
    page_response,
    refused_before_routing,
    shopper_request_of,
    signing_secret,
    site_url,
    validated,
)
from orion.customers import service as accounts
from orion.customers.models import (
    FIELD_HINTS,
    SESSION_LIFETIME,
    AddressForm,
    DeleteForm,
    EmailChangeForm,
    LoginForm,
    PasswordChangeForm,
    RegisterForm,
    ResetForm,
    ResetRequestForm,
    ShopperSession,
)
from orion.errors import Forbidden, Gone, Invalid, NotFound, OrionError, TooManyRequests, Unauthorized
from orion.observability import logger, metrics, tracer
from orion.orders.checkout import csrf
from orion.orders.checkout.pages import order_view
from orion.orders.models import COUNTRIES
from orion.storefront.pages import PRIVATE_NO_STORE
from orion.storefront.shop import ShopperRequest, shop_pages
from orion.tenancy.models import HostKind, ResolvedTenant

app = APIGatewayHttpResolver()
NO_STORE = {**SECURITY_HEADERS, "Cache-Control": PRIVATE_NO_STORE}
answered = edge.PageOrJson(app, NO_STORE)
# One-time notices a redirect asks the next page to show (``?notice=``): a code, never free text.
NOTICES = {
    "verified": "Thank you: your e-mail address is confirmed.",
    "signed-in": "You are signed in.",
    "password": "Your password was changed. Other devices were signed out.",
    "email": "We sent a confirmation link to your new address. Your address changes when you open it.",
    "address-saved": "The address was saved.",
    "address-deleted": "The address was deleted.",
    "profile": "Your name was saved.",
    "resent": "We sent you a new confirmation link.",
}


# --- request parsing --------------------------------------------------------------------------------


def store_tenant() -> ResolvedTenant:
    resolved: ResolvedTenant = app.context["tenant"]
    if resolved.host_kind is not HostKind.STORE:
        raise NotFound()
    return resolved


def request() -> ShopperRequest:
    return shopper_request_of(app.current_event.raw_event)


def lang(resolved: ResolvedTenant) -> str:
    return shop_pages().language(resolved, request())


def session_cookie(resolved: ResolvedTenant, value: str) -> Cookie:
    return edge.private_cookie(account_cookie_name(resolved), value, int(SESSION_LIFETIME.total_seconds()))


def forget_cookie(resolved: ResolvedTenant) -> Cookie:
    return edge.private_cookie(account_cookie_name(resolved), "", 0)


def session_cookie_value(resolved: ResolvedTenant) -> str | None:
    return edge.read_cookie(app.current_event.cookies, account_cookie_name(resolved))


def current_session(resolved: ResolvedTenant) -> ShopperSession | None:
    """The signed-in shopper (one BatchGetItem), or None; an account deleted meanwhile is a 410 page
    that also forgets the cookie."""
    cookie = session_cookie_value(resolved)
    if cookie is None:
        return None
    try:
        return accounts.resume(resolved.tenant, cookie)
    except Gone:
        app.append_context(forget=True)
        raise


def source() -> str:
    return app.current_event.request_context.http.source_ip or "unknown"


def posted(resolved: ResolvedTenant, session: ShopperSession | None) -> dict[str, Any]:
    """The form, after checking it came from this shop: same origin, and the token of the session
    (signed in) or of the store (sign-in, sign-up and reset forms)."""
    data = form_data(app.current_event.decoded_body, app.current_event.headers)
    check_forgery(resolved, session, data)
    return data


def check_forgery(resolved: ResolvedTenant, session: ShopperSession | None, data: dict[str, Any]) -> None:
    headers = app.current_event.headers
    token = data.get("csrf_token") if isinstance(data.get("csrf_token"), str) else None
    if session is not None:
        # Another origin is refused outright; the session's own token is required either way.
        csrf.check_origin(
            edge.viewer_scheme(headers),
            edge.viewer_host(headers),
            headers.get("origin"),
            headers.get("referer"),
        )
        if not accounts.csrf_matches(session, token):
            raise Forbidden(csrf.FORGED)
    else:
        csrf.check_request(
            signing_secret(),
            resolved.tenant,
            None,
            scheme=edge.viewer_scheme(headers),
            host=edge.viewer_host(headers),
            origin=headers.get("origin"),
            referer=headers.get("referer"),
            token=token,
            token_required=True,
        )


def anonymous_token(resolved: ResolvedTenant) -> str:
    return csrf.csrf_token(signing_secret(), resolved.tenant, None)


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path of this store only (never another site)."""
    text = (value or "").strip()
    if not text.startswith("/") or text.startswith("//") or "\\" in text or len(text) > 500:
        return "/account"
    return text


# --- responses --------------------------------------------------------------------------------------


def page(
    resolved: ResolvedTenant,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    session: ShopperSession | None = None,
    cookies: list[Cookie] | None = None,
) -> Response[str]:
    token = session.csrf_token if session else anonymous_token(resolved)
    notice = NOTICES.get(request().get("notice") or "")
    shown = shop_pages().private_page(
        resolved,
        request(),
        template,
        {
            "csrf_token": token,
            "account": session.customer if session else None,
            "notice": notice,
            "countries": COUNTRIES,
            **context,
        },
        status,
    )
    response = page_response(shown)
    response.cookies.extend(cookies or [])
    return response


def see_other(resolved: ResolvedTenant, path: str, cookies: list[Cookie] | None = None) -> Response[str]:
    """A 303 to ``path`` on the store, keeping a language the shopper chose (``?lang=``)."""
    chosen = (request().get("lang") or "").lower()
    if chosen and chosen == lang(resolved):
        path += ("&" if "?" in path else "?") + urlencode({"lang": chosen})
    return Response(
        303, headers={**NO_STORE, "Location": resolved.base_path + path}, body="", cookies=cookies or []
    )


def to_sign_in(resolved: ResolvedTenant) -> Response[str]:
    here = app.current_event.path
    return see_other(resolved, "/account/login?" + urlencode({"next": here}))


def form_again(
    resolved: ResolvedTenant,
    template: str,
    data: dict[str, Any],
    error: OrionError,
    session: ShopperSession | None = None,
    **context: Any,
) -> Response[str]:
    """The form once more with the shopper's entries (never the passwords) and a message per field."""
    values = {k: str(v) for k, v in data.items() if "password" not in k and k != "csrf_token"}
    return page(
        resolved,
        template,
        {
            "values": values,
            "errors": {e.field: e.message for e in error.errors},
            "message": str(error) if not error.errors or isinstance(error, TooManyRequests) else None,
            **context,
        },
        status=error.status,
        session=session,
    )


def signed_in(route: Callable[..., Response[str]]) -> Callable[..., Response[str]]:
    """A page for signed-in shoppers only (others are sent to sign in and come back): the route gets
    the store, the session and its path parameters."""

    def guarded(**params: str) -> Response[str]:
        resolved = store_tenant()
        session = current_session(resolved)
        if session is None:
            return to_sign_in(resolved)
        return route(resolved, session, **params)

    return guarded


# --- sign-up, sign-in, sign-out ---------------------------------------------------------------------


@app.get("/account/register")
@tracer.capture_method
def register_form() -> Response[str]:
    resolved = store_tenant()
    values = {"email": request().get("email") or ""}
    return page(resolved, "account_register.html", {"values": values, "errors": {}})


@app.post("/account/register")
@tracer.capture_method
def register() -> Response[str]:
    resolved = store_tenant()
    data = posted(resolved, None)
    try:
        form: RegisterForm = validated(RegisterForm, data, FIELD_HINTS)
        accounts.register(
            resolved.tenant,
            form,
            source(),
            lang=lang(resolved),
            site_url=site_url(resolved, app.current_event.headers),
            store_name=store_name(resolved),
        )
    except (Invalid, TooManyRequests) as error:
        return form_again(resolved, "account_register.html", data, error)
    metrics.add_metric(name="AccountSignUps", unit="Count", value=1)
    # The same page whether the address had an account or not: the e-mail tells the difference.
    return page(resolved, "account_check_email.html", {"email": str(form.email)})


@app.get("/account/verify")
@tracer.capture_method
def verify_form() -> Response[str]:
    """The e-mail's link shows a button rather than confirming at once: mail scanners that open links
    would otherwise use it up before the shopper does."""
    resolved = store_tenant()
    token = request().get("token") or ""
    if not accounts.link_usable(resolved.tenant, token, "verify"):
        raise Gone(accounts.LINK_UNUSABLE)
    return page(resolved, "account_verify.html", {"token": token})


@app.post("/account/verify")
@tracer.capture_method
def verify() -> Response[str]:
    """With the link's ``token``: confirm the address and sign in. Without (signed in): send a new link."""
    resolved = store_tenant()
    data = form_data(app.current_event.decoded_body, app.current_event.headers)
    if "token" in data:
        check_forgery(resolved, None, data)
        opened, _ = accounts.verify(resolved.tenant, str(data["token"]))
        return see_other(resolved, "/account?notice=verified", [session_cookie(resolved, opened.cookie)])
    session = current_session(resolved)
    if session is None:
        return to_sign_in(resolved)
    check_forgery(resolved, session, data)
    accounts.resend_verification(
        resolved.tenant,
        session,
        source(),
        lang=lang(resolved),
        site_url=site_url(resolved, app.current_event.headers),
        store_name=store_name(resolved),
    )
    return see_other(resolved, "/account?notice=resent")


@app.get("/account/login")
@tracer.capture_method
def login_form() -> Response[str]:
    resolved = store_tenant()
    values = {"next": safe_next(request().get("next"))}
    return page(resolved, "account_login.html", {"values": values, "errors": {}})


@app.post("/account/login")
@tracer.capture_method
def login() -> Response[str]:
    resolved = store_tenant()
    data = posted(resolved, None)
    try:
        form: LoginForm = validated(LoginForm, data, FIELD_HINTS)
        opened = accounts.sign_in(resolved.tenant, form.email, form.password, source(), lang=lang(resolved))
    except (Invalid, Unauthorized, TooManyRequests) as error:
        metrics.add_metric(name="AccountSignInsRefused", unit="Count", value=1)
        return form_again(resolved, "account_login.html", data, error)
    # A session cookie a previous visitor of this browser held is replaced, and its session ended.
    accounts.end_session(resolved.tenant, session_cookie_value(resolved))
    return see_other(resolved, safe_next(form.next), [session_cookie(resolved, opened.cookie)])


@app.post("/account/logout")
@tracer.capture_method
def logout() -> Response[str]:
    resolved = store_tenant()
    session = current_session(resolved)
    if session is not None:
        posted(resolved, session)
        accounts.sign_out(resolved.tenant, session)
    return see_other(resolved, "/", [forget_cookie(resolved)])


# --- the account ------------------------------------------------------------------------------------


@app.get("/account")
@tracer.capture_method
@signed_in
def overview(resolved: ResolvedTenant, session: ShopperSession) -> Response[str]:
    after = request().get("after")
    orders, next_cursor = accounts.account_orders(resolved.tenant, session.customer, after=after)
    return page(
        resolved,
        "account.html",
        {"orders": [o.model_dump(mode="json") for o in orders], "next_cursor": next_cursor, "errors": {}},
        session=session,
    )


@app.post("/account/profile")
@tracer.capture_method
@signed_in
def save_profile(resolved: ResolvedTenant, session: ShopperSession) -> Response[str]:
    data = posted(resolved, session)
    try:
        accounts.update_profile(resolved.tenant, session, str(data.get("name") or ""))
    except Invalid as error:
        orders, next_cursor = accounts.account_orders(resolved.tenant, session.customer)
        return form_again(
            resolved,
            "account.html",
            data,
            error,
            session,
            orders=[o.model_dump(mode="json") for o in orders],
            next_cursor=next_cursor,
        )
    return see_other(resolved, "/account?notice=profile")


@app.get("/account/orders/<order_id>")
@tracer.capture_method
@signed_in
def account_order(resolved: ResolvedTenant, session: ShopperSession, order_id: str) -> Response[str]:
    order = accounts.account_order(resolved.tenant, session.customer, order_id)
    return page(resolved, "order.html", {"order": order_view(order), "just_placed": False}, session=session)


@app.get("/account/addresses")
@tracer.capture_method
@signed_in
def addresses(resolved: ResolvedTenant, session: ShopperSession) -> Response[str]:
    return page(resolved, "account_addresses.html", {"values": {}, "errors": {}}, session=session)


@app.post("/account/addresses")
@tracer.capture_method
@signed_in
def add_address(resolved: ResolvedTenant, session: ShopperSession) -> Response[str]:
    data = posted(resolved, session)
    try:
        form: AddressForm = validated(AddressForm, data, FIELD_HINTS)
        accounts.add_address(resolved.tenant, session, form)
    except Invalid as error:
        return form_again(resolved, "account_addresses.html", data, error, session)
    return see_other(resolved, "/account/addresses?notice=address-saved")


@app.get("/account/addresses/<address_id>")
@tracer.capture_method
@signed_in
def edit_address_form(resolved: ResolvedTenant, session: ShopperSession, address_id: str) -> Response[str]:
    address = session.customer.address(address_id)
    if address is None:
        raise NotFound("This address is not in your account.")
    values = address.model_dump()
    values["make_default"] = session.customer.default_address_id == address_id
    return page(
        resolved,
        "account_address.html",
        {"address": address, "values": values, "errors": {}},
        session=session,
    )


@app.post("/account/addresses/<address_id>")
@tracer.capture_method
@signed_in
def edit_address(resolved: ResolvedTenant, session: ShopperSession, address_id: str) -> Response[str]:
    data = posted(resolved, session)
    address = session.customer.address(address_id)
    if address is None:
        raise NotFound("This address is not in your account.")
    try:
        form: AddressForm = validated(AddressForm, data, FIELD_HINTS)
        accounts.update_address(resolved.tenant, session, address_id, form)
    except Invalid as error:
        return form_again(resolved, "account_address.html", data, error, session, address=address)
    return see_other(resolved, "/account/addresses?notice=address-saved")


@app.post("/account/addresses/<address_id>/delete")
@tracer.capture_method
@signed_in
def delete_address(resolved: ResolvedTenant, session: ShopperSession, address_id: str) -> Response[str]:
    posted(resolved, session)
    accounts.delete_address(resolved.tenant, session, address_id)
    return see_other(resolved, "/account/addresses?notice=address-deleted")


@app.post("/account/addresses/<address_id>/default")
@tracer.capture_method
@signed_in
def default_address(resolved: ResolvedTenant, session: ShopperSession, address_id: str) -> Response[str]:
    posted(resolved, session)
    accounts.choose_default_address(resolved.tenant, session, address_id)
    return see_other(resolved, "/account/addresses?notice=address-saved")


@app.get("/account/password")
@tracer.capture_method
@signed_in
def password_form(resolved: ResolvedTenant, session: ShopperSession) -> Response[str]:
    return page(resolved, "account_password.html", {"values": {}, "errors": {}}, session=session)


@app.post("/account/password")
@tracer.capture_method
@signed_in
def change_password(resolved: ResolvedTenant, session: ShopperSession) -> Response[str]:
    data = posted(resolved, session)
    try:
        form: PasswordChangeForm = validated(PasswordChangeForm, data, FIELD_HINTS)
        opened = accounts.change_password(
            resolved.tenant, session, form.current_password, form.new_password, source()
        )
    except (Invalid, TooManyRequests) as error:
        return form_again(resolved, "account_password.html", data, error, session)
    return see_other(resolved, "/account?notice=password", [session_cookie(resolved, opened.cookie)])


@app.get("/account/email")
@tracer.capture_method
@signed_in
def email_form(resolved: ResolvedTenant, session: ShopperSession) -> Response[str]:
    return page(resolved, "account_email.html", {"values": {}, "errors": {}}, session=session)


@app.post("/account/email")
@tracer.capture_method
@signed_in
def change_email(resolved: ResolvedTenant, session: ShopperSession) -> Response[str]:
    data = posted(resolved, session)
    try:
        form: EmailChangeForm = validated(EmailChangeForm, data, FIELD_HINTS)
        accounts.request_email_change(
            resolved.tenant,
            session,
            str(form.new_email),
            form.current_password,
            source(),
            lang=lang(resolved),
            site_url=site_url(resolved, app.current_event.headers),
            store_name=store_name(resolved),
        )
    except (Invalid, TooManyRequests) as error:
        return form_again(resolved, "account_email.html", data, error, session)
    return see_other(resolved, "/account?notice=email")


# --- password reset ---------------------------------------------------------------------------------


@app.get("/account/reset")
@tracer.capture_method
def reset_form() -> Response[str]:
    resolved = store_tenant()
    token = request().get("token")
    if token is None:
        return page(resolved, "account_reset.html", {"values": {}, "errors": {}, "token": None})
    if not accounts.link_usable(resolved.tenant, token, "reset"):
        raise Gone(accounts.LINK_UNUSABLE)
    return page(resolved, "account_reset.html", {"values": {}, "errors": {}, "token": token})


@app.post("/account/reset")
@tracer.capture_method
def reset() -> Response[str]:
    resolved = store_tenant()
    data = posted(resolved, None)
    if "token" in data:  # the link's form: the new password
        if not accounts.link_usable(resolved.tenant, str(data["token"]), "reset"):
            raise Gone(accounts.LINK_UNUSABLE)
        try:
            form: ResetForm = validated(ResetForm, data, FIELD_HINTS)
            opened = accounts.reset_password(resolved.tenant, form.token, form.new_password)
        except Invalid as error:
            return form_again(resolved, "account_reset.html", data, error, token=str(data.get("token")))
        return see_other(resolved, "/account?notice=password", [session_cookie(resolved, opened.cookie)])
    try:
        asked: ResetRequestForm = validated(ResetRequestForm, data, FIELD_HINTS)
        accounts.request_reset(
            resolved.tenant,
            asked.email,
            source(),
            lang=lang(resolved),
            site_url=site_url(resolved, app.current_event.headers),
            store_name=store_name(resolved),
        )
    except (Invalid, TooManyRequests) as error:
        return form_again(resolved, "account_reset.html", data, error, token=None)
    # The same page for every address: whether it has an account is told to that address only.
    return page(resolved, "account_check_email.html", {"email": asked.email, "reset": True})


# --- privacy ----------------------------------------------------------------------------------------


@app.get("/account/data")
@tracer.capture_method
@signed_in
def download_data(resolved: ResolvedTenant, session: ShopperSession) -> Response[str]:
    exported = accounts.export_data(resolved.tenant, session.customer.id)
    filename = f"account-{resolved.tenant.store}-{session.customer.id}.json"
    return Response(
        200,
        "application/json",
        json.dumps(exported, indent=2, ensure_ascii=False),
        headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{quote(filename)}"'},
    )


@app.get("/account/delete")
@tracer.capture_method
@signed_in
def delete_form(resolved: ResolvedTenant, session: ShopperSession) -> Response[str]:
    return page(resolved, "account_delete.html", {"values": {}, "errors": {}}, session=session)


@app.post("/account/delete")
@tracer.capture_method
@signed_in
def delete_account(resolved: ResolvedTenant, session: ShopperSession) -> Response[str]:
    data = posted(resolved, session)
    try:
        form: DeleteForm = validated(DeleteForm, data, FIELD_HINTS)
        accounts.delete_account(resolved.tenant, session, form.current_password, source())
    except (Invalid, TooManyRequests) as error:
        return form_again(resolved, "account_delete.html", data, error, session)
    metrics.add_metric(name="AccountsDeleted", unit="Count", value=1)
    return page(resolved, "account_deleted.html", {}, cookies=[forget_cookie(resolved)])


# --- errors -----------------------------------------------------------------------------------------


def store_name(resolved: ResolvedTenant) -> str:
    return resolved.store.name if resolved.store else resolved.tenant.require_store()


def current_tenant_or_none() -> ResolvedTenant | None:
    resolved: ResolvedTenant | None = app.context.get("tenant")
    return resolved


def private_error_page(error: OrionError) -> Response[str]:
    shown = error_page(current_tenant_or_none(), error, request())
    response = page_response(shown.__class__(shown.status, shown.html, PRIVATE_NO_STORE, shown.headers))
    resolved = current_tenant_or_none()
    if app.context.get("forget") and resolved is not None:
        response.cookies.append(forget_cookie(resolved))
    return response


@app.not_found
def not_found(_: Exception) -> Response[str]:
    return answered.answer(
        Refusal(NotFound(), page=lambda _: page_response(not_found_page(current_tenant_or_none(), request())))
    )


@app.exception_handler(OrionError)
def orion_error(error: OrionError) -> Response[str]:
    return answered.answer(Refusal(error, page=private_error_page))


@app.exception_handler(Exception)
def unexpected_error(error: Exception) -> Response[str]:
    logger.exception("unexpected account error")
    metrics.add_metric(name="AccountErrors", unit="Count", value=1)
    return answered.answer(
        Refusal(OrionError("Something went wrong; please try again."), page=private_error_page)
    )


@http_entry(refuse=refused_before_routing)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle_shopper_request(app, event, context)
