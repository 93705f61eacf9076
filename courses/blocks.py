"""StreamField blocks for lesson bodies.

Every media block carries an AI-involvement disclosure that learners see: transparency about
AI use in the course material itself is part of what Lineage stands for. No block needs the
network to render (videos are uploaded files with captions, never third-party embeds).
"""

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from wagtail import blocks
from wagtail.blocks import StreamBlockValidationError, StreamValue, StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h3", "bold", "italic", "link", "ol", "ul", "document-link"]


class AIInvolvement:
    NONE = "none"
    ASSISTED = "ai_assisted"
    GENERATED = "ai_generated"
    CHOICES = [
        (NONE, "No AI involvement"),
        (ASSISTED, "AI-assisted"),
        (GENERATED, "AI-generated"),
    ]


class AIInvolvementBlock(blocks.ChoiceBlock):
    """The disclosure's answer, with no default: a default would claim what nobody chose.

    Required, so Wagtail defers it while a draft is saved and asks for it on publishing.
    """

    def get_field(self, **kwargs):
        kwargs["error_messages"] = {
            "required": "Choose whether AI was involved in making this: learners see the answer."
        }
        return super().get_field(**kwargs)


class DisclosureBlock(blocks.StructBlock):
    """Who and what made this media: shown to learners as a disclosure badge."""

    involvement = AIInvolvementBlock(choices=AIInvolvement.CHOICES, label="AI involvement")
    tool = blocks.CharBlock(required=False, max_length=120, help_text="e.g. the model or app used")
    reviewer = blocks.CharBlock(
        required=False, max_length=120, help_text="The person who reviewed it before publishing"
    )

    def clean(self, value):
        value = super().clean(value)
        # Like a required field, the tool may wait for publishing (drafts save as they are).
        if self.is_deferred_validation:
            return value
        if (
            value["involvement"] in (AIInvolvement.ASSISTED, AIInvolvement.GENERATED)
            and not value["tool"]
        ):
            raise StructBlockValidationError(
                {"tool": ValidationError("Name the tool when AI was involved.")}
            )
        return value

    class Meta:
        icon = "info-circle"
        label = "AI involvement disclosure"
        template = "courses/blocks/disclosure.html"
        form_classname = "disclosure-block"


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200)
    level = blocks.ChoiceBlock(choices=[("h2", "Heading 2"), ("h3", "Heading 3")], default="h2")

    class Meta:
        icon = "title"
        label = "Heading"
        template = "courses/blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=300,
        help_text="Describe the image for people who can't see it. Required.",
    )
    caption = blocks.CharBlock(required=False, max_length=300)
    disclosure = DisclosureBlock()

    class Meta:
        icon = "image"
        label = "Image"
        template = "courses/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    """An uploaded video with a WebVTT captions track and a transcript; never an embed."""

    video = DocumentChooserBlock(help_text="An uploaded MP4 or WebM file.")
    captions = DocumentChooserBlock(help_text="A WebVTT (.vtt) captions file. Required.")
    captions_language = blocks.CharBlock(default="en", max_length=12)
    title = blocks.CharBlock(max_length=200)
    transcript = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    disclosure = DisclosureBlock()

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        video, captions = value.get("video"), value.get("captions")
        if video and video.file_extension.lower() not in {"mp4", "webm"}:
            errors["video"] = ValidationError("Upload an MP4 or WebM video file.")
        if captions and captions.file_extension.lower() != "vtt":
            errors["captions"] = ValidationError("Captions must be a WebVTT (.vtt) file.")
        if errors:
            raise StructBlockValidationError(errors)
        return value

    class Meta:
        icon = "media"
        label = "Video"
        template = "courses/blocks/video.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("key_fact", "Key fact"), ("note", "Note"), ("warning", "Warning")],
        default="note",
    )
    title = blocks.CharBlock(required=False, max_length=200)
    body = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = "Callout"
        template = "courses/blocks/callout.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = "Quote"
        template = "courses/blocks/quote.html"


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    title = blocks.CharBlock(required=False, max_length=200, help_text="Defaults to the file's")
    description = blocks.TextBlock(required=False)
    disclosure = DisclosureBlock()

    class Meta:
        icon = "doc-full"
        label = "Downloadable document"
        template = "courses/blocks/download.html"


class AnnotationBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=120)
    note = blocks.TextBlock()

    class Meta:
        icon = "edit"
        label = "Annotation"


class ArtefactValidation:
    """For StructBlocks with ``kind``, ``text``, ``image`` and ``alt_text`` children: a text
    artefact needs its text, an image artefact its image and alt text.

    Shared by lesson examples and quiz scenarios; like required fields, it waits for publishing.
    """

    def clean(self, value):
        value = super().clean(value)
        if self.is_deferred_validation:
            return value
        errors = {}
        if value["kind"] == "text" and not value["text"]:
            errors["text"] = ValidationError("Enter the artefact's text.")
        if value["kind"] == "image":
            if not value["image"]:
                errors["image"] = ValidationError("Choose the artefact image.")
            if not value["alt_text"]:
                errors["alt_text"] = ValidationError("Describe the image (alt text).")
        if errors:
            raise StructBlockValidationError(errors)
        return value


class AIExampleBlock(ArtefactValidation, blocks.StructBlock):
    """A generated artefact (image or text) shown with annotations on what is wrong with it."""

    kind = blocks.ChoiceBlock(choices=[("text", "Text"), ("image", "Image")], default="text")
    title = blocks.CharBlock(max_length=200)
    text = blocks.TextBlock(required=False, help_text="The artefact, when it is text.")
    image = ImageChooserBlock(required=False)
    alt_text = blocks.CharBlock(required=False, max_length=300)
    annotations = blocks.ListBlock(AnnotationBlock(), min_num=1)
    disclosure = DisclosureBlock()

    class Meta:
        icon = "pick"
        label = "AI example"
        template = "courses/blocks/ai_example.html"


class LessonBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, icon="pilcrow", template="courses/blocks/paragraph.html"
    )
    image = ImageBlock()
    video = VideoBlock()
    callout = CalloutBlock()
    quote = QuoteBlock()
    document = DownloadBlock()
    ai_example = AIExampleBlock()

    def clean(self, value):
        # A block added and then abandoned (nothing chosen or typed in it) is dropped, so it
        # neither shows a stray disclosure in previews nor blocks publishing.
        kept = [i for i, child in enumerate(value) if not is_abandoned(child.block, child.value)]
        if len(kept) == len(value):
            return super().clean(value)
        children = (value[i] for i in kept)
        try:
            return super().clean(
                StreamValue(self, [(c.block_type, c.value, c.id) for c in children])
            )
        except StreamBlockValidationError as error:
            # Errors name blocks by position: move them back to where the editor shows them.
            raise StreamBlockValidationError(
                block_errors={kept[i]: e for i, e in error.block_errors.items()},
                non_block_errors=error.non_block_errors,
            ) from None


def is_abandoned(block: blocks.Block, value) -> bool:
    """True when nothing was chosen or typed in a block: each part is blank or its default."""
    return _unchanged(block.get_prep_value(value), block.get_prep_value(block.get_default()))


def _unchanged(value, default) -> bool:
    if isinstance(value, dict):
        default = default if isinstance(default, dict) else {}
        return all(_unchanged(part, default.get(name)) for name, part in value.items())
    if isinstance(value, list):
        return not value
    # An untouched rich text editor still posts an empty paragraph.
    blank = value is None or (isinstance(value, str) and not strip_tags(value).strip())
    return blank or value == default


class ReferenceBlock(blocks.StructBlock):
    key = blocks.CharBlock(max_length=12, help_text="e.g. R1, cited in lessons as (R1)")
    citation = blocks.TextBlock()
    url = blocks.URLBlock(required=False)

    class Meta:
        icon = "link"
        label = "Reference"
        template = "courses/blocks/reference.html"
