"""The shape of an instance file (format version 1), as pydantic models.

These models check structure and types only (unknown keys, wrong types, missing keys) and
give the JSON Schema that ``dealopt schema`` prints. Meaning (names that must exist, ranges,
status quo, cycles) is checked by :mod:`dealopt.spec.loader`, which has the source positions.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, WithJsonSchema

NAME_PATTERN = r"^[a-z_][a-z0-9_]*$"

Name = Annotated[StrictStr, Field(pattern=NAME_PATTERN)]
# Numbers arrive as int or Decimal from the reader (never float); strict so a quoted "3"
# is not silently taken for a number.
Number = Annotated[
    StrictInt | Annotated[Decimal, Field(strict=True)],
    WithJsonSchema({"type": "number"}),
]
Expression = Annotated[StrictStr, Field(min_length=1)]
# A table from an issue's values (option names, or integers of a range issue) to numbers,
# or "linear": the value itself (range issues only). A range issue's value may also be
# written as a quoted integer key ("10": 5), since JSON object keys are always strings.
IntegerKey = Annotated[StrictStr, Field(pattern=r"^[-+]?[0-9]+$")]
TABLE_KEY_PATTERN = r"^([a-z_][a-z0-9_]*|[-+]?[0-9]+)$"
Table = (
    Annotated[
        dict[Name | StrictInt | IntegerKey, Number],
        WithJsonSchema(
            {
                "type": "object",
                "propertyNames": {"pattern": TABLE_KEY_PATTERN},
                "additionalProperties": {"type": "number"},
            }
        ),
    ]
    | Literal["linear"]
)

#: A table over two issues: ``"first,second"`` (the issues' names), rows by the first issue's
#: values, columns by the second's; unlisted pairs count 0.
# An issue, or a staged issue at one stage (``sanctions@after_midterms``).
ISSUE_REF = r"[a-z_][a-z0-9_]*(@[a-z_][a-z0-9_]*)?"
IssueRef = Annotated[StrictStr, Field(pattern=f"^{ISSUE_REF}$")]
TABLE_NAME_PATTERN = f"^{ISSUE_REF}(\\s*,\\s*{ISSUE_REF})?$"  # an issue, or a pair
TableKey = Annotated[StrictStr, Field(pattern=TABLE_NAME_PATTERN)]
_ROW = {
    "type": "object",
    "propertyNames": {"pattern": TABLE_KEY_PATTERN},
    "additionalProperties": {"type": "number"},
}
PairTable = Annotated[
    dict[Name | StrictInt | IntegerKey, dict[Name | StrictInt | IntegerKey, Number]],
    WithJsonSchema(
        {
            "type": "object",
            "propertyNames": {"pattern": TABLE_KEY_PATTERN},
            "additionalProperties": _ROW,
        }
    ),
]


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class PartyDoc(_Node):
    """A negotiating side."""

    label: StrictStr | None = Field(None, description="Display name; defaults to the key.")
    description: StrictStr | None = None
    no_deal: Number | None = Field(
        None,
        description="Utility with no agreement (BATNA); default: utility of the status quo.",
    )


class IssueDoc(_Node):
    """One thing a deal decides: ordered `options`, or an integer `range` [lo, hi, step]."""

    label: StrictStr | None = None
    description: StrictStr | None = None
    options: list[Name] | None = Field(None, description="Ordered options.")
    range: list[StrictInt] | None = Field(
        None, description="[lo, hi] or [lo, hi, step]: the integers lo, lo+step, ..., <= hi."
    )
    status_quo: Name | StrictInt | None = Field(
        None, description="Defaults to the first option (or lo)."
    )
    staged: StrictBool = Field(
        False, description="The deal picks an option per stage (needs the top-level `stages`)."
    )
    monotone: StrictBool = Field(
        False, description="Staged only: never taken back (the option never moves down a stage)."
    )
    option_labels: dict[Name, StrictStr] | None = Field(
        None,
        description="Display text of options (free text, e.g. a GENIUS value's original "
        "name); an option without one is shown by its name.",
    )


class TermDoc(_Node):
    """An extra utility term: `value` when `when` holds (always, without `when`)."""

    label: StrictStr | None = None
    when: Expression | None = None
    value: Number | Expression


class InterestDoc(_Node):
    """A party's utility: sum of weight x score per issue, plus terms."""

    weights: dict[TableKey, Number] = Field(default_factory=dict)
    scores: dict[TableKey, Table | PairTable] = Field(default_factory=dict)
    terms: list[TermDoc] = Field(default_factory=list)
    stage_weights: dict[Name, Number] = Field(
        default_factory=dict,
        description="Discount factor per stage for the staged issues' scores (default 1).",
    )
    scale: Number | None = Field(
        None,
        description="Positive divisor: utility = (weighted scores + terms) / scale (default 1); "
        "no_deal is on the divided scale.",
    )


class RuleDoc(_Node):
    """A hard rule (of the deal space, or a party's red line)."""

    label: StrictStr | None = None
    rule: Expression
    description: StrictStr | None = None


class DealDoc(_Node):
    """A named deal: a proposal on the table, a deal signed, a sketch to evaluate."""

    label: StrictStr | None = Field(None, description="Display name; defaults to the key.")
    description: StrictStr | None = None
    sources: list[StrictStr] = Field(
        default_factory=list, description="Where the deal is stated (citations, links)."
    )
    choose: dict[IssueRef, Name | StrictInt] = Field(
        default_factory=dict,
        description="The option chosen on each issue; issues left out take the status quo.",
    )


