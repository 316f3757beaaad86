"""Aggregations, in one place: the metrics the map, the territory pages, the comparison,
the exports and the API show, and the counts the other pages show, each one SQL
aggregation keyed by territory code.

A territory's figure includes its own council's records and those of the
territories inside it: a region counts the regional council's measures and those
of every province and commune in it. Only publicly visible records count
(validated, and submitted when `PUBLIC_SHOW_SUBMITTED` is set), except in the counts
a collectivity's officers see. Nothing here reads the request: filters come in as a
`Filters` value.

The modules, each using only those before it: `cache` (the one way figures are kept
between requests), `in_step` (readings per collectivity kept in step with the
history), `query` (the filters, the territories a record counts towards, the
per-collectivity aggregation), `counts` and `sectors` (counts of records, people and
sectors), `timeline` (the measures running each year), `programmes` (how the councils' own programmes integrate
migration), `assessments` (the published self-assessments' scores), `metrics` (the
declared metrics), `values` (their values).
"""

from tracker.stats.cache import KEPT, committed_data_version, data_version, kept
from tracker.stats.counts import (
    measures_by_sector,
    measures_by_status,
    populations,
    programmes_inside,
    record_models,
    recorded,
)
from tracker.stats.in_step import in_step
from tracker.stats.metrics import METRICS, Metric
from tracker.stats.programmes import (
    INTEGRATING,
    NO_PROGRAMME,
    OWN_KIND,
    communes_integrating,
    own_programmes,
    programme_year,
)
from tracker.stats.query import (
    NATIONAL,
    Filters,
    aggregate,
    codes_within,
    collectivity_conditions,
    inside_conditions,
    is_within,
    measure_conditions,
    public_record_conditions,
    unit_of,
    within,
)
from tracker.stats.sectors import sector_counts, sectors_addressed, sectors_covered
from tracker.stats.values import (
    NO_VALUE_REASONS,
    figures,
    metric_values,
    national_summary,
    no_value_reason,
    territory_summary,
    unmatched,
)

__all__ = [
    "INTEGRATING",
    "KEPT",
    "METRICS",
    "NATIONAL",
    "NO_PROGRAMME",
    "NO_VALUE_REASONS",
    "OWN_KIND",
    "record_models",
    "Filters",
    "Metric",
    "aggregate",
    "codes_within",
    "collectivity_conditions",
    "communes_integrating",
    "committed_data_version",
    "data_version",
    "figures",
    "inside_conditions",
    "in_step",
    "is_within",
    "kept",
    "measure_conditions",
    "measures_by_sector",
    "measures_by_status",
    "metric_values",
    "national_summary",
    "no_value_reason",
    "own_programmes",
    "populations",
    "programme_year",
    "programmes_inside",
    "public_record_conditions",
    "recorded",
    "sector_counts",
    "sectors_addressed",
    "sectors_covered",
    "territory_summary",
    "unit_of",
    "unmatched",
    "within",
]
