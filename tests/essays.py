"""The sample essay the section tests share: "Riding to work", one section a constant.

Tests build versions of it by choosing, ordering and editing sections:
``doc(FM, INTRO, MONEY.replace(...))``.
"""

from __future__ import annotations

from reviewtool.draft.document import Document, parse

FM = "---\ntitle: Riding to work\n---\n"

INTRO = """## Introduction

For six years I drove twelve kilometres to the office and told myself the car was the only sensible option.
A broken clutch left me with my neighbour's old touring bike for a month, and I never went back.
"""
HEALTH = """## Health

Within two months my resting heart rate dropped by nine beats a minute and the stiffness in my lower back
disappeared. An hour of moderate exercise folded into a trip I had to make anyway is the only habit I kept.
"""
MONEY = """## Money

Fuel, parking and wear on the car cost roughly two hundred euros a month; the bike needed tyres, a chain and
brake pads, one hundred and fifty euros in its first year.
"""
WEATHER = """## Weather

Rain is the objection everyone raises first and it matters least: heavy rain caught me eleven times in a year,
and a glance at the radar before leaving solves half the problem.
"""
SAFETY = """## Safety

Traffic is the real worry. Drivers on the ring road overtake far too close, so I changed my route through the park.

Being seen matters as much as being careful: lights front and rear all day and a yellow jacket in winter.

Theft is the quieter risk: a heavy D-lock through the frame and a cable for the front wheel, inside the car park.
"""


def doc(*parts: str) -> Document:
    """The parsed draft made of *parts* (sections), one newline between them."""
    return parse("\n".join(p.rstrip("\n") + "\n" for p in parts))
