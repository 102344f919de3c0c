"""Django form errors in the shapes GOV.UK Frontend's components take.

The error summary lists every problem, each linking to its field; a problem that
belongs to no one field links to the form's first field.
"""


def field_id(bound_field):
    return bound_field.auto_id or bound_field.html_name


def error_summary(form):
    """Parameters for ``govukErrorSummary``, or None when the form has no errors."""
    if not form.is_bound or not form.errors:
        return None
    first = next(iter(form), None)
    items = [
        {"text": str(message), "href": f"#{field_id(first)}" if first is not None else None}
        for message in form.non_field_errors()
    ]
    for bound_field in form:
        items.extend(
            {"text": str(message), "href": f"#{field_id(bound_field)}"}
            for message in bound_field.errors
        )
    return {"titleText": "There is a problem", "errorList": items}


def error_message(bound_field):
    """The ``errorMessage`` parameter for a field's component, or None."""
    if not bound_field.errors:
        return None
    return {"text": " ".join(str(message) for message in bound_field.errors)}