class AtLeastDoc(_Node):
    """At least `count` of the listed parties must accept."""

    label: StrictStr | None = None
    count: StrictInt = Field(description="How many of `of` must accept (at least 1).")
    of: list[Name] = Field(min_length=1, description="The parties counted.")


class WeightedDoc(_Node):
    """The accepting parties must hold at least `share` of the total weight, including every
    party in `including`."""

    label: StrictStr | None = None
    weights: dict[Name, Number] = Field(min_length=1, description="Each counted party's weight.")
    share: Number = Field(description="Least share of the total weight, in (0, 1].")
    including: list[Name] = Field(
        default_factory=list, description="Parties that must be among those accepting."
    )


class AcceptanceDoc(_Node):
    """Who must prefer a deal to no deal for it to pass; every clause must hold."""

    veto: list[Name] = Field(default_factory=list, description="Parties that must each accept.")
    at_least: list[AtLeastDoc] = Field(default_factory=list)
    weighted: list[WeightedDoc] = Field(default_factory=list)


class NormalDoc(_Node):
    """A normal distribution, truncated to [min, max] where given."""

    mean: Number
    sd: Number
    min: Number | None = None
    max: Number | None = None


class DiscreteDoc(_Node):
    """A discrete distribution: ``values`` with probabilities ``p`` (summing to 1 exactly)."""

    values: list[Number] = Field(min_length=1)
    p: list[Number] = Field(min_length=1)


class UncertainDoc(_Node):
    """A distribution on the number (or group of numbers, or red line) a path names.

    Exactly one of ``uniform``, ``triangular``, ``normal``, ``discrete``, ``spread`` (numbers)
    or ``holds`` (red lines)."""

    label: StrictStr | None = None
    description: StrictStr | None = None
    uniform: list[Number] | None = Field(None, description="[lo, hi]")
    triangular: list[Number] | None = Field(None, description="[lo, mode, hi]")
    normal: NormalDoc | None = None
    discrete: DiscreteDoc | None = None
    spread: Number | None = Field(
        None, description="Relative spread s: each number of the group times 1 + U(-s, s)."
    )
    normalise: Literal["sum"] | None = Field(
        None, description="With spread: rescale the group to the sum written in the file."
    )
    holds: Number | None = Field(None, description="Probability that the red line holds.")
    decimals: StrictInt | None = Field(
        None, description="Decimal places of the sampled numbers (default: as written + 2)."
    )


class InstanceDoc(_Node):
    """A dealopt instance file, format version 1."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        title="dealopt instance (format version 1)",
    )

    dealopt: Literal[1] = Field(description="Format version.")
    name: StrictStr
    description: StrictStr | None = None
    status_quo: Literal["none"] | None = Field(
        None,
        description="`none`: the negotiation has no status quo (as in GENIUS): every party "
        "states its no_deal, and deals are described by the options they choose.",
    )
    stages: list[Name] | None = Field(
        None, description="Steps in time, in order; staged issues take an option per stage."
    )
    parties: dict[Name, PartyDoc] = Field(min_length=1)
    issues: dict[Name, IssueDoc] = Field(min_length=1)
    attributes: dict[Name, dict[TableKey, Table | PairTable]] = Field(default_factory=dict)
    quantities: dict[Name, Expression | Number] = Field(default_factory=dict)
    interests: dict[Name, InterestDoc] = Field(default_factory=dict)
    red_lines: dict[Name, list[RuleDoc]] = Field(default_factory=dict)
    rules: list[RuleDoc] = Field(default_factory=list)
    groups: dict[Name, list[Name]] = Field(
        default_factory=dict, description="Named issue groups, for linkage analysis."
    )
    deals: dict[Name, DealDoc] = Field(
        default_factory=dict, description="Named deals to evaluate (`dealopt evaluate`)."
    )
    acceptance: AcceptanceDoc | None = Field(
        None, description="Who must accept a deal (default: every party)."
    )
    uncertainty: dict[StrictStr, UncertainDoc] = Field(
        default_factory=dict,
        description="Distributions on numbers by their path (`dealopt sweep`).",
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the instance format (``extends`` included, for editors)."""
    schema = InstanceDoc.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "dealopt.instance/1"
    schema["properties"]["extends"] = {
        "type": "string",
        "description": "A base instance file (relative path) this file overrides.",
    }
    # A file that extends another need not repeat the base's required keys.
    schema["if"] = {"required": ["extends"]}
    schema["then"] = {"required": ["dealopt"]}
    schema["else"] = {"required": schema.pop("required")}
    _strict_names(schema)
    return schema


def _strict_names(node: Any) -> None:
    """Turn pydantic's ``patternProperties`` (which lets any key that does not match through)
    into ``propertyNames`` + ``additionalProperties``, so a key like ``Sanctions`` is flagged."""
    if isinstance(node, dict):
        pattern_properties = node.get("patternProperties")
        if (
            isinstance(pattern_properties, dict)
            and len(pattern_properties) == 1
            and "additionalProperties" not in node
        ):
            ((pattern, sub),) = pattern_properties.items()
            del node["patternProperties"]
            node["propertyNames"] = {"pattern": pattern}
            node["additionalProperties"] = sub
        for value in node.values():
            _strict_names(value)
    elif isinstance(node, list):
        for value in node:
            _strict_names(value)
