"""The README's promise: `foidesk demo` serves a public page, a sign-in page and, after
signing in as officer, a staff page naming London Borough of Barnet; and its console keeps
the sign-in details in view, with no line for each task the worker runs."""

import re

from tests.processes import environment, free_port, serving


def test_the_demo_serves_barnet_to_a_signed_in_officer(
    page, tmp_path, scratch_database_url, axe, csp_violations
):
    env = environment(tmp_path, scratch_database_url)
    after = []
    with serving("demo", env=env, port=free_port(), after=after) as (base, output):
        password = re.search(r"Password for each: (\S+)", output).group(1)

        page.goto(base + "/")
        assert page.get_by_role("heading", level=1).inner_text() == (
            "Ask London Borough of Barnet for information"
        )
        page.get_by_role("link", name="Staff sign in").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
        axe(page)

        page.get_by_label("Username").fill("officer")
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()
        assert page.url == base + "/staff/"
        assert "London Borough of Barnet" in page.locator("header").inner_text()
        assert page.get_by_role("heading", level=1).inner_text() == "Caseload"
        page.get_by_label("Find a request by reference").fill("5973764")
        page.get_by_role("button", name="Find").click()
        assert "IT systems in adults' and children's social care" in page.locator("h1").inner_text()
        assert "Responded" in page.locator("main").inner_text()
        axe(page)
        axe(page)
        assert csp_violations == []
    # The worker ran the demo's queued tasks meanwhile, and said nothing of those that went well.
    assert "django.tasks" not in after[0]
    assert "Password for each" in output
