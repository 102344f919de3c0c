"""The Jinja2 environment behind Django's Jinja2 template backend.

GOV.UK Frontend's macros import one another as ``govuk_frontend_jinja/...``, so the
package's templates are mounted under that prefix after foidesk's own folders.
``ChainableUndefined`` is what the GOV.UK page template expects of missing parameters.
"""

from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader, PrefixLoader

from foidesk.web import forms


def url(viewname, /, *args, **kwargs):
    return reverse(viewname, args=args or None, kwargs=kwargs or None)


def localtime_text(moment):
    """'Fri 17 Jan 2020, 10:30' in UK time."""
    moment = timezone.localtime(moment)
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M}"


def with_query(request, **changes):
    """This page's query string with ``changes`` made, e.g. the next page of a list."""
    query = request.GET.copy()
    for key, value in changes.items():
        query[key] = value
    return "?" + query.urlencode()


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
    env.filters["localtime_text"] = localtime_text
    env.globals.update(
        url=url,
        static=static,
        get_messages=get_messages,
        with_query=with_query,
        error_summary=forms.error_summary,
        error_message=forms.error_message,
        radio_items=forms.radio_items,
        checkbox_items=forms.checkbox_items,
        select_items=forms.select_items,
    )
    return env
