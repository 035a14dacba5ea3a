"""Personal data held by coupons: the coupons a shopper claimed and used, the links they shared and the rewards
they earned. All of it is kept after deletion, linked to the pseudonymised user: a used coupon is part of an
order's price (accounting keeps it) and an unused one is worth nothing to anyone else. Exported in full."""

from quanzi.core.personal_data import declare, rows


def export(user) -> dict:
    from quanzi.coupons.models import Coupon, CouponShare, ShareReward

    return {
        "coupons": rows(Coupon.objects.filter(user=user).order_by("id"), "template__name", "status", "how",
                        "claimed_at", "valid_until", "used_at", "held_amount"),
        "shared_links": rows(CouponShare.objects.filter(sharer=user).order_by("id"), "template__name", "code",
                             "claims", "created_at"),
        "share_rewards": rows(ShareReward.objects.filter(share__sharer=user).order_by("id"), "status",
                              "created_at", "decided_at"),
    }


def erase(user) -> None:
    """Nothing to delete: the rows carry no text, and used coupons are part of kept orders' prices."""


declare(
    app="coupons",
    personal={"coupons.Coupon.user": "link", "coupons.CouponShare.sharer": "link"},
    not_personal={"coupons.CouponTemplate.created_by": "the staff member or merchant who created a coupon offer",
                  "coupons.CouponTemplate.name": "the offer's name, written by a merchant or the platform",
                  "coupons.CouponTemplate.scope_ids": "ids of the shops, categories or products an offer covers"},
    export=export, erase=erase,
)
