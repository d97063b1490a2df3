"""The graph page's words (graph.html: its bar, legend, help and panel) in the reader's language: Vietnamese by
default, English on request, from the pages' catalogues. graph.html holds the English messages and translates them
with the map given here (`{n}` stands for a number put in by the page), relation codes by `relation:CODE`.
"""

from __future__ import annotations

from . import i18n

N_ = i18n.N_

MESSAGES = (
    N_("Citation graph"),
    N_("Each circle is a document; an arrow goes from the citing document to the cited one. The bigger the "
       "circle, the more documents cite it. Filled circles are documents in the archive; hollow dashed ones "
       "are known only because other documents cite them; red dotted diamonds are references that fit more "
       "than one document."),
    N_("Type in the search box to find documents, with or without diacritics (<i>ke hoach 58</i>, <i>NQ "
       "57</i>, <i>1588/QĐ-TTg</i>). Filter by type, year, issuer or province. Click a document to see what "
       "it cites and what cites it, with the sentences and source files; click an arrow to see its sentence."),
    N_("This archive is large: the overview shows the documents and the citations between the most-cited "
       "ones; the other citations (arrows) are drawn for the documents you search or click, and for all "
       "documents in view once you zoom in."),
    N_("Labels: as many as fit without overlapping, the most-cited documents first; zoom in for more. "
       "Documents that cite one another form communities, laid out apart; <i>Colour: community</i> colours "
       "them."),
    N_("Communities (Louvain)"),
    N_("a community is named by its most-cited document; click one to show it"),
    N_("Document type"),
    N_("Node"),
    N_("size = how often it is cited"),
    N_("Relation"),
    N_("asserted by a letter between two cited documents"),
    N_("This overview shows the {nodes} most-cited of the archive's {total_nodes} documents and {edges} of "
       "its {total_edges} citations."),
    N_("Click a document to load all of its citations from the archive."),
    N_("`vanban serve` explores all of it."),
    N_("cited by {n}"),
    N_("Most cited"),
    N_("{documents} documents · {citations} citations"),
    N_("{n} found"),
    N_("Found {n}"),
    N_("Nothing found"),
    N_("No document matches every word; try fewer words."),
    N_("stated by the letter"),
    N_("by name"),
    N_("cited by its name; the number is from the law table"),
    N_("page {n}"),
    N_("… and {n} more"),
    N_("Cited only: not in the archive; known from the letters that cite it."),
    N_("Ambiguous: this reference fits more than one document:"),
    N_("Open its page"),
    N_("Open the document with its references highlighted"),
    N_("Loading its citations from the archive…"),
    N_("Cited by {cited_by} and citing {cites}: the first ones are drawn; the document page lists them all."),
    N_("This overview may not hold all of its citations: `vanban serve` has them all."),
    N_("Cited by"),
    N_("Cites"),
    N_("{n} pieces of evidence"),
    N_("Evidence"),
    N_("in the archive"),
    N_("cited only (not in the archive)"),
    N_("ambiguous reference"),
    N_("Date"),
    N_("Issued by"),
    N_("Province"),
    N_("Commune, ward"),
    N_("Subject"),
    N_("File"),
    N_("Documents citing it"),
    N_("Search"),
    N_("Graph"),
    N_("All types"),
    N_("All years"),
    N_("In the archive and cited only"),
    N_("In the archive"),
    N_("Cited only"),
    N_("Colour: type"),
    N_("Colour: community"),
    N_("Search: ke hoach 58, 57-NQ/TW, Quảng Ngãi…"),
    N_("Issuer / province"),
    N_("Most cited, help and legend"),
    N_("Most cited · help · legend"),
    N_("Scroll to zoom · drag to pan · more labels as you zoom in"),
)


def labels(lang: str = i18n.DEFAULT) -> dict[str, str]:
    """English message → its translation (only those that differ), and `relation:CODE` → the relation's name."""
    gettext = i18n.gettext_for(lang)
    out = {message: gettext(message) for message in MESSAGES if gettext(message) != message}
    out.update({f"relation:{code}": i18n.relation(code, lang) for code in i18n.RELATIONS})
    return out
