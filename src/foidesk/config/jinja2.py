"""The Jinja2 environment behind Django's Jinja2 template backend.

GOV.UK Frontend's macros import one another as ``govuk_frontend_jinja/...``, so the
package's templates are mounted under that prefix after foidesk's own folders.
``ChainableUndefined`` is what the GOV.UK page template expects of missing parameters.
"""

from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader, PrefixLoader

from foidesk.config import forms


def url(name, *args, **kwargs):
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options):
    options["loader"] = ChoiceLoader(
        [
            options["loader"],
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    options["undefined"] = ChainableUndefined
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.globals.update(
        url=url,
        static=static,
        error_summary=forms.error_summary,
        error_message=forms.error_message,
        radio_items=forms.radio_items,
    )
    return env
