"""The look, as a browser renders it: one type system in lessons, covers that load, the mark."""

FLAGSHIP = "/courses/detecting-bias-and-inaccuracy-in-ai-generated-media/"
LESSON_WITH_EXAMPLES = FLAGSHIP + "hallucination-and-inaccuracy-in-generated-copy-and-visuals/"

_STYLES_JS = """(selector) => [...document.querySelectorAll(selector)].map((el) => {
    const style = getComputedStyle(el);
    return style.fontFamily + " " + style.fontSize;
})"""


def styles(tab, selector: str) -> set[str]:
    found = tab.evaluate(_STYLES_JS, selector)
    assert found, f"nothing matches {selector!r}"
    return set(found)


def test_lesson_blocks_share_one_face_and_size(demo_server, page):
    page.goto(demo_server + LESSON_WITH_EXAMPLES)
    body = ".prose--serif"
    # Running text, whichever block it sits in: paragraphs, list items, callouts, examples.
    running = (
        f"{body} > p, {body} > ul > li, {body} .callout p:not(.callout__title), "
        f"{body} .ai-example dd"
    )
    assert len(styles(page, running)) == 1
    # Headings and labels share the interface face, whichever block they sit in.
    labels = f"{body} h2, {body} h3, {body} .callout__title, {body} .ai-example dt"
    faces = {style.rsplit(" ", 1)[0] for style in styles(page, labels)}
    assert len(faces) == 1 and faces != {s.rsplit(" ", 1)[0] for s in styles(page, running)}


def test_covers_load_and_show_first_on_each_card(demo_server, page):
    page.goto(demo_server + "/courses/")
    cards = page.locator("main .card")
    assert cards.count() == 3
    for index in range(3):
        card = cards.nth(index)
        cover = card.locator("img.cover__image")
        assert cover.evaluate("(img) => img.complete && img.naturalWidth > 0")
        assert cover.get_attribute("alt")
        # Shown above the title (the title still comes first in reading order).
        assert cover.bounding_box()["y"] < card.locator("h2").bounding_box()["y"]
        assert "No AI involvement" in card.locator(".cover__caption").inner_text()


def test_the_wordmark_loads_and_is_named_lineage(demo_server, page):
    page.goto(demo_server + "/")
    brand = page.get_by_role("link", name="Lineage", exact=True)
    assert brand.count() == 1
    assert brand.locator("img").evaluate("(img) => img.complete && img.naturalWidth > 0")
