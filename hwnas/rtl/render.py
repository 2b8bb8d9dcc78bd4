"""Render the RTL backend's templates in rtl_templates/ with Jinja2 (StrictUndefined)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    from hwnas.resources import data_dir

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("rtl_templates"))),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_rtl(template: str, context: dict) -> str:
    """``template`` is a path under rtl_templates/, such as ``glue/top.sv.j2``."""
    return _environment().get_template(template).render(**context)


def kernel_source(name: str):
    """The path of one kernel module, ``rtl_templates/kernels/<name>.sv``."""
    from hwnas.resources import data_dir

    return data_dir("rtl_templates") / "kernels" / f"{name}.sv"
