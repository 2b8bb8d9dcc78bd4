"""Render the RTL backend's templates in rtl_templates/ with Jinja2 (StrictUndefined)."""

from __future__ import annotations


def render_rtl(template: str, context: dict) -> str:
    """``template`` is a path under rtl_templates/, such as ``glue/top.v.j2``."""
    from hwnas.resources import code_templates, data_dir

    return code_templates(data_dir("rtl_templates")).get_template(template).render(**context)


def kernel_source(name: str):
    """The path of one kernel module, ``rtl_templates/kernels/<name>.sv``."""
    from hwnas.resources import data_dir

    return data_dir("rtl_templates") / "kernels" / f"{name}.sv"
