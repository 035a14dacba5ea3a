"""Demo data of privacy (issue 20): the privacy policy in two versions, the demo people's consents under
v2 (separate consents for carriers and payment providers, some for personalisation and sensitive data,
a few withdrawn), and one finished export of the demo shopper's data, so the privacy centre
(/me/privacy/) shows a history on the first visit. Written through the privacy services only."""

from __future__ import annotations

from typing import Any

from quanzi.core.seeding import DemoSeeder

POLICY_V1_ZH = """圈子隐私政策（第 1 版）

我们收集你注册时提供的手机号、收货地址和订单信息，用于完成交易、配送和售后。"""
POLICY_V1_EN = """Quanzi privacy policy (version 1)

We collect the phone number, delivery addresses and orders you give us, to complete purchases, delivery and
after-sales service."""
POLICY_V2_ZH = POLICY_V1_ZH.replace("第 1 版", "第 2 版") + """

第 2 版新增：
· 向快递公司提供收货信息、向支付机构提供订单信息，需要你的单独同意；
· 敏感个人信息（如实名信息、出生日期）仅在你单独同意后处理；未满 14 周岁的用户需要监护人同意；
· 你可以在「我的 → 隐私中心」查看和撤回同意、导出你的数据、注销账号。"""
POLICY_V2_EN = POLICY_V1_EN.replace("version 1", "version 2") + """

New in version 2:
· giving your delivery details to carriers and your order data to payment providers needs your separate consent;
· sensitive personal information (real name, date of birth) is processed only with your separate consent;
  users under 14 need a guardian's consent;
· in Me → Privacy centre you can see and withdraw consents, export your data and delete your account."""


def privacy_present(ctx) -> bool:
    from quanzi.privacy import selectors

    policy = selectors.policy_current()
    return policy is not None and policy.version >= 2


def seed_privacy(ctx) -> dict[str, Any] | None:
    from quanzi.privacy import selectors, services
    from quanzi.privacy.constants import Method, Purpose

    shopper = ctx.demo_shopper()
    if shopper is None:
        ctx.log("  privacy: no demo shopper; skipped")
        return None
    with ctx.at(ctx.ago(days=120)):
        if selectors.policy_current() is None:
            services.policy_publish(version=1, body_zh_hans=POLICY_V1_ZH, body_en=POLICY_V1_EN)
    with ctx.at(ctx.ago(days=10)):
        services.policy_publish(version=2, body_zh_hans=POLICY_V2_ZH, body_en=POLICY_V2_EN,
                                summary="Separate consents for carriers, payment providers and sensitive data.")
    people = [shopper, *ctx.demo_people()[:40]]
    consents = 0
    for i, person in enumerate(people):
        with ctx.at(ctx.ago(days=9 - (i % 9), hours=ctx.rng.randint(0, 20))):
            for purpose in (Purpose.POLICY, Purpose.CARRIERS, Purpose.PAYMENT):
                services.consent_grant(user=person, purpose=purpose, method=Method.DEMO)
                consents += 1
            if i % 3 != 2:
                services.consent_grant(user=person, purpose=Purpose.PERSONALISATION, method=Method.DEMO)
                consents += 1
            if i % 4 == 0 and not selectors.needs_guardian(user=person):
                services.consent_grant(user=person, purpose=Purpose.SENSITIVE, method=Method.DEMO)
                consents += 1
        if i % 7 == 3:  # a few changed their mind later
            with ctx.at(ctx.ago(days=2)):
                services.consent_withdraw(user=person, purpose=Purpose.PERSONALISATION, method=Method.CENTRE)
                consents += 1
    with ctx.at(ctx.ago(days=1)):
        export = services.export_request(user=shopper)
        export = services.export_build(export_id=export.pk)
    counts = {"policy version": 2, "people": len(people), "consents": consents, "exports": 1,
              "export size": export.size}
    ctx.log(f"  privacy: {counts}")
    return counts


seeder = DemoSeeder(key="privacy", run=seed_privacy, present=privacy_present, label="privacy")
