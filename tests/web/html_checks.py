"""What a screen reader and a keyboard need from a page's HTML, checked without a browser.

``problems(html)`` parses a page or an htmx fragment with the standard library's
parser and returns one sentence per defect: form controls without a label, radio
buttons and checkboxes without a legend, links and buttons without a name (or
with an aria-label that leaves out their visible text), references to ids that
do not exist, duplicate ids, images without ``alt``, positive ``tabindex``, a
sideways-scrolling table a keyboard cannot reach; and, for a full page, the
language, title, one <main>, named <nav>s and the heading outline.
tests/web/test_accessibility.py runs it on every page of the authorization
matrix; tests/browser/test_accessibility.py adds what needs a rendered page,
such as contrast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
}  # fmt: skip
# Inputs that are not form fields a person fills in, or that are named by their value.
UNNAMED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)
    line: int = 0

    def get(self, name: str) -> str:
        return (self.attrs.get(name) or "").strip()

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def text(self) -> str:
        """The text a screen reader reads for this element's content (a simplified accessible name)."""
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.get("aria-hidden") == "true" or "hidden" in child.attrs:
                continue
            elif child.tag == "img":
                parts.append(child.get("alt"))
            elif child.get("aria-label"):
                parts.append(child.get("aria-label"))
            else:
                parts.append(child.text())
        return " ".join(" ".join(parts).split())

    def describe(self) -> str:
        shown = {k: v for k, v in self.attrs.items() if k in {"id", "name", "type", "href", "class"}}
        attributes = "".join(f' {k}="{v}"' for k, v in shown.items())
        return f"<{self.tag}{attributes}> (line {self.line})"


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, self.stack[-1], line=self.getpos()[0])
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        # Close up to the matching open element; an end tag with none open is ignored.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def problems(html: str) -> list[str]:
    """Every accessibility defect found in ``html``, a full page or an htmx fragment."""
    root = parse(html)
    elements = list(root.iter())
    by_id: dict[str, list[Element]] = {}
    for element in elements:
        if "id" in element.attrs:
            by_id.setdefault(element.attrs["id"], []).append(element)
    found: list[str] = []
    if any(element.tag == "html" for element in elements):
        found += _page_problems(elements, by_id)
    found += _id_problems(elements, by_id)
    found += _control_problems(elements, by_id)
    found += _name_problems(elements, by_id)
    found += _scrolling_table_problems(elements)
    for element in elements:
        if element.tag == "img" and "alt" not in element.attrs:
            found.append(f"image without an alt attribute: {element.describe()}")
        tabindex = element.get("tabindex")
        if tabindex.lstrip("-").isdigit() and int(tabindex) > 0:
            found.append(f"positive tabindex changes the keyboard order: {element.describe()}")
    return found


def _labelledby_text(element: Element, by_id: dict[str, list[Element]]) -> str:
    ids = element.get("aria-labelledby").split()
    return " ".join(by_id[i][0].text() for i in ids if i in by_id).strip()


def _page_problems(elements: list[Element], by_id: dict[str, list[Element]]) -> list[str]:
    found = []
    html = next(element for element in elements if element.tag == "html")
    if not html.get("lang"):
        found.append("<html> has no lang")
    titles = [element for element in elements if element.tag == "title"]
    if not titles or not titles[0].text():
        found.append("the page has no <title>, or an empty one")
    mains = [element for element in elements if element.tag == "main" or element.get("role") == "main"]
    if len(mains) != 1:
        found.append(f"the page has {len(mains)} <main> landmarks, not one")
    navs = [element for element in elements if element.tag == "nav" or element.get("role") == "navigation"]
    if len(navs) > 1:
        for nav in navs:
            if not (nav.get("aria-label") or _labelledby_text(nav, by_id)):
                found.append(f"one of several <nav> landmarks has no name (aria-label): {nav.describe()}")
    headings = [element for element in elements if element.tag in HEADINGS]
    if not any(heading.tag == "h1" for heading in headings):
        found.append("the page has no <h1>")
    previous = 0
    for heading in headings:
        level = HEADINGS[heading.tag]
        if level > previous + 1:
            found.append(
                f"heading level skipped, h{previous} to h{level}: {heading.describe()} {heading.text()!r}"
            )
        previous = level
        if not heading.text():
            found.append(f"empty heading: {heading.describe()}")
    return found


