"""Operator admin of privacy: policy versions, consents, exports, deletions and the staff access log.

Personal data shows masked in the lists (phones as 138****8000); opening a consent, an export or a
deletion request of a person is written to the access log (`AccessLog`), which staff can read but never
edit or delete."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from quanzi.core.adminkit import ReadOnlyAdmin
from quanzi.privacy import services
from quanzi.privacy.masking import mask_phones
from quanzi.privacy.models import AccessLog, Consent, DataExport, DeletionRequest, PolicyVersion


class LoggedAccessAdmin(ReadOnlyAdmin):
    """Opening one row of a person's data writes an AccessLog row (staff, whose data, what)."""

    access_what = ""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None:
            services.access_log_record(staff=request.user, subject=getattr(obj, "user", None),
                                       what=f"{self.access_what} #{obj.pk}")
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "summary", "published_at")


@admin.register(Consent)
class ConsentAdmin(LoggedAccessAdmin):
    access_what = "consent"
    list_display = ("user_masked", "purpose", "version", "granted", "method", "at")
    list_filter = ("purpose", "granted", "method")
    exclude = ("guardian_phone",)
    readonly_fields = ("guardian_phone_masked",)

    @admin.display(description=_("user"))
    def user_masked(self, obj):
        return mask_phones(str(obj.user.phone or obj.user.uid))

    @admin.display(description=_("guardian's phone"))
    def guardian_phone_masked(self, obj):
        return mask_phones(obj.guardian_phone)


@admin.register(DataExport)
class DataExportAdmin(LoggedAccessAdmin):
    access_what = "data export"
    list_display = ("user", "status", "requested_at", "finished_at", "expires_at", "size")
    list_filter = ("status",)
    exclude = ("content",)  # staff see that an export exists, not what is in it


@admin.register(DeletionRequest)
class DeletionRequestAdmin(LoggedAccessAdmin):
    access_what = "account deletion"
    list_display = ("user", "status", "requested_at", "checked_at", "completed_at")
    list_filter = ("status",)


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "staff", "subject", "what")
    list_filter = ("what",)
