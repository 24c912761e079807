"""Each check of tests/web/html_checks.py finds the defect it is for, and passes a page without it."""

import pytest

from tests.web.html_checks import problems

PAGE = """<!doctype html><html lang="en"><head><title>Home · Rapport</title></head><body>
<header><nav aria-label="Main"><a href="/">Rapport</a></nav></header>
<main id="main"><h1>Home</h1>{}</main></body></html>"""


def test_a_sound_page_has_no_problems():
    body = """<nav aria-label="Quick capture"><a href="/n/">Noticed something good</a></nav>
    <h2>Write a note</h2>
    <form><label for="id_body">Note</label>
    <textarea id="id_body" aria-describedby="id_body_helptext"></textarea>
    <small id="id_body_helptext">Only you see it.</small>
    <fieldset><legend>Who sees it</legend><label><input type="radio" name="v"> Only me</label>
    <label><input type="radio" name="v"> Both of us</label></fieldset>
    <input type="hidden" name="next"><button type="submit" aria-label="Save this note">Save</button></form>
    <div class="table-wrap" role="region" tabindex="0" aria-label="Notes"><table></table></div>
    <a href="/x/"><img src="x.svg" alt="Settings"></a>"""
    assert problems(PAGE.format(body)) == []


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        pytest.param(PAGE.replace(' lang="en"', "").format(""), "<html> has no lang", id="lang"),
        pytest.param(PAGE.replace("Home · Rapport", "").format(""), "no <title>", id="title"),
        pytest.param(PAGE.format("<main></main>"), "2 <main> landmarks", id="one main"),
        pytest.param(PAGE.format("<nav><a href='/a/'>A</a></nav>"), "<nav> landmarks has no name", id="nav"),
        pytest.param(PAGE.replace("<h1>Home</h1>", "<h2>Home</h2>").format(""), "no <h1>", id="h1"),
        pytest.param(PAGE.format("<h3>Notes</h3>"), "heading level skipped, h1 to h3", id="skip"),
        pytest.param("<input type='text' name='note'>", "form control without a label", id="label"),
        pytest.param("<label for='x'>Note</label><select id='y'></select>", "without a label", id="for"),
        pytest.param("<textarea aria-labelledby='gone'></textarea>", "missing id 'gone'", id="labelledby"),
        pytest.param(
            "<fieldset><input type='checkbox' aria-label='A'></fieldset>", "without a legend", id="legend"
        ),
        pytest.param(
            "<label><input type='radio' name='v'>A</label><label><input type='radio' name='v'>B</label>",
            "not in a fieldset",
            id="radio group",
        ),
        pytest.param("<p id='a'></p><p id='a'></p>", "id 'a' is used 2 times", id="unique ids"),
        pytest.param(
            "<input aria-label='x' aria-describedby='x_error'>", "missing id 'x_error'", id="described"
        ),
        pytest.param(
            "<a href='/'><span aria-hidden='true'>&times;</span></a>", "a without an accessible name", id="a"
        ),
        pytest.param(
            "<button><img src='x.svg' alt=''></button>", "button without an accessible name", id="button"
        ),
        pytest.param("<a href='/h/' aria-label='History with Tess'>Timeline</a>", "leaves out", id="in name"),
        pytest.param("<img src='x.png'>", "image without an alt attribute", id="alt"),
        pytest.param("<a href='/' tabindex='2'>A</a>", "positive tabindex", id="tabindex"),
        pytest.param("<div class='table-wrap'><table></table></div>", "table-wrap without", id="table"),
    ],
)
def test_each_check_finds_its_defect(html, problem):
    found = problems(html)
    assert any(problem in line for line in found), found
