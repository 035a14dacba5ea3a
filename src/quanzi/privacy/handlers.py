"""Consent recorded at sign-up: the registration form says that creating an account accepts the privacy
policy in force (the `register.notices` slot), so a new account's `account.registered` records that consent
(method "signup", the version then in force). Optional purposes are never assumed: the person gives them
in the privacy centre."""

from __future__ import annotations

from quanzi.accounts.events import UserRegistered
from quanzi.core.events import subscribe
from quanzi.recommend.events import PersonalisationChanged


@subscribe(UserRegistered)
def policy_accepted_at_signup(event: UserRegistered) -> None:
    from quanzi.accounts.selectors import user_get
    from quanzi.privacy import selectors, services
    from quanzi.privacy.constants import Method, Purpose

    user = user_get(user_id=event.user_id)
    if user is None or selectors.policy_current() is None:
        return
    if selectors.consent_state(user=user).get(Purpose.POLICY) is not None:
        return  # recorded already (a redelivery)
    services.consent_grant(user=user, purpose=Purpose.POLICY, method=Method.SIGNUP)


@subscribe(PersonalisationChanged)
def personalisation_answered(event: PersonalisationChanged) -> None:
    """Turning personalised recommendations on or off on their own page is the person's answer for the
    `personalisation` purpose (recorded unless it already is their answer)."""
    from quanzi.accounts.selectors import user_get
    from quanzi.privacy import selectors, services
    from quanzi.privacy.constants import Method, Purpose

    user = user_get(user_id=event.user_id)
    if user is None or selectors.policy_current() is None:
        return
    if selectors.has_consent(user_id=user.pk, purpose=Purpose.PERSONALISATION) == event.personalised:
        return
    answer = services.consent_grant if event.personalised else services.consent_withdraw
    answer(user=user, purpose=Purpose.PERSONALISATION, method=Method.SETTINGS)
