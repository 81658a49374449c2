"""The pages every footer links to, with the text they show until the Business Manager edits them.

Texts are plain paragraphs separated by a blank line; '{partnership}' and '{service}' are replaced by
the installation's names when the page is shown."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class PageDefault:
    slug: str
    title: str
    body: str


DEFAULTS = {
    page.slug: page
    for page in (
        PageDefault(
            "accessibility",
            "Accessibility statement",
            "This statement covers the {service} run by the {partnership}. We want as many people as "
            "possible to be able to use it: you should be able to zoom the text to 400% without it "
            "spilling off the screen, get around every page with a keyboard alone, and use it with a "
            "screen reader or speech recognition software.\n\n"
            "The pages are built with the GOV.UK Design System, whose components are tested with "
            "assistive technologies. Every page is checked by automated tests against the Web Content "
            "Accessibility Guidelines (WCAG) version 2.2, level AA, at desktop and phone widths.\n\n"
            "Known limits: the audit report is a PDF, tagged with headings and a contents list; the "
            "spreadsheet exports are plain tables. If you need any part of the service in another "
            "format, or find a problem not listed here, tell the Business Manager using the details on "
            "the help and contact page. We aim to reply within 5 working days.\n\n"
            "If you are not happy with our answer, contact the Equality Advisory and Support Service "
            "(EASS).",
        ),
        PageDefault(
            "privacy",
            "Privacy notice",
            "The {partnership} is the data controller for the information held in the {service}. It "
            "holds what the partner agencies send for multi-agency case audits: the agencies' returns "
            "and chronologies about the children whose cases are audited, the panel's findings, and the "
            "names, roles and e-mail addresses of the people who use the service.\n\n"
            "The lawful basis is the partnership's public task under the Children Act 2004 and Working "
            "Together to Safeguard Children; information about children's health and welfare is "
            "processed for the reasons of substantial public interest the Data Protection Act 2018 "
            "sets out for safeguarding.\n\n"
            "Children's names and addresses are kept only as long as the panel may need them and then "
            "removed; the retention page of the service lists each kind of information and how long it "
            "is kept. Published reports never name a child or family.\n\n"
            "You have the right to ask for a copy of the information held about you and to ask for it "
            "to be corrected. Contact the partnership's data protection officer through the Business "
            "Manager (see the help and contact page).",
        ),
        PageDefault(
            "help",
            "Help and contact",
            "For help with the {service} (logging in, your second factor, a return that is due, an "
            "audit you have been asked to join), contact the {partnership}'s Business Manager.\n\n"
            "If you have lost your phone and your backup codes, ask the system administrator to reset "
            "your second factor.\n\n"
            "If you are worried that a child is at immediate risk, do not wait for the audit: follow "
            "your agency's safeguarding procedures and contact the local authority's children's social "
            "care front door, or the police on 999 in an emergency.",
        ),
    )
}


def fill(text):
    return text.replace("{partnership}", settings.PARTNERSHIP_NAME).replace(
        "{service}", settings.SERVICE_NAME
    )
