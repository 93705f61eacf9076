"""Every lesson block renders offline, with its AI-involvement disclosure, and validates input."""

import pytest
from django.core.files.base import ContentFile
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from courses import blocks
from quizzes.question_types.choice import ArtefactBlock

pytestmark = pytest.mark.django_db

GENERATED = {"involvement": "ai_generated", "tool": "DiffusionTool 2", "reviewer": "Ruth"}
NOT_CHOSEN = {"involvement": "", "tool": "", "reviewer": ""}


@pytest.fixture
def image():
    return get_image_model().objects.create(title="Frame", file=get_test_image_file())


def document(name: str, content: bytes = b"data"):
    doc = get_document_model()(title=name)
    doc.file.save(name, ContentFile(content), save=False)
    doc.save()
    return doc


def render(block, raw):
    value = block.to_python(raw)
    return block.render(value)


def test_heading_levels():
    assert render(blocks.HeadingBlock(), {"text": "Why", "level": "h3"}).strip() == "<h3>Why</h3>"
    assert "<h2>Why</h2>" in render(blocks.HeadingBlock(), {"text": "Why", "level": "h2"})


def test_paragraph_renders_rich_text():
    html = render(blocks.LessonBodyBlock(), [{"type": "paragraph", "value": "<p><b>Bold</b></p>"}])
    assert "<b>Bold</b>" in html


def test_image_block_uses_alt_text_and_discloses(image):
    html = render(
        blocks.ImageBlock(),
        {
            "image": image.pk,
            "alt_text": "A storyboard frame",
            "caption": "Panel 3",
            "disclosure": GENERATED,
        },
    )
    assert 'alt="A storyboard frame"' in html
    assert "AI-generated" in html and "DiffusionTool 2" in html and "reviewed by Ruth" in html
    assert "Panel 3" in html


def test_image_block_requires_alt_text(image):
    block = blocks.ImageBlock()
    with pytest.raises(StructBlockValidationError) as excinfo:
        block.clean(block.to_python({"image": image.pk, "alt_text": "", "disclosure": GENERATED}))
    assert "alt_text" in excinfo.value.block_errors


def test_video_block_has_captions_and_transcript_and_no_network():
    video = document("clip.mp4")
    captions = document("clip.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n")
    html = render(
        blocks.VideoBlock(),
        {
            "video": video.pk,
            "captions": captions.pk,
            "captions_language": "en",
            "title": "Grading demo",
            "transcript": "<p>Hello</p>",
            "disclosure": GENERATED,
        },
    )
    assert '<track kind="captions"' in html and captions.url in html
    assert video.url in html
    assert "Transcript" in html and "<p>Hello</p>" in html
    assert "AI-generated" in html
    assert "http://" not in html and "https://" not in html  # nothing fetched from elsewhere


def test_video_block_rejects_non_vtt_captions():
    block = blocks.VideoBlock()
    value = block.to_python(
        {
            "video": document("clip.mp4").pk,
            "captions": document("clip.srt").pk,
            "captions_language": "en",
            "title": "x",
            "transcript": "<p>t</p>",
            "disclosure": {"involvement": "none", "tool": "", "reviewer": ""},
        }
    )
    with pytest.raises(StructBlockValidationError) as excinfo:
        block.clean(value)
    assert "captions" in excinfo.value.block_errors


def test_disclosure_requires_tool_when_ai_was_involved():
    block = blocks.DisclosureBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"involvement": "ai_assisted", "tool": "", "reviewer": ""}))
    assert block.clean(block.to_python({"involvement": "none", "tool": "", "reviewer": ""}))


def test_disclosure_says_no_ai_in_words():
    html = render(blocks.DisclosureBlock(), {"involvement": "none", "tool": "", "reviewer": ""})
    assert "No AI involvement" in html


def test_disclosure_has_no_default_so_nobody_claims_no_ai_by_accident():
    block = blocks.DisclosureBlock()
    assert not block.get_default()["involvement"]
    assert block.child_blocks["involvement"].required


def test_disclosure_waits_for_publishing_then_asks_for_a_choice():
    block = blocks.DisclosureBlock()
    # A draft saves as it is (Wagtail defers required fields for drafts).
    assert block.clean_deferred(block.to_python(NOT_CHOSEN))["involvement"] == ""
    with pytest.raises(StructBlockValidationError) as excinfo:
        block.clean(block.to_python(NOT_CHOSEN))
    [message] = excinfo.value.block_errors["involvement"].messages
    assert message == "Choose whether AI was involved in making this: learners see the answer."


def test_disclosure_asks_for_the_tool_only_when_publishing():
    block = blocks.DisclosureBlock()
    assisted = block.to_python({"involvement": "ai_assisted", "tool": "", "reviewer": ""})
    assert block.clean_deferred(assisted)["involvement"] == "ai_assisted"
    with pytest.raises(StructBlockValidationError) as excinfo:
        block.clean(assisted)
    assert "tool" in excinfo.value.block_errors


def test_disclosure_without_a_choice_claims_nothing():
    html = render(blocks.DisclosureBlock(), NOT_CHOSEN)
    assert "No AI involvement" not in html
    assert "AI involvement not stated" in html


@pytest.mark.parametrize(
    "block,raw",
    [
        (blocks.ImageBlock(), {"image": None, "alt_text": "A frame", "disclosure": GENERATED}),
        (
            blocks.VideoBlock(),
            {"video": None, "captions": None, "title": "Clip", "disclosure": GENERATED},
        ),
        (blocks.DownloadBlock(), {"document": None, "title": "Sheet", "disclosure": GENERATED}),
    ],
)
def test_a_media_block_without_its_media_renders_no_stray_disclosure(block, raw):
    assert render(block, raw).strip() == ""


