"""Render report templates (``hwnas/report/templates``) with Jinja2 in StrictUndefined mode."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        # Names end in .j2: "html.j2" must be listed for HTML templates to be escaped
        # (spec and board names come from user files); Markdown templates are not.
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        keep_trailing_newline=True,
    )


def render_template(name: str, context: dict) -> str:
    return _environment().get_template(name).render(**context)
