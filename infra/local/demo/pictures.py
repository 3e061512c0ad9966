"""Product pictures for the demo, drawn with Pillow: flat illustrations of a product kind (a mug, a
T-shirt, a book, a loaf ...) in a colour, on a soft background of that colour with a shadow below.

Drawn in code, the same pixels every time (no randomness, no network, no files in the repository), at
:data:`SIZE` pixels square, the size a photo of a product upload would have. Each shape is drawn at twice
that size and halved, so its edges are smooth. :func:`upload` takes them through the store's media as
staff uploads are (orion.media's processing: WebP and JPEG variants in the media bucket).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

from PIL import Image, ImageDraw, ImageFilter

from orion.catalog.images import MediaImage
from orion.tenant import Tenant

SIZE = 1280
_SCALE = 2  # drawn at twice the size, then halved: anti-aliased edges
_UNIT = SIZE * _SCALE / 1000  # shapes are written in a 1000 x 1000 space

RGB = tuple[int, int, int]
Point = tuple[float, float]
Box = tuple[float, float, float, float]  # left, top, right, bottom
Picture = tuple[str, str]  # (kind, colour): one of KINDS, one of COLOURS

# The colours products come in (a variant's colour option names one of these).
COLOURS: dict[str, RGB] = {
    "red": (200, 62, 52),
    "navy": (36, 56, 104),
    "grey": (128, 132, 138),
    "white": (236, 234, 228),
    "blue": (43, 95, 217),
    "green": (27, 127, 59),
    "yellow": (246, 196, 48),
    "pink": (236, 128, 160),
    "orange": (217, 130, 43),
    "purple": (142, 68, 173),
    "teal": (22, 160, 133),
    "brown": (150, 96, 58),
    "black": (48, 48, 52),
    "terracotta": (196, 98, 64),
    "wheat": (214, 160, 84),
}


def _mix(colour: RGB, other: RGB, amount: float) -> RGB:
    r, g, b = (round(c + (o - c) * amount) for c, o in zip(colour, other, strict=True))
    return (r, g, b)


def light(colour: RGB, amount: float = 0.35) -> RGB:
    return _mix(colour, (255, 255, 255), amount)


def dark(colour: RGB, amount: float = 0.3) -> RGB:
    return _mix(colour, (0, 0, 0), amount)


class Canvas:
    """A drawing surface in the 1000-unit space."""

    def __init__(self, image: Image.Image) -> None:
        self.draw = ImageDraw.Draw(image)

    @staticmethod
    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (x0 * _UNIT, y0 * _UNIT, x1 * _UNIT, y1 * _UNIT)

    def rect(self, box: Box, fill: RGB, radius: float = 0) -> None:
        self.draw.rounded_rectangle(self.box(*box), radius=radius * _UNIT, fill=fill)

    def ellipse(self, box: Box, fill: RGB) -> None:
        self.draw.ellipse(self.box(*box), fill=fill)

    def ring(self, box: Box, colour: RGB, width: float) -> None:
        self.draw.ellipse(self.box(*box), outline=colour, width=round(width * _UNIT))

    def polygon(self, points: Sequence[Point], fill: RGB) -> None:
        self.draw.polygon([(x * _UNIT, y * _UNIT) for x, y in points], fill=fill)

    def line(self, points: Sequence[Point], colour: RGB, width: float) -> None:
        self.draw.line([(x * _UNIT, y * _UNIT) for x, y in points], fill=colour, width=round(width * _UNIT))

    def pieslice(self, box: Box, start: float, end: float, fill: RGB) -> None:
        self.draw.pieslice(self.box(*box), start, end, fill=fill)

    def leaf(self, start: Point, length: float, width: float, angle: float, fill: RGB) -> None:
        """A pointed oval from ``start`` towards ``angle`` degrees (0 = right, 90 = down)."""
        (cx, cy), a = start, math.radians(angle)
        points = []
        for step in range(25):
            t = step / 24 * math.pi
            along, across = length * (1 - math.cos(t)) / 2, width / 2 * math.sin(t)
            points.append((along, across))
        points += [(along, -across) for along, across in reversed(points)]
        self.polygon(
            [
                (cx + u * math.cos(a) - v * math.sin(a), cy + u * math.sin(a) + v * math.cos(a))
                for u, v in points
            ],
            fill,
        )


# --- the kinds of product -------------------------------------------------------------------------------


def mug(c: Canvas, colour: RGB) -> None:
    c.ring((560, 400, 780, 640), dark(colour, 0.15), 42)
    c.rect((260, 330, 640, 760), colour, radius=60)
    c.rect((300, 370, 360, 700), light(colour, 0.3), radius=30)
    c.ellipse((260, 300, 640, 370), dark(colour, 0.2))
    c.ellipse((290, 312, 610, 360), (70, 44, 30))


def pan(c: Canvas, colour: RGB) -> None:
    c.polygon([(600, 470), (900, 360), (920, 410), (630, 540)], dark(colour, 0.4))
    c.ellipse((120, 300, 660, 760), dark(colour, 0.35))
    c.ellipse((160, 330, 620, 720), colour)
    c.ellipse((200, 360, 580, 690), light(colour, 0.12))
    c.ellipse((260, 410, 360, 480), light(colour, 0.3))


def bottle(c: Canvas, colour: RGB) -> None:
    c.rect((430, 170, 570, 250), dark(colour, 0.4), radius=14)
    c.rect((450, 240, 550, 380), colour, radius=20)
    c.rect((340, 340, 660, 800), colour, radius=90)
    c.rect((370, 420, 630, 620), (246, 240, 226), radius=16)
    c.rect((395, 480, 605, 500), dark(colour, 0.2))
    c.rect((395, 530, 560, 545), dark(colour, 0.1))
    c.rect((370, 380, 410, 760), light(colour, 0.35), radius=20)


def plant(c: Canvas, colour: RGB) -> None:
    green, leaf_dark = (64, 148, 84), (38, 110, 62)
    for cx, cy, length, angle, shade in (
        (500, 480, 300, -100, green),
        (490, 490, 280, -140, leaf_dark),
        (510, 490, 280, -40, leaf_dark),
        (495, 500, 250, -170, green),
        (505, 500, 250, -10, green),
    ):
        c.leaf((cx, cy), length, 110, angle, shade)
    c.polygon([(320, 520), (680, 520), (630, 800), (370, 800)], colour)
    c.rect((300, 480, 700, 560), dark(colour, 0.12), radius=14)
    c.polygon([(340, 560), (400, 560), (420, 800), (375, 800)], light(colour, 0.2))


def tshirt(c: Canvas, colour: RGB) -> None:
    c.polygon(
        [
            (380, 220), (200, 290), (120, 470), (230, 520), (280, 430), (290, 800),
            (710, 800), (720, 430), (770, 520), (880, 470), (800, 290), (620, 220),
        ],
        colour,
    )  # fmt: skip
    c.pieslice((380, 160, 620, 300), 0, 180, dark(colour, 0.2))
    c.pieslice((400, 150, 600, 270), 0, 180, light(colour, 0.9))
    c.polygon([(290, 760), (710, 760), (710, 800), (290, 800)], dark(colour, 0.12))


def book(c: Canvas, colour: RGB) -> None:
    c.rect((300, 190, 730, 810), (242, 236, 222), radius=12)
    c.rect((270, 170, 700, 790), colour, radius=16)
    c.rect((270, 170, 330, 790), dark(colour, 0.25), radius=10)
    c.rect((380, 300, 640, 330), light(colour, 0.75))
    c.rect((380, 360, 600, 380), light(colour, 0.5))
    c.ellipse((430, 470, 590, 630), light(colour, 0.3))


def duck(c: Canvas, colour: RGB) -> None:
    c.ellipse((200, 440, 760, 780), colour)
    c.polygon([(690, 520), (800, 420), (790, 560)], colour)  # tail
    c.ellipse((240, 220, 520, 500), colour)
    c.leaf((200, 380), 130, 70, 185, (240, 128, 40))  # beak
    c.ellipse((320, 300, 370, 350), (40, 40, 40))
    c.leaf((360, 580), 300, 130, -15, light(colour, 0.25))  # wing


def towels(c: Canvas, colour: RGB) -> None:
    for index, (y, shade) in enumerate(((600, dark(colour, 0.1)), (470, colour), (340, light(colour, 0.3)))):
        x0 = 230 + index * 10
        c.rect((x0, y, 770 - index * 10, y + 150), shade, radius=60)
        c.rect((x0 + 40, y + 110, 730 - index * 10, y + 125), light(shade, 0.4))


def candle(c: Canvas, colour: RGB) -> None:
    c.leaf((500, 250), 120, 60, -90, (250, 190, 60))
    c.leaf((500, 240), 80, 30, -90, (255, 236, 160))
    c.rect((494, 250, 506, 320), (60, 50, 40))
    c.rect((330, 320, 670, 780), colour, radius=40)
    c.rect((330, 460, 670, 640), (248, 244, 234))
    c.rect((370, 520, 630, 540), dark(colour, 0.2))
    c.rect((360, 340, 400, 760), light(colour, 0.35), radius=20)


def lamp(c: Canvas, colour: RGB) -> None:
    metal = (70, 70, 76)
    c.ellipse((300, 740, 620, 800), metal)
    c.line([(460, 760), (380, 480), (560, 300)], metal, 26)
    c.polygon([(470, 300), (650, 180), (760, 340), (600, 400)], colour)
    c.ellipse((570, 330, 680, 420), (255, 232, 150))
    c.ellipse((360, 460, 400, 500), metal)


def clock(c: Canvas, colour: RGB) -> None:
    c.ellipse((200, 200, 800, 800), colour)
    c.ellipse((240, 240, 760, 760), (250, 248, 242))
    for hour in range(12):
        a, length = math.radians(hour * 30), 40 if hour % 3 else 70
        c.line(
            [(500 + r * math.sin(a), 500 - r * math.cos(a)) for r in (230, 230 - length)],
            dark(colour, 0.3),
            14 if hour % 3 else 22,
        )
    c.line([(500, 500), (500, 330)], (40, 40, 44), 22)
    c.line([(500, 500), (640, 560)], (40, 40, 44), 16)
    c.ellipse((480, 480, 520, 520), colour)


def beanie(c: Canvas, colour: RGB) -> None:
    c.ellipse((430, 170, 570, 310), light(colour, 0.5))
    c.pieslice((230, 260, 770, 860), 180, 360, colour)
    for x in range(290, 720, 60):
        c.rect((x, 380, x + 14, 560), dark(colour, 0.12))
    c.rect((210, 540, 790, 700), dark(colour, 0.15), radius=40)
    for x in range(240, 760, 50):
        c.rect((x, 560, x + 16, 680), dark(colour, 0.28))


def blocks(c: Canvas, colour: RGB) -> None:
    def brick(x: float, y: float, shade: RGB) -> None:
        for stud in (x + 40, x + 150):
            c.rect((stud, y - 40, stud + 70, y + 10), dark(shade, 0.1), radius=10)
        c.rect((x, y, x + 260, y + 170), shade, radius=14)
        c.rect((x, y + 140, x + 260, y + 170), dark(shade, 0.15), radius=8)

    brick(220, 600, colour)
    brick(490, 600, (246, 196, 48))
    brick(360, 380, (43, 95, 217) if colour != (43, 95, 217) else (27, 127, 59))


def baguette(c: Canvas, colour: RGB) -> None:
    c.leaf((120, 620), 780, 210, -28, dark(colour, 0.12))
    c.leaf((140, 600), 740, 170, -28, colour)
    for step in range(5):
        x, y = 260 + step * 120, 535 - step * 64
        c.leaf((x, y), 110, 30, -50, light(colour, 0.45))


def loaf(c: Canvas, colour: RGB) -> None:
    c.ellipse((180, 360, 820, 780), dark(colour, 0.25))
    c.ellipse((190, 350, 810, 740), dark(colour, 0.05))
    for x in (320, 440, 560):
        c.leaf((x, 470), 170, 40, 35, light(colour, 0.4))
    c.rect((190, 600, 810, 700), dark(colour, 0.15), radius=40)


def croissant(c: Canvas, colour: RGB) -> None:
    for index, (cx, cy, w) in enumerate(
        ((230, 640, 170), (330, 520, 230), (500, 470, 280), (670, 520, 230), (770, 640, 170))
    ):
        shade = dark(colour, 0.1) if index % 2 else colour
        c.ellipse((cx - w / 2, cy - w / 2.2, cx + w / 2, cy + w / 2.2), shade)
        c.ellipse((cx - w / 4, cy - w / 3, cx + w / 8, cy - w / 6), light(colour, 0.35))


def tart(c: Canvas, colour: RGB) -> None:
    c.ellipse((160, 330, 840, 760), (222, 170, 100))
    c.ellipse((200, 360, 800, 720), colour)
    for ring, count in ((200, 14), (110, 8)):
        for step in range(count):
            a = math.radians(step * 360 / count)
            x, y = 500 + ring * math.cos(a) * 1.35, 540 + ring * math.sin(a) * 0.8
            c.leaf((x - 40 * math.cos(a), y - 24 * math.sin(a)), 80, 44, math.degrees(a), light(colour, 0.25))


KINDS: dict[str, Callable[[Canvas, RGB], None]] = {
    fn.__name__: fn
    for fn in (
        mug, pan, bottle, plant, tshirt, book, duck, towels, candle, lamp, clock, beanie, blocks,
        baguette, loaf, croissant, tart,
    )
}  # fmt: skip


def draw(kind: str, colour: str) -> Image.Image:
    """A :data:`SIZE`-pixel square picture of ``kind`` (one of :data:`KINDS`) in ``colour`` (one of
    :data:`COLOURS`)."""
    rgb = COLOURS[colour]
    size = SIZE * _SCALE
    # The background a shade darker from top to bottom: a column of the gradient, stretched.
    top, bottom = light(rgb, 0.9), light(rgb, 0.76)
    column = Image.composite(
        Image.new("RGB", (1, 64), bottom),
        Image.new("RGB", (1, 64), top),
        Image.linear_gradient("L").resize((1, 64)),
    )
    image = column.resize((size, size), Image.Resampling.BILINEAR)
    # A soft shadow under the product (blurred small, then enlarged: cheap), where the product stands.
    shadow = Canvas.box(200, 740, 800, 900)
    box = (round(shadow[0]), round(shadow[1]), round(shadow[2]), round(shadow[3]))
    mask = Image.new("L", (60, 20), 0)
    ImageDraw.Draw(mask).ellipse((6, 6, 54, 14), fill=80)
    mask = mask.filter(ImageFilter.GaussianBlur(2)).resize((box[2] - box[0], box[3] - box[1]))
    image.paste(dark(bottom, 0.5), box, mask)
    KINDS[kind](Canvas(image), rgb)
    return image.reduce(_SCALE)


def jpeg(kind: str, colour: str) -> bytes:
    """The picture as the JPEG a shop's staff would upload (high quality; the pipeline makes the rest)."""
    out = io.BytesIO()
    draw(kind, colour).save(out, "JPEG", quality=92, subsampling=0)
    return out.getvalue()


def upload(tenant: Tenant, pictures: Iterable[Picture]) -> dict[Picture, MediaImage]:
    """Each picture drawn and taken through the store's media as an upload is (a record, then
    orion.media's own processing: checked, resized into WebP and JPEG variants in the media bucket,
    the record ready), two at a time; what a product keeps of each, by picture."""
    from orion.media.service import process_original, request_upload

    wanted = list(dict.fromkeys(pictures))

    def one(picture: Picture) -> MediaImage:
        kind, colour = picture
        record = request_upload(tenant, f"{kind}-{colour}.jpg", "image/jpeg").media
        done = process_original(tenant, record.id, jpeg(kind, colour))
        image = done.image()
        if image is None:
            raise RuntimeError(f"the demo picture {kind}-{colour} was refused: {done.reason}")
        return image

    # Pillow encodes and resizes without the GIL: two pictures at once use both cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(wanted, pool.map(one, wanted), strict=True))
