"""Sample seals for the demonstration data, drawn in code and marked 样章 / SAMPLE.

No real seal is ever shipped: a bureau uploads its own in admin.
"""

import io
import math
import shutil
import subprocess
from functools import cache

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from enterprises.models import Region

from .models import IssuingBody

SEAL_RED = (218, 37, 29, 255)

#: The demo's issuing bodies: the bureau, and the county the demo officer covers.
DEMO_BUREAU = {
    "name": "嘉兴市经济和信息化局",
    "name_en": "Jiaxing Municipal Bureau of Economy and Information Technology",
    "header": "嘉兴市经济和信息化局文件",
    "header_en": "Jiaxing Municipal Bureau of Economy and Information Technology",
    "prefix": "嘉经信",
    "signature": "嘉兴市经济和信息化局",
    "signature_en": "Jiaxing Municipal Bureau of Economy and Information Technology",
    "contact": "联系人：示例（演示数据） 电话：0573-00000000",
}
DEMO_COUNTY_CODE = "330483"
DEMO_COUNTY = {
    "name": "桐乡市经济和信息化局",
    "name_en": "Tongxiang Bureau of Economy and Information Technology",
    "header": "桐乡市经济和信息化局",
    "header_en": "Tongxiang Bureau of Economy and Information Technology",
    "prefix": "桐经信",
    "signature": "桐乡市经济和信息化局",
    "signature_en": "Tongxiang Bureau of Economy and Information Technology",
}


@cache
def cjk_font_file() -> tuple[str, int] | None:
    """The installed Noto Sans CJK SC (bold if there is one): its file and face index."""
    if not shutil.which("fc-match"):
        return None
    try:
        found = subprocess.run(  # noqa: S603  (a fixed program and pattern)
            ["fc-match", "-f", "%{file}|%{index}|%{family}", "Noto Sans CJK SC:bold"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _sep, rest = found.partition("|")
    index, _sep, family = rest.partition("|")
    if "CJK" not in family:
        return None
    return path, int(index or 0)


def _font(size: int, *, cjk: bool):
    located = cjk_font_file()
    if located is not None:
        return ImageFont.truetype(located[0], size, index=located[1])
    return None if cjk else ImageFont.load_default(size)


def _star(draw, centre, radius, fill):
    cx, cy = centre
    points = []
    for step in range(10):
        r = radius if step % 2 == 0 else radius * 0.382
        angle = -math.pi / 2 + step * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=fill)


def sample_seal_png(name: str, *, size: int = 600) -> bytes:
    """A round red seal with ``name`` along its rim, a star, and 样章 / SAMPLE across it."""
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    rim = size * 0.035
    draw.ellipse((rim, rim, size - rim, size - rim), outline=SEAL_RED, width=int(rim * 1.6))
    _star(draw, (centre, centre - size * 0.02), size * 0.13, SEAL_RED)
    rim_font = _font(int(size * 0.1), cjk=True)
    if rim_font is not None and name:
        # The name along the upper rim, each character turned to face the centre.
        spread = min(240.0, 24.0 * len(name))
        radius = size * 0.36
        for position, character in enumerate(name):
            degrees = -spread / 2 + spread * (position + 0.5) / len(name)
            tile = Image.new("RGBA", (int(size * 0.14), int(size * 0.14)), (0, 0, 0, 0))
            ImageDraw.Draw(tile).text(
                (tile.width / 2, tile.height / 2),
                character,
                font=rim_font,
                fill=SEAL_RED,
                anchor="mm",
            )
            tile = tile.rotate(-degrees, resample=Image.Resampling.BICUBIC)
            angle = math.radians(degrees - 90)
            x = centre + radius * math.cos(angle) - tile.width / 2
            y = centre + radius * math.sin(angle) - tile.height / 2
            image.alpha_composite(tile, (int(x), int(y)))
    mark_font = _font(int(size * 0.16), cjk=True)
    if mark_font is not None:
        draw.text((centre, size * 0.7), "样章", font=mark_font, fill=SEAL_RED, anchor="mm")
    latin = _font(int(size * 0.09), cjk=False) or _font(int(size * 0.09), cjk=True)
    draw.text((centre, size * 0.83), "SAMPLE", font=latin, fill=SEAL_RED, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _ensure_body(fields: dict, *, region=None, is_default=False) -> tuple[IssuingBody, bool]:
    body = IssuingBody.objects.filter(prefix=fields["prefix"]).first()
    if body is not None:
        return body, False
    body = IssuingBody(**fields, region=region, is_default=is_default)
    body.seal.save("sample-seal.png", ContentFile(sample_seal_png(fields["name"])), save=False)
    body.full_clean()
    body.save()
    return body, True


def demo_issuing_bodies() -> str:
    """The demo's issuing bodies, each with a sample seal, unless the bureau has its own
    (``manage.py setup_demo``; a line for its report)."""
    if IssuingBody.objects.filter(is_default=True).exclude(prefix=DEMO_BUREAU["prefix"]).exists():
        return _("Documents: the bureau's own issuing body is kept; no sample added.")
    bureau, _created = _ensure_body(DEMO_BUREAU, is_default=True)
    made = [bureau.prefix]
    county = Region.objects.filter(code=DEMO_COUNTY_CODE).first()
    if county is not None and not IssuingBody.objects.filter(region=county).exists():
        _ensure_body(DEMO_COUNTY, region=county)
        made.append(DEMO_COUNTY["prefix"])
    return _(
        "Documents are issued by %(bodies)s, with generated sample seals marked 样章 / SAMPLE."
    ) % {"bodies": ", ".join(made)}
