"""The weekly report as a PDF (attached to the e-mail next to the CSV), drawn with ReportLab.

Why ReportLab: the most established PDF library for Python (BSD), pure Python wheel, no browser or
system libraries — and its built-in Adobe CID font `STSong-Light` prints Chinese without shipping a font
file (every PDF reader carries the glyphs), so a shop's Chinese name and product titles come out right
on any machine.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from quanzi.core.money import format_yuan

FONT = "STSong-Light"


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _table(rows: list[list[str]], widths: list[float]):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#FDECEC")),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#E5E5E5")),
    ]))
    return table


def weekly_pdf(*, shop_name: str, overview, roi: list[dict], products: list[dict], campaign_labels: dict,
               compress: bool = True) -> bytes:
    """Last week on one or two A4 pages: the figures, the days, campaign ROI and the best sellers
    (`compress=False` leaves the page streams readable, for tests and debugging)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=20, spaceAfter=4)
    heading = ParagraphStyle("heading", fontName=font, fontSize=11, leading=15, spaceBefore=10, spaceAfter=4)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13)
    t = overview.totals
    story = [
        Paragraph(_("%(shop)s: weekly data report") % {"shop": shop_name}, title),
        Paragraph(f"{overview.since.isoformat()} – {overview.until.isoformat()}", body),
        Spacer(1, 4 * mm),
        _table([[_("GMV (paid)"), _("Paid orders"), _("Buyers"), _("Refunded"), _("Product views")],
                [f"¥{format_yuan(t['gmv'])}", str(t["orders"]), str(t["buyers"]), f"¥{format_yuan(t['refunds'])}",
                 str(t["product_views"])]], [34 * mm] * 5),
        Paragraph(_("Per day"), heading),
        _table([[_("Day"), _("GMV"), _("Paid orders"), _("Buyers"), _("Product views")]]
               + [[d["day"].isoformat(), f"¥{format_yuan(d['gmv'])}", str(d["orders"]), str(d["buyers"]),
                   str(d["product_views"])] for d in overview.days], [34 * mm] * 5),
    ]
    if roi:
        story += [Paragraph(_("Campaign ROI"), heading), _table(
            [[_("Campaign"), _("Sales"), _("Before"), _("Cost"), _("Sales per ¥1")]]
            + [[str(campaign_labels.get(r["campaign"], r["campaign"])), f"¥{format_yuan(r['sales'])}",
                f"¥{format_yuan(r['previous_sales'])}", f"¥{format_yuan(r['cost'])}",
                "—" if r["return_per_yuan"] is None else f"{r['return_per_yuan']:.2f}"] for r in roi],
            [34 * mm] * 5)]
    if products:
        story += [Paragraph(_("Best-selling products"), heading), _table(
            [[_("Product"), _("Paid orders"), _("Buyers"), _("GMV")]]
            + [[p["title"][:28], str(p["orders"]), str(p["buyers"]), f"¥{format_yuan(p['gmv'])}"] for p in products],
            [70 * mm, 32 * mm, 32 * mm, 36 * mm])]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                      bottomMargin=16 * mm, title=_("Weekly data report"), author="Quanzi",
                      pageCompression=int(compress)).build(story)
    return out.getvalue()
