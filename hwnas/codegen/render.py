"""Render the glue templates in hls_templates/glue with Jinja2 (StrictUndefined)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _environment():
    from hwnas.resources import code_templates, data_dir

    env = code_templates(data_dir("hls_templates") / "glue")
    env.filters["ap_word"] = ap_word_literal
    return env


def ap_word_literal(value: int, bits: int) -> str:
    """An unsigned constant of the given width as ap_uint reads it (hex, always 0x-prefixed)."""
    if bits <= 64:
        return f"0x{int(value):x}ULL"
    return f'ap_uint<{bits}>("0x{int(value):x}", 16)'


def render(template: str, context: dict) -> str:
    return _environment().get_template(template).render(**context)


def render_text(source: str, context: dict) -> str:
    """A template given as text (a node type's kernel call, ``hwnas.codegen.kinds``), in the same environment."""
    return _environment().from_string(source).render(**context)
