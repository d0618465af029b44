"""Deployment check: the documents are set in Noto CJK, which must be installed."""

from django.core.checks import Warning, register

from .seal import cjk_font_file


@register("documents")
def cjk_fonts_installed(app_configs, **kwargs):
    if cjk_font_file() is not None:
        return []
    return [
        Warning(
            "No Noto CJK font is installed: documents would print Chinese as empty boxes.",
            hint="apt-get install fonts-noto-cjk (make run and .ci/run do it where missing).",
            id="documents.W001",
        )
    ]