@pytest.mark.parametrize("block", [blocks.AIExampleBlock(), ArtefactBlock()])
def test_artefact_checks_are_one_rule_that_waits_for_publishing(block):
    raw = {"kind": "text", "title": "T", "text": "", "annotations": [{"label": "a", "note": "b"}]}
    value = block.to_python({**raw, "disclosure": GENERATED})
    assert block.clean_deferred(value)["text"] == ""
    with pytest.raises(StructBlockValidationError) as excinfo:
        block.clean(value)
    assert excinfo.value.block_errors["text"].messages == ["Enter the artefact's text."]
    assert "clean" not in vars(type(block))  # the one rule: blocks.ArtefactValidation


def body_from_form(*children):
    """A lesson body as the editor posts it (untouched rich text posts an empty paragraph)."""
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    body = blocks.LessonBodyBlock()
    data = nested_form_data({"body": streamfield(list(children))})
    return body, body.value_from_datadict(data, {}, "body")


def untouched_image():
    return ("image", {"image": "", "alt_text": "", "caption": "", "disclosure": NOT_CHOSEN})


def test_blocks_added_and_abandoned_are_dropped_from_drafts_and_publishing():
    from wagtail.test.utils.form_data import rich_text

    untouched_video = {
        "video": "",
        "captions": "",
        "captions_language": "en",
        "title": "",
        "transcript": rich_text(""),
        "disclosure": NOT_CHOSEN,
    }
    body, value = body_from_form(
        untouched_image(),
        ("paragraph", rich_text("<p>Kept</p>")),
        ("video", untouched_video),
        ("callout", {"kind": "note", "title": "", "body": rich_text("")}),
    )
    assert [child.block_type for child in body.clean_deferred(value)] == ["paragraph"]
    assert [child.block_type for child in body.clean(value)] == ["paragraph"]


def test_a_half_filled_block_is_kept_and_its_errors_point_at_it():
    from wagtail.test.utils.form_data import rich_text

    started = {"image": "", "alt_text": "A frame", "caption": "", "disclosure": NOT_CHOSEN}
    body, value = body_from_form(
        untouched_image(), ("paragraph", rich_text("<p>Text</p>")), ("image", started)
    )
    assert [child.block_type for child in body.clean_deferred(value)] == ["paragraph", "image"]
    with pytest.raises(StreamBlockValidationError) as excinfo:
        body.clean(value)
    # Position 2 is where the editor shows the half-filled block (the untouched one is gone).
    assert list(excinfo.value.block_errors) == [2]
    errors = excinfo.value.block_errors[2].block_errors
    assert set(errors) == {"image", "disclosure"}


@pytest.mark.parametrize(
    "kind,word", [("key_fact", "Key fact"), ("warning", "Warning"), ("note", "Note")]
)
def test_callout_kinds_are_named_in_words(kind, word):
    html = render(blocks.CalloutBlock(), {"kind": kind, "title": "T", "body": "<p>B</p>"})
    assert word in html and "<p>B</p>" in html and f"callout--{kind}" in html


def test_quote_block():
    html = render(blocks.QuoteBlock(), {"quote": "Failed to account", "attribution": "Google"})
    assert "<blockquote>" in html and "Failed to account" in html and "Google" in html


def test_download_block_shows_type_and_disclosure():
    doc = document("checklist.pdf", b"%PDF-1.4 test")
    html = render(
        blocks.DownloadBlock(),
        {
            "document": doc.pk,
            "title": "Review checklist",
            "description": "Print it",
            "disclosure": {"involvement": "ai_assisted", "tool": "Copy helper", "reviewer": "Sam"},
        },
    )
    assert doc.url in html and "Review checklist" in html and "PDF" in html
    assert "AI-assisted" in html


def test_ai_example_text_with_annotations():
    html = render(
        blocks.AIExampleBlock(),
        {
            "kind": "text",
            "title": "Generated ad copy",
            "text": "Clinically proven!",
            "image": None,
            "alt_text": "",
            "annotations": [{"label": "Unsupported claim", "note": "No source given."}],
            "disclosure": GENERATED,
        },
    )
    assert "Generated ad copy" in html and "Clinically proven!" in html
    assert "<dt>Unsupported claim</dt>" in html and "No source given." in html
    assert "AI-generated" in html


def test_ai_example_image_needs_alt_text(image):
    block = blocks.AIExampleBlock()
    value = block.to_python(
        {
            "kind": "image",
            "title": "Frame",
            "text": "",
            "image": image.pk,
            "alt_text": "",
            "annotations": [{"label": "a", "note": "b"}],
            "disclosure": GENERATED,
        }
    )
    with pytest.raises(StructBlockValidationError) as excinfo:
        block.clean(value)
    assert "alt_text" in excinfo.value.block_errors


def test_ai_example_image_renders_with_alt(image):
    html = render(
        blocks.AIExampleBlock(),
        {
            "kind": "image",
            "title": "Frame",
            "text": "",
            "image": image.pk,
            "alt_text": "Ten identical faces",
            "annotations": [{"label": "Sameness", "note": "n"}],
            "disclosure": GENERATED,
        },
    )
    assert 'alt="Ten identical faces"' in html


def test_reference_block():
    html = render(
        blocks.ReferenceBlock(),
        {"key": "R1", "citation": "Nicoletti & Bass (2023).", "url": "https://example.org/r1"},
    )
    assert 'id="ref-r1"' in html and "Nicoletti" in html


def test_every_body_block_type_is_covered_by_a_test():
    tested = {
        "heading",
        "paragraph",
        "image",
        "video",
        "callout",
        "quote",
        "document",
        "ai_example",
    }
    assert set(blocks.LessonBodyBlock.base_blocks) == tested
