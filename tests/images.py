"""Images made in code for the media tests (no binary fixtures): photos with EXIF, transparent PNGs,
animated GIFs, truncated files and decompression bombs."""

from __future__ import annotations

import io
import zlib

from PIL import Image

ORIENTATION = 0x0112  # EXIF tag: how the camera was held
MAKE, GPS_INFO = 0x010F, 0x8825


def photo(
    width: int = 1600, height: int = 1200, *, orientation: int | None = None, fmt: str = "JPEG"
) -> bytes:
    """A photo whose left half is red and right half blue (so a turn shows), with EXIF metadata (a
    camera, a location) and, if given, an orientation tag."""
    image = Image.new("RGB", (width, height), (220, 20, 20))
    image.paste((20, 20, 220), (width // 2, 0, width, height))
    exif = image.getexif()
    exif[MAKE] = "TestCam"
    exif[GPS_INFO] = {1: "N", 2: (49.0, 36.0, 0.0)}
    if orientation is not None:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, fmt, exif=exif)
    return out.getvalue()


def transparent_png(width: int = 800, height: int = 600) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 128, 0, 0))
    image.paste((0, 128, 0, 255), (0, 0, width // 2, height))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def animated_gif(width: int = 200, height: int = 100, frames: int = 3) -> bytes:
    pictures = [Image.new("P", (width, height), index) for index in range(frames)]
    out = io.BytesIO()
    pictures[0].save(out, "GIF", save_all=True, append_images=pictures[1:], duration=100, loop=0)
    return out.getvalue()


def encoded(fmt: str, width: int = 640, height: int = 480) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(out, fmt)
    return out.getvalue()


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    """The first part of a file only, as an interrupted upload leaves it."""
    return data[: int(len(data) * keep)]


def bomb_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A PNG of 400 megapixels that is a few hundred kilobytes: one bit per pixel, all zeros. Decoding
    it would take 400 MB and more as RGB; its header alone says how large it is."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def dominant(data: bytes, x_fraction: float, y_fraction: float = 0.5) -> tuple[int, int, int]:
    """The colour of a decoded image at a point given as fractions of its width and height."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    return image.getpixel((int(image.width * x_fraction), int(image.height * y_fraction)))  # type: ignore[return-value]
