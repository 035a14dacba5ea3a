"""How a person's phone number and e-mail address are shown to everyone but their owner.

Other apps (the order admin, the merchant console) mask the phone numbers they show with these.
"""


def mask_phone(phone: str | None) -> str:
    """13800138000 -> 138****8000. Shown to everyone but the owner."""
    if not phone:
        return ""
    if len(phone) < 7:
        return phone[:1] + "*" * (len(phone) - 1)
    return f"{phone[:3]}****{phone[-4:]}"


def mask_email(email: str | None) -> str:
    if not email or "@" not in email:
        return ""
    name, domain = email.split("@", 1)
    return f"{name[:1]}***@{domain}"