def _id_problems(elements: list[Element], by_id: dict[str, list[Element]]) -> list[str]:
    found = [f"id {id_!r} is used {len(same)} times" for id_, same in by_id.items() if len(same) > 1]
    for element in elements:
        for attribute in ("aria-describedby", "aria-labelledby", "for"):
            if attribute == "for" and element.tag not in {"label", "output"}:
                continue
            for target in element.get(attribute).split():
                if target not in by_id:
                    found.append(f"{attribute} points at a missing id {target!r}: {element.describe()}")
    return found


def _is_form_field(element: Element) -> bool:
    if element.tag == "input":
        return _input_type(element) not in UNNAMED_INPUT_TYPES
    return element.tag in {"select", "textarea"}


def _control_problems(elements: list[Element], by_id: dict[str, list[Element]]) -> list[str]:
    labelled = {element.get("for") for element in elements if element.tag == "label" and element.get("for")}
    found = []
    for element in elements:
        if not _is_form_field(element):
            continue
        named = (
            (element.get("id") and element.get("id") in labelled)
            or any(ancestor.tag == "label" for ancestor in element.ancestors())
            or element.get("aria-label")
            or _labelledby_text(element, by_id)
        )
        if not named:
            found.append(f"form control without a label: {element.describe()}")
    found += _group_problems(elements)
    return found


def _group_problems(elements: list[Element]) -> list[str]:
    """Radio buttons and checkboxes in a fieldset need its legend to say what they answer."""
    found = []
    for fieldset in (element for element in elements if element.tag == "fieldset"):
        choices = [element for element in fieldset.iter() if _input_type(element) in {"radio", "checkbox"}]
        legend = next((child for child in fieldset.iter() if child.tag == "legend"), None)
        has_name = (legend is not None and legend.text()) or fieldset.get("aria-label")
        if choices and not has_name:
            found.append(f"a group of radio buttons or checkboxes without a legend: {fieldset.describe()}")
    radio_names: dict[str, list[Element]] = {}
    for element in elements:
        if _input_type(element) == "radio":
            radio_names.setdefault(element.get("name"), []).append(element)
    for name, radios in radio_names.items():
        grouped = any(
            ancestor.tag == "fieldset" or ancestor.get("role") in {"radiogroup", "group"}
            for ancestor in radios[0].ancestors()
        )
        if len(radios) > 1 and not grouped:
            found.append(
                f"radio buttons {name!r} are not in a fieldset with a legend: {radios[0].describe()}"
            )
    return found


def _input_type(element: Element) -> str:
    return element.get("type").lower() if element.tag == "input" else ""


def _name_problems(elements: list[Element], by_id: dict[str, list[Element]]) -> list[str]:
    """Links and buttons say where they go or what they do."""
    found = []
    for element in elements:
        if (element.tag == "a" and "href" in element.attrs) or element.tag == "button":
            name = element.get("aria-label") or _labelledby_text(element, by_id) or element.text()
        elif _input_type(element) == "button":  # submit and reset buttons are named by the browser
            name = element.get("aria-label") or element.get("value")
        elif _input_type(element) == "image":
            name = element.get("aria-label") or element.get("alt")
        else:
            continue
        if not name:
            found.append(f"{element.tag} without an accessible name: {element.describe()}")
        elif element.get("aria-label") and element.tag in {"a", "button"}:
            # WCAG 2.5.3, label in name: a voice-control user says what they see.
            visible = element.text().lower().rstrip(".…")
            if visible and visible not in element.get("aria-label").lower():
                found.append(f"aria-label {element.get('aria-label')!r} leaves out the visible {visible!r}")
    return found


def _scrolling_table_problems(elements: list[Element]) -> list[str]:
    """Rapport's .table-wrap scrolls a wide table sideways on a phone: a keyboard must reach it to scroll."""
    found = []
    for element in elements:
        if "table-wrap" in element.get("class").split():
            named = element.get("aria-label") or element.get("aria-labelledby")
            if element.get("tabindex") != "0" or element.get("role") != "region" or not named:
                found.append(
                    f'table-wrap without tabindex="0", role="region" and a name: {element.describe()}'
                )
    return found
