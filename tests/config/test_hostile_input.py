"""No input is a 500: every GET form and every API parameter, walked with hostile values.

The forms, the query parameters of the pages' own links and the API's parameters are found
by reading the pages and the OpenAPI description, so a new form or parameter is walked
without changing this test.
"""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from foidesk import demo
from foidesk.api import tokens
from foidesk.publication import views as publication_views
from tests.publication.test_search import publish

pytestmark = pytest.mark.django_db

PASSWORD = "hostile-walk-password"
REFERENCE = demo.REFERENCE_CASE["reference"]
HOSTILE = [
    "99999999999999999999",
    "9223372036854775807",
    "-9223372036854775809",
    "-1",
    "0",
    "١٢",  # Arabic-Indic digits: int() reads them
    "²",
    "１２",  # full-width digits
    "😀",
    "x" * 5000,
    "",
    " ",
    "\x00",
    "1\x00",
    " 12 ",
    "1e400",
    "nan",
    "%",
    "' OR 1=1 --",
    '"<script>',
    "2020-02-30",
    "9999-12-31",
]


class FormsAndLinks(HTMLParser):
    """The GET forms of a page (action and field names) and the query names of its links."""

    def __init__(self, page_url):
        super().__init__()
        self.page_url = page_url
        self.forms = {}
        self._form = None

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if tag == "form":
            method = (attributes.get("method") or "get").lower()
            action = urljoin(self.page_url, attributes.get("action") or self.page_url)
            self._form = self.forms.setdefault(action, set()) if method == "get" else None
        elif tag in {"input", "select", "textarea", "button"} and self._form is not None:
            if attributes.get("name"):
                self._form.add(attributes["name"])
        elif tag == "a" and "?" in (attributes.get("href") or ""):
            target = urljoin(self.page_url, attributes["href"])
            if urlsplit(target).netloc in {"", "testserver"}:
                path = urlsplit(target).path
                names = {name for name, _ in parse_qsl(urlsplit(target).query)}
                self.forms.setdefault(path, set()).update(names)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def page_urls():
    """Every page of the URLconf but the admin's and the API's, parameters filled in."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    for route in walk(get_resolver().url_patterns, ""):
        if route.startswith(("admin/", "api/")) or "^" in route:
            continue
        url = route.replace("<str:reference>", REFERENCE)
        for converter in ("int", "str"):
            while f"<{converter}:" in url:
                start = url.index(f"<{converter}:")
                url = url[:start] + ("1" if converter == "int" else "x") + url[url.index(">") + 1 :]
        yield "/" + url


def discovered_parameters(client):
    """{path: parameter names} for every GET form and link query a client's pages show."""
    found = {}
    for url in page_urls():
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith("text/html"):
            continue
        parser = FormsAndLinks(url)
        parser.feed(response.content.decode())
        for path, names in parser.forms.items():
            found.setdefault(path, set()).update(names)
    return found


# A date's other boxes hold a real date, so a hostile day, month or year reaches the parsing
# of the whole date rather than stopping at "must include a month".
PLAUSIBLE = {"-day": "17", "-month": "1", "-year": "2020"}


def other_boxes_of_its_date(name, names):
    for ending in PLAUSIBLE:
        if name.endswith(ending):
            date_name = name.removesuffix(ending)
            return {
                box: value
                for box_ending, value in PLAUSIBLE.items()
                if (box := date_name + box_ending) in names and box != name
            }
    return {}


def hostile_queries(names):
    """(what is hostile, the query): one hostile value per parameter in turn, each repeated,
    and all parameters at once."""
    for name in sorted(names):
        baseline = other_boxes_of_its_date(name, names)
        for value in HOSTILE:
            yield f"{name}={value!r:.40}", baseline | {name: value}
        yield f"{name} twice", baseline | {name: ["1", "2"]}
    for value in HOSTILE:
        yield f"every parameter={value!r:.40}", dict.fromkeys(names, value)


@pytest.fixture
def barnet(authority, monkeypatch):
    """The demo, its disclosure log three pages long, so its pages link to each other."""
    demo.load(PASSWORD, generated=0)
    publish("Pothole repairs")
    publish("Library opening hours")
    monkeypatch.setattr(publication_views, "PAGE_SIZE", 1)


def signed_in(username):
    client = Client(raise_request_exception=False)
    assert client.login(username=username, password=PASSWORD)
    return client


def failures(client, parameters):
    failed = []
    for path, names in parameters.items():
        for hostile, query in hostile_queries(names):
            response = client.get(path, query)
            if response.status_code >= 500:
                failed.append(f"{path} {hostile}: {response.status_code}")
    return failed


