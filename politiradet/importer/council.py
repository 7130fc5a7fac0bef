"""Which police council a referat is from (``politirad``): the one asked for with
``--politirad``, else the one its title or letterhead names, else the archive's own."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import did_you_mean
from ..model.content import SITE_NAME
from .context import ArchiveContext
from .document import Block
from .errors import ImportRefused
from .recognise import Head

HEAD_BLOCKS = 6
"""The body's first blocks that count as the top of the document when the title line does
not name a council (a letterhead without lines of its own, an «Til stede» block …)."""


@dataclass(frozen=True, slots=True)
class Chosen:
    """The council of the draft: its slug (empty for the archive's own, which is written
    without ``politirad``), its name, and how it was found (for the report)."""

    slug: str
    name: str
    how: str = ""


UNCHOSEN = Chosen("", SITE_NAME)
"""The council of a draft before one is chosen: the archive's own, under the site's name."""


def choose(asked: str | None, kind: str, head: Head, body: Sequence[Block],
           context: ArchiveContext) -> Chosen:
    """The council a draft of *kind* is from; refuses ``--politirad`` *asked* for an
    agreement or a council the archive does not list, with what to do instead."""
    own = Chosen("", context.council_name(context.own_council))
    if asked is not None:
        return _asked(asked, kind, context)
    if kind != "referat" or len(context.councils) < 2:
        return own
    title = head.title.text if head.title else ""
    top = [*head.letterhead, *(block.text for block in body[:HEAD_BLOCKS])]
    for where, texts in (("tittellinjen", [title]), ("toppen av dokumentet", top)):
        named = _named(texts, context)
        if named:
            # Two councils named at the top (a joint meeting, a letter between them): the
            # archive's own, and the editor sets «politirad» if it is the other.
            return own if len(named) > 1 else _chosen(
                named[0], context, f"navnet «{context.council_name(named[0])}» står i {where}")
    return own


def _asked(asked: str, kind: str, context: ArchiveContext) -> Chosen:
    if kind != "referat":
        raise ImportRefused(
            "«--politirad» gjelder bare referater, og dette ble lest som en avtale. Er det et "
            "referat, importer med «--type referat --politirad " + asked + "».")
    if not context.councils:
        raise ImportRefused(
            f"arkivet har ingen liste over politiråd, så «--politirad {asked}» kan ikke "
            f"brukes. Lag content/politirad.yaml med arkivets eget råd først og «{asked}» "
            f"etter det, eller importer uten «--politirad».")
    if asked not in context.councils:
        near = did_you_mean(asked, context.councils)
        raise ImportRefused(
            f"politirådet «{asked}» finnes ikke i content/politirad.yaml.{near} Rådene som "
            f"finnes: {', '.join(context.councils)}.")
    return _chosen(asked, context, "valgt med «--politirad»")


def _chosen(slug: str, context: ArchiveContext, how: str) -> Chosen:
    return Chosen("" if slug == context.own_council else slug, context.council_name(slug), how)


def _named(texts: Iterable[str], context: ArchiveContext) -> list[str]:
    """The councils whose name («Politirådet i Bergen») occurs in *texts*, in any case."""
    text = " ".join(texts)
    return [slug for slug, council in context.councils.items()
            if re.search(rf"(?<!\w){re.escape(council.name)}(?!\w)", text, re.IGNORECASE)]
