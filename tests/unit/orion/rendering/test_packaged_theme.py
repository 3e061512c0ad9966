"""The packaged default theme: where a function finds it, and that only its own files are served."""

from __future__ import annotations

from pathlib import Path

from orion.rendering.template_store import (
    PackagedTemplateObjects,
    TemplateObject,
    ThemeObjects,
    packaged_theme_root,
)
from tests.environment import REPO_ROOT


class Bucket:
    def __init__(self, objects: dict[str, str]) -> None:
        self.objects = objects
        self.asked: list[str] = []

    def fetch(self, key: str, etag: str | None) -> TemplateObject | bool | None:
        self.asked.append(key)
        return TemplateObject(self.objects[key], "e") if key in self.objects else None

    def has_any(self, prefix: str) -> bool:
        return any(key.startswith(prefix) for key in self.objects)


def theme(tmp_path: Path) -> PackagedTemplateObjects:
    (tmp_path / "default").mkdir()
    (tmp_path / "default" / "home.html").write_text("packaged home")
    (tmp_path / "secret.txt").write_text("not a template")
    return PackagedTemplateObjects(tmp_path)


def test_a_function_reads_the_theme_packaged_in_its_code_root(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    assert packaged_theme_root(None, str(tmp_path)) == tmp_path / "templates"


def test_outside_lambda_the_repositorys_templates_folder_is_the_packaged_theme() -> None:
    assert packaged_theme_root(None, None) == REPO_ROOT / "templates"
    assert packaged_theme_root(None, "/nonexistent-task-root") == REPO_ROOT / "templates"
    assert packaged_theme_root("/somewhere/else", None) == Path("/somewhere/else")


def test_packaged_templates_revalidate_by_content_hash(tmp_path: Path) -> None:
    objects = theme(tmp_path)
    first = objects.fetch("default/home.html", None)
    assert isinstance(first, TemplateObject) and first.source == "packaged home"
    assert objects.fetch("default/home.html", first.etag) is True
    (tmp_path / "default" / "home.html").write_text("edited home")
    edited = objects.fetch("default/home.html", first.etag)
    assert isinstance(edited, TemplateObject) and edited.source == "edited home"


def test_keys_outside_the_theme_folder_are_never_read(tmp_path: Path) -> None:
    objects = theme(tmp_path)
    assert objects.fetch("default/../secret.txt", None) is None
    assert objects.fetch("../" + tmp_path.name + "/secret.txt", None) is None
    assert objects.fetch("default/missing.html", None) is None
    assert objects.has_any("default/")
    assert not objects.has_any("../")


def test_default_keys_come_from_the_package_and_overrides_from_the_bucket(tmp_path: Path) -> None:
    bucket = Bucket({"default/home.html": "stale bucket copy", "platforms/oms/home.html": "oms home"})
    objects = ThemeObjects(bucket, theme(tmp_path), "default/")
    packaged = objects.fetch("default/home.html", None)
    assert isinstance(packaged, TemplateObject) and packaged.source == "packaged home"
    override = objects.fetch("platforms/oms/home.html", None)
    assert isinstance(override, TemplateObject) and override.source == "oms home"
    assert bucket.asked == ["platforms/oms/home.html"]  # the bucket is never asked for the default
    assert objects.has_any("platforms/oms/") and not objects.has_any("stores/oms/wizamart/")
