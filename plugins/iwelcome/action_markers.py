"""A Python-Markdown extension: a paragraph that is only `[action: slug]` becomes an element,
`<action-slot slug="slug"></action-slot>`, which the templates replace with the action's box
(markup.body_parts). The line reads well as plain text in any Markdown preview, GitHub's too.

The reader adds it to Pelican's Markdown (reading.py); `makeExtension` lets Markdown load it by
its dotted name, `iwelcome.action_markers`.
"""

import re
import xml.etree.ElementTree as ET

from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension

from .markup import ACTION_SLOT

MARKER = re.compile(r"\[action:\s*([^\]\s]*)\s*\]")


class ActionMarkerProcessor(BlockProcessor):
    def test(self, parent, block):
        return MARKER.fullmatch(block.strip()) is not None

    def run(self, parent, blocks):
        slug = MARKER.fullmatch(blocks.pop(0).strip()).group(1)
        ET.SubElement(parent, ACTION_SLOT, {"slug": slug})


class ActionMarkerExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        # Before the paragraph (10) and reference (15) processors: the line is a marker, not text.
        md.parser.blockprocessors.register(ActionMarkerProcessor(md.parser), "iwelcome_action", 16)


def makeExtension(**kwargs):  # noqa: N802 - Python-Markdown's name
    return ActionMarkerExtension(**kwargs)
