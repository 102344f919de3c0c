"""The web kit every app's pages build on: GOV.UK form fields and errors, the page helpers
and the Jinja2 environment. The bottom layer of the Django side: it imports no foidesk app."""
