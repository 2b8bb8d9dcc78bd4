"""Render the glue templates in hls_templates/glue with Jinja2 (StrictUndefined)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    from hwnas.resources import data_dir

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("hls_templates") / "glue")),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ap_word"] = ap_word_literal
    return env


def ap_word_literal(value: int, bits: int) -> str:
    """An unsigned constant of the given width as ap_uint reads it (hex, always 0x-prefixed)."""
    if bits <= 64:
        return f"0x{int(value):x}ULL"
    return f'ap_uint<{bits}>("0x{int(value):x}", 16)'


def render(template: str, context: dict) -> str:
    return _environment().get_template(template).render(**context)
