"""GENIUS scenarios (a domain XML file and one profile XML file per party) to and from instances.

Import (:func:`load`, :func:`to_data`) follows GENIUS's own semantics, not a reinterpretation:

- GENIUS's utility of a deal is ``min(1, Σ_issue weight × evaluation)``, where a discrete
  issue's evaluation is its value's ``evaluation`` divided by the largest evaluation of that
  issue (0 for every value when that largest evaluation is below 0.00001), an integer issue's is
  ``offset + slope × (value − lowerbound)`` clipped to 0..1, and a real issue's comes from its
  linear (clipped), constant or triangular evaluator. Weights are used as written (GENIUS does
  not rescale them when it reads a profile); the reservation value is on that same 0..1 scale.
- The instance states that utility exactly, on GENIUS's 0..1 scale: weights are GENIUS's
  weights as written, each score is ``K × evaluation / largest evaluation`` with the party's
  ``scale: K`` dividing the sum again, and each ``no_deal`` is the reservation value. ``K`` is,
  per party, the smallest whole number that makes every score a terminating decimal (1 when
  they all terminate already: no ``scale`` written), so nothing is rounded.
- Where a party's weights let a deal go above 1, GENIUS caps it at 1; the instance then carries
  one term per such deal that brings its sum back to exactly ``K`` (its utility to 1).
- GENIUS has no status quo: the instance says ``status_quo: none``, so outputs describe deals
  by the options they choose.
- Discrete values become options (names made into identifiers; the original names are kept in
  the issue's label and description), integer issues become range issues, real issues are
  refused unless a discretisation step is given. The discount factor is recorded in the
  descriptions and otherwise ignored: it discounts over negotiation time, and a one-shot deal
  has none.

Export (:func:`to_xml`, :func:`export`) writes a domain and one profile per party for instances
whose utilities are additive (weights and scores, plus at most a GENIUS-style cap at the top), and
refuses, naming them, red lines, rules and other terms. Each profile also carries ``dealopt_*``
attributes (ignored by GENIUS and negmas) from which :func:`load` restores the instance exactly;
a file whose GENIUS numbers no longer match them (edited after export) is read as plain GENIUS.

XML is parsed with :mod:`defusedxml`: no entity is ever expanded and no external reference is
followed; every problem is a :class:`~dealopt.errors.SpecError` naming the file and line.
"""

from __future__ import annotations

from dealopt.io.genius.export import GeniusFiles, export, to_xml
from dealopt.io.genius.read import load, to_data, to_yaml_text

__all__ = [
    "GeniusFiles",
    "export",
    "load",
    "to_data",
    "to_xml",
    "to_yaml_text",
]
