from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

from quanzi.accounts.masking import mask_email, mask_phone
from quanzi.accounts.models import Address, ApiToken, User
from quanzi.core.adminkit import SITE_HEADER, ReadOnlyAdmin

admin.site.site_header = SITE_HEADER
admin.site.site_title = SITE_HEADER
admin.site.index_title = _("Operations")
admin.site.enable_nav_sidebar = False  # changelists are wide (money columns); give them the room


class OperatorLoginForm(AdminAuthenticationForm):
    """Operators sign in with their phone number or e-mail address, like everyone else."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.label = _("Phone or e-mail")
        field.max_length = 254
        field.widget.attrs["maxlength"] = 254


admin.site.login_form = OperatorLoginForm


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("uid", "nickname", "phone_masked", "email_masked", "is_staff", "is_active", "date_joined",
                    "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("uid", "phone", "email", "nickname")
    ordering = ("-id",)
    date_hierarchy = "date_joined"
    fieldsets = (
        (None, {"fields": ("uid", "nickname", "phone", "email", "birth_date", "date_joined", "last_login")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
    )
    readonly_fields = ("uid", "nickname", "phone", "email", "birth_date", "date_joined", "last_login")
    filter_horizontal = ("groups", "user_permissions")

    def has_add_permission(self, request) -> bool:
        return False  # people register themselves; `manage.py createsuperuser` makes operators

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # orders and ledger entries point at users; deactivate instead

    @admin.display(description=_("phone"), ordering="phone")
    def phone_masked(self, user):
        return mask_phone(user.phone) or "—"

    @admin.display(description=_("e-mail"), ordering="email")
    def email_masked(self, user):
        return mask_email(user.email) or "—"


@admin.register(Address)
class AddressAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "phone_masked", "province", "city", "district", "user", "is_default", "created_at")
    search_fields = ("recipient", "user__phone", "user__email", "user__uid")
    list_select_related = ("user",)
    ordering = ("-id",)
    fields = ("user", "recipient", "phone", "province", "city", "district", "detail", "postal_code", "is_default",
              "created_at")
    readonly_fields = fields

    @admin.display(description=_("phone"))
    def phone_masked(self, a):
        return mask_phone(a.phone)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are stored hashed; the operator can revoke (delete) one, never read it."""

    list_display = ("user", "name", "created_at")
    search_fields = ("user__uid", "user__phone", "user__email", "name")
    list_select_related = ("user",)
    fields = ("user", "name", "created_at")
    readonly_fields = fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
