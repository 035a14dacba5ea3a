from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from quanzi.core.adminkit import ReadOnlyAdmin, ReadOnlyInline, admin_url
from quanzi.orders.selectors import order_number_subquery
from quanzi.shipping.constants import CARRIERS, TrackingStatus
from quanzi.shipping.models import Shipment, TrackingEvent

PILL = {TrackingStatus.DELIVERED: "ok"}


class TrackingEventInline(ReadOnlyInline):
    model = TrackingEvent
    fields = ("occurred_at", "status", "description", "location", "event_id", "received_at")
    readonly_fields = fields


class CarrierFilter(admin.SimpleListFilter):
    title = _("carrier")
    parameter_name = "carrier"

    def lookups(self, request, model_admin):
        return [(k, v) for k, v in CARRIERS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(carrier=self.value()) if self.value() else queryset


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = ("tracking_number", "carrier_name", "order_link", "status_pill", "created_at", "delivered_at")
    list_filter = ("status", CarrierFilter)
    search_fields = ("tracking_number",)
    ordering = ("-id",)
    date_hierarchy = "created_at"
    inlines = [TrackingEventInline]
    fields = ("order_link", "carrier_name", "tracking_number", "status_pill", "created_at", "delivered_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(order_number=order_number_subquery(order_id_field="order_id"))

    def get_search_results(self, request, queryset, search_term):
        queryset, dupes = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            queryset |= self.get_queryset(request).filter(order_number=search_term.strip())
        return queryset, dupes

    @admin.display(description=_("carrier"), ordering="carrier")
    def carrier_name(self, s):
        return s.carrier_name

    @admin.display(description=_("order"), ordering="order_id")
    def order_link(self, s):
        return format_html('<a href="{}">{}</a>', admin_url("orders.order", s.order_id), s.order_number or s.order_id)

    @admin.display(description=_("status"), ordering="status")
    def status_pill(self, s):
        return format_html('<span class="qz-pill {}">{}</span>', PILL.get(s.status, "warn"), s.get_status_display())
