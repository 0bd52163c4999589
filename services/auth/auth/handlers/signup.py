"""Ny kund: a company registers with its first administrator, who then verifies the e-mail."""

import logging

from auth.domain import fields, mails, orgnumber, passwords
from auth.domain.errors import InvalidInput
from auth.domain.throttle import (
    MAIL_ADDRESS,
    REGISTER_ALL,
    REGISTER_EMAIL,
    REGISTER_NETWORK,
    client_network,
)
from auth.handlers import Services, links
from auth.handlers.throttling import may_mail, reserve

log = logging.getLogger(__name__)
NEW_CUSTOMER_APPS = ["resultat-finans"]


def _validated(form: dict) -> dict:
    problems, clean = {}, {}
    for key, label, limit in (
        ("company_name", "företagets namn", fields.COMPANY_MAX),
        ("name", "ditt namn", fields.NAME_MAX),
    ):
        clean[key], error = fields.text(form.get(key), label, limit)
        if error:
            problems[key] = error
    clean["email"], error = fields.email(form.get("email"))
    if error:
        problems["email"] = error
    raw_number = (form.get("org_number") or "").strip()
    clean["org_number"] = orgnumber.normalise(raw_number[:40])
    if not raw_number:
        problems["org_number"] = "Ange organisationsnummer."
    elif clean["org_number"] is None:
        problems["org_number"] = "Ogiltigt organisationsnummer. Skriv det som 559192-5788."
    password = form.get("password") or ""
    context = (clean["email"], clean["email"].split("@")[0], clean["company_name"])
    password_problems = passwords.problems(password, context=context)
    if password_problems:
        problems["password"] = password_problems[0]
    if problems:
        raise InvalidInput(fields=problems)
    clean["password"] = password
    return clean


def register(svc: Services, form: dict, client_address: str) -> None:
    """Create the organisation and its first administrator, unverified, and mail the link.

    The caller gets the same answer whether or not the address has an account or the company
    is a customer already; the owners are told by mail instead, so the form reveals neither.
    An address only invited (never accepted) may still register: the invitation gives way.
    """
    clean = _validated(form)
    now = svc.clock()
    _count_registration(svc, clean["email"], client_address, now)
    password_hash = svc.hasher.hash(clean["password"])
    with svc.accounts.transaction() as rows:
        if rows.org_number_taken(clean["org_number"]):
            _tell_the_company(rows, clean, now)
            return
        existing = rows.user_by_email(clean["email"])
        if existing is not None and _pending_invitee(existing):
            _release_invitation(rows, existing)
        elif existing is not None:
            if may_mail(rows, existing["email"], now):
                message = mails.already_registered(
                    existing["name"], svc.link("/logga-in"), svc.link("/glomt-losenord")
                )
                rows.mail(now, existing["email"], message.subject, message.body)
            return
        org = rows.insert_org(name=clean["company_name"], org_number=clean["org_number"])
        rows.enable_apps(org["id"], NEW_CUSTOMER_APPS)
        user_id = rows.insert_user(
            email=clean["email"], name=clean["name"], password_hash=password_hash
        )
        rows.add_member(org["id"], user_id, "administrator")
        publish_new_org(rows, org, NEW_CUSTOMER_APPS)
        publish_new_member(rows, org["id"], user_id, clean["name"], "administrator", "signup")
        link = links.issue(svc, rows, "verify", user_id)
        message = mails.verify_email(clean["name"], clean["company_name"], link)
        rows.mail(svc.clock(), clean["email"], message.subject, message.body)
    log.info("customer registered", extra={"org_id": org["id"], "user_id": user_id})


def _tell_the_company(rows, clean: dict, now) -> None:
    """The organisation is a customer already: the caller gets the same answer as a new one,
    its administrators and the person registering a mail (so the form reveals no customer)."""
    admins = rows.active_admins_of_org_number(clean["org_number"])
    for admin in admins:
        if may_mail(rows, admin["email"], now):
            message = mails.company_already_customer(
                admin["name"], admin["company"], clean["org_number"], clean["email"]
            )
            rows.mail(now, admin["email"], message.subject, message.body)
    if may_mail(rows, clean["email"], now):
        message = mails.registration_not_completed(clean["name"], clean["company_name"])
        rows.mail(now, clean["email"], message.subject, message.body)


def _pending_invitee(user: dict) -> bool:
    """Invited, never accepted: the address is not theirs to keep from its owner."""
    return user["password_hash"] is None and user["email_verified_at"] is None


def _release_invitation(rows, invitee: dict) -> None:
    """The invitee registers on their own: the open invitation (and its link) gives way."""
    rows.delete_user(invitee["id"])
    if invitee["org_id"] is not None:
        org_id = str(invitee["org_id"])
        data = {"user_id": invitee["id"], "org_id": org_id, "change": "removed", "role": None}
        rows.publish("membership.changed", org_id, data)
    log.info("open invitation given way to a registration", extra={"user_id": str(invitee["id"])})


def _count_registration(svc: Services, email: str, client_address: str, now) -> None:
    """Count the attempt, or refuse it with Throttled, before its password is hashed (argon2id
    costs 19 MiB and tens of milliseconds: a flood must stop before it)."""
    with svc.accounts.transaction() as rows:
        reserve(
            rows,
            [
                (REGISTER_NETWORK, f"register-network:{client_network(client_address)}"),
                (REGISTER_EMAIL, f"register-email:{email.casefold()}"),
                (REGISTER_ALL, "register-all"),
                (MAIL_ADDRESS, f"mail-address:{client_address}"),
            ],
            now,
        )


def verify_email(svc: Services, token: str | None) -> dict:
    """Mark the address verified; the person logs in next (verification is not a log-in)."""
    with svc.accounts.transaction() as rows:
        user = links.take(svc, rows, "verify", token)
        links.consume(svc, rows, "verify", str(user["id"]))
        org_id = str(user["org_id"])
        if rows.mark_verified(user["id"], svc.clock()):
            rows.publish("user.verified", org_id, {"user_id": user["id"], "org_id": org_id})
    return {"name": user["name"], "email": user["email"]}


def publish_new_org(rows, org: dict, apps: list[str]) -> None:
    data = {
        "org_id": org["id"],
        "name": org["name"],
        "organisation_number": org["org_number"],
        "customer_number": org["customer_number"],
        "apps": apps,
    }
    rows.publish("org.created", str(org["id"]), data)


def publish_new_member(rows, org_id, user_id, name: str, role: str, via: str) -> None:
    rows.publish(
        "user.registered",
        str(org_id),
        {"user_id": user_id, "org_id": org_id, "name": name, "role": role, "via": via},
    )
    rows.publish(
        "membership.changed",
        str(org_id),
        {"user_id": user_id, "org_id": org_id, "change": "added", "role": role},
    )