def test_no_public_form_or_link_query_gives_a_500(barnet):
    visitor = Client(raise_request_exception=False)
    parameters = discovered_parameters(visitor)
    # The walk must find the forms it exists for, or it would pass by walking nothing.
    assert "published_from-day" in parameters["/disclosure-log/"]
    assert "received-year" in parameters["/deadline-calculator/"]
    assert "page" in parameters["/disclosure-log/"]
    failed = failures(visitor, parameters)
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("username", ["officer", "contributor.adults", "approver"])
def test_no_staff_form_or_link_query_gives_a_500(barnet, username):
    staff = signed_in(username)
    parameters = discovered_parameters(staff)
    if username == "officer":
        assert {"reference", "view", "sort"} <= parameters["/staff/"]
    failed = failures(staff, parameters)
    assert not failed, "\n".join(failed)


def operations(client):
    description = client.get("/api/v1/openapi.json").json()
    for path, methods in description["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def api_path(path):
    return (
        path.replace("{reference}", REFERENCE).replace("{number}", "1").replace("{action}", "start")
    )


def assert_documented_shape(response):
    """Errors are {"detail": [{"loc": [...], "msg": "..."}]}, as the README promises."""
    body = response.json()
    assert list(body) == ["detail"], body
    assert body["detail"], body
    for item in body["detail"]:
        assert set(item) == {"loc", "msg"}, body
        assert isinstance(item["loc"], list), body
        assert isinstance(item["msg"], str), body


def hostile_paths(path):
    """The path with each of its parameters hostile in turn, the others as the demo has them."""
    for name in re.findall(r"{(\w+)}", path):
        for value in HOSTILE:
            if value:
                yield f"{name}={value!r:.40}", api_path(path.replace(f"{{{name}}}", quote(value)))


def test_no_api_parameter_gives_a_500_and_every_error_has_the_documented_shape(barnet):
    client = Client(raise_request_exception=False)
    headers = {"Authorization": f"Bearer {tokens.create('officer')}"}
    failed = []
    for path, method, operation in operations(client):
        if method != "get":
            continue
        names = {
            parameter["name"]
            for parameter in operation.get("parameters", [])
            if parameter["in"] == "query"
        }
        calls = [(hostile, api_path(path), query) for hostile, query in hostile_queries(names)]
        calls += [(hostile, hostile_path, {}) for hostile, hostile_path in hostile_paths(path)]
        for hostile, url, query in calls:
            response = client.get(url, query, headers=headers)
            if response.status_code >= 500:
                failed.append(f"{path} {hostile}: {response.status_code}")
            elif response.status_code >= 400:
                assert_documented_shape(response)
    assert not failed, "\n".join(failed)


def json_operations(client):
    for path, method, operation in operations(client):
        if "application/json" in operation.get("requestBody", {}).get("content", {}):
            yield api_path(path), method


NOT_JSON = ["{", "not json", '{"regime": }', "\x00", "\xff", "9" * 5000 + "x"]
# JSON, but not the object a call takes.
WRONG_KIND = ["[]", "null", '"text"', "9" * 5000, '{"note": "\\u0000"}']


def test_a_body_that_is_not_json_is_a_422_in_the_documented_shape(barnet):
    client = Client(raise_request_exception=False)
    headers = {"Authorization": f"Bearer {tokens.create('officer')}"}
    for path, method in json_operations(client):
        for body in NOT_JSON:
            response = getattr(client, method)(
                path, body, content_type="application/json", headers=headers
            )
            assert response.status_code == 422, (path, body, response.content)
            assert response.json()["detail"][0]["loc"] == ["body"]
            assert_documented_shape(response)


def test_json_of_the_wrong_kind_is_no_500_and_any_refusal_has_the_documented_shape(barnet):
    client = Client(raise_request_exception=False)
    headers = {"Authorization": f"Bearer {tokens.create('officer')}"}
    for path, method in json_operations(client):
        for body in WRONG_KIND:
            response = getattr(client, method)(
                path, body, content_type="application/json", headers=headers
            )
            assert response.status_code < 500, (path, body, response.content)
            if response.status_code >= 400:
                assert_documented_shape(response)


@pytest.mark.parametrize(
    "address",
    ["/disclosure-log/5973764%00/", "/disclosure-log/?q=Mosaic%00", "/staff/?reference=%00"],
)
def test_a_nul_in_an_address_is_a_bad_request_page(client, officer, address):
    client.force_login(officer)
    response = client.get(address)
    assert response.status_code == 400
    assert "The address or form could not be understood" in response.content.decode()


def test_a_nul_in_an_api_address_is_a_400_in_the_documented_shape(client, officer):
    headers = {"Authorization": f"Bearer {tokens.create('officer')}"}
    response = client.get("/api/v1/requests/5973764%00", headers=headers)
    assert response.status_code == 400
    assert response.json() == {
        "detail": [
            {
                "loc": ["path"],
                "msg": "The address could not be read: check it, and that it holds no NUL "
                "character",
            }
        ]
    }
