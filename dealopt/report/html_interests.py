"""The report's account of the parties' interests: what the instance assumes each party
wants (weights, scores, terms, no-deal value), and what makes up each party's utility of the
selected deal (the parts come from :mod:`dealopt.analysis.breakdown`). User text is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from html import escape
from typing import TYPE_CHECKING

from dealopt.report.numbers import short_text

if TYPE_CHECKING:
    from dealopt.analysis.breakdown import Part
    from dealopt.spec.model import Instance


def interests_section(instance: Instance, no_deal: Mapping[str, Fraction] | None = None) -> str:
    """One block per party: its no-deal value, each weighted issue with its weight and its
    score of every option (the status quo in bold), and its terms as written."""
    parts = ["<h3>Interests</h3>"]
    parts.append(
        "<p class='hint'>A party's utility of a deal is the sum over its issues of weight × "
        "score of the chosen option, plus each term whose condition holds, divided by its "
        "scale where it has one.</p>"
    )
    for name, party in instance.parties.items():
        interest = instance.interests.get(name)
        nd = ""
        if no_deal is not None and name in no_deal:
            how = "its utility of the status quo" if party.no_deal is None else "as given"
            nd = f" · no-deal value <b>{escape(short_text(no_deal[name]))}</b> ({how})"
        if interest is not None and interest.scale != 1:
            nd += f" · utility = sum / {escape(short_text(Fraction(interest.scale)))}"
        parts.append(
            f"<h4 id='interest-{escape(name)}'>{escape(party.label)}{nd}</h4>"
            "<div class='table-wrap'><table class='rules interests'><thead><tr>"
            "<th scope='col'>issue</th><th class='num' scope='col'>weight</th>"
            "<th scope='col'>score of each option"
            + (" (status quo in bold)" if instance.has_status_quo else "")
            + "</th>"
            "</tr></thead><tbody>"
        )
        if interest is None or not interest.weights:
            parts.append("<tr><td colspan='3'>No weighted issue.</td></tr>")
        else:
            for issue, weight in interest.weights.items():
                spec = instance.issues[issue]
                if interest.scores.get(issue) == "linear":
                    scores = "linear: the score is the value itself"
                else:
                    scores = ", ".join(
                        (
                            f"<b>{escape(str(v))}</b>"
                            if instance.at_status_quo(issue, v)
                            else escape(str(v))
                        )
                        + f" {escape(short_text(Fraction(interest.score(issue, v))))}"
                        for v in spec.values
                    )
                parts.append(
                    f"<tr><td><code>{escape(issue)}</code></td>"
                    f"<td class='num'>{escape(short_text(Fraction(weight)))}</td>"
                    f"<td>{scores}</td></tr>"
                )
        parts.append("</tbody></table></div>")
        terms = interest.terms if interest is not None else ()
        if terms:
            rows = "".join(
                f"<tr><td>{escape(t.label)}</td>"
                f"<td><code>{escape(t.when.text) if t.when is not None else 'always'}</code></td>"
                f"<td><code>{escape(_term_value(t.value))}</code></td></tr>"
                for t in terms
            )
            parts.append(
                "<div class='table-wrap'><table class='rules terms'><thead><tr>"
                "<th scope='col'>term</th><th scope='col'>when</th><th scope='col'>value</th>"
                f"</tr></thead><tbody>{rows}</tbody></table></div>"
            )
    return "".join(parts)


def _term_value(value: object) -> str:
    text = getattr(value, "text", None)
    return str(text) if text is not None else short_text(Fraction(str(value)))


def breakdown_rows(parts: Mapping[str, tuple[Part, ...]], labels: Mapping[str, str]) -> list:
    """For the selected-deal panel: per party ``[label, [[what, value], ...]]``, pre-escaped,
    issues first (``issue = option``), then terms; zero parts left out."""
    out = []
    for party, label in labels.items():
        rows = []
        for part in parts.get(party, ()):
            if not part.value:
                continue
            what = f"{part.name} = {part.option}" if part.kind == "issue" else f"term: {part.name}"
            rows.append([escape(what), escape(short_text(part.value))])
        out.append([escape(label), rows])
    return out
