"""The metrics: each a declared value that the map, the territory pages, the
comparison, the exports, the API and the OpenAPI description read. Adding a metric is
adding one `Metric` to `METRICS`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, case, cast, func

from tracker import privacy
from tracker.models import Measure
from tracker.models.territory import LEVELS
from tracker.stats.assessments import (
    OVERALL,
    communes_assessed,
    dimension_definition,
    dimension_keys,
    dimension_label,
    score_values,
)
from tracker.stats.programmes import NO_PROGRAMME, communes_integrating, own_programmes
from tracker.stats.query import Filters
from tracker.stats.sectors import sectors_covered
from tracker.vocab import INTEGRATION_LEVELS


@dataclass(frozen=True)
class Metric:
    """A figure shown for every territory of a level, and for the country.

    Most metrics are sums over the measures: `sums()` gives the SQL aggregates (counts
    or sums, which add up from collectivities to territories) and `value(sums,
    population)` the figure from their totals and the territory's HCP 2024 population
    (read only when `per_inhabitant`). The figures of all such metrics for a set of
    filters are read in one aggregation (see `figures`). `every_status` metrics are
    taken over every status whatever the status filter. A metric that is no sum
    gives `compute(level, filters, inside)` instead, answering `{code: value}`.

    A categorical metric (`unit` "category") has `categories`, `{key: label}` in the
    order shown, and its values are their keys; `empty` is then the category of a
    territory with nothing to show, and every territory of the level has a value.
    `levels` are those the metric is given for ("country" among them for Morocco as a
    whole). A `by_programme_year` metric reads the programmes running in the filters'
    year (this year when none is chosen) and no other filter. A `by_assessment` metric
    reads the published self-assessments (`tracker.stats.assessments`): only the year
    filter applies, and a territory without one has no value whatever its records.

    `no_value` is how a page writes a territory without a value: "no data", or "not
    assessed" for a score.

    `unit` says how a value is shown (`tracker.i18n.metric_text` writes it); `public`
    gives it as every public output does.
    """

    key: str
    label: object
    definition: object
    unit: str
    sums: Callable[[], tuple] | None = None
    value: Callable[[tuple, int | None], float | None] | None = None
    per_inhabitant: bool = False
    every_status: bool = False
    compute: Callable[[str, Filters, str | None], dict[str, float | str | None]] | None = None
    counts_people: bool = False
    # The value of a territory that has records, none of which the filters keep.
    empty: float | str | None = 0.0
    categories: Mapping[str, object] | None = None
    levels: tuple[str, ...] = (*LEVELS, "country")
    by_programme_year: bool = False
    by_assessment: bool = False
    no_value: object = _l("no data")

    def public(self, value: object) -> object:
        """`value` as public outputs may give it: a count of people with its small
        counts suppressed (`privacy.public_figure`), a category by its label in the
        page's language, anything else as it is."""
        if self.categories is not None and value is not None:
            return str(self.categories.get(value, value))
        return privacy.public_figure(value) if self.counts_people else value

    def category(self, value: str | None) -> dict[str, str] | None:
        """A categorical value as JSON gives it: `{"key": ..., "label": ...}`, the label
        in the request's language; None for no value. Raises `ValueError` for a metric
        that has no categories."""
        if self.categories is None:
            raise ValueError(f"{self.key} is not a categorical metric")
        if value is None:
            return None
        return {"key": value, "label": str(self.categories.get(value, value))}


def _per_inhabitant(scale: float):
    """The value of a metric whose one sum is divided by the population (times `scale`)."""

    def value(sums, population):
        return float(sums[0] or 0) * scale / population if population else None

    return value


def _completed_share(sums, population=None):
    total, done = sums
    return 100.0 * done / total if total else None


def _beneficiaries(sums, population=None):
    counted, total, left_out = sums
    # Measures that all leave the count out say nothing.
    return privacy.PublicSum(total, left_out) if counted else None


def _score(key: str, label, definition, dimension: str | None) -> Metric:
    """A self-assessment score (0 to 100) of each collectivity itself, not given for the
    country, "not assessed" where no assessment is published."""
    return Metric(
        key,
        label,
        definition,
        "score",
        compute=score_values(dimension),
        empty=None,
        levels=("region", "province", "commune"),
        by_assessment=True,
        no_value=_l("not assessed"),
    )


def _budget_per_inhabitant(key: str, label, definition, column) -> Metric:
    """A metric summing a budget column of the measures, in dirhams, per inhabitant."""
    return Metric(
        key,
        label,
        definition,
        "money",
        sums=lambda: (func.sum(cast(column, Float)),),
        value=_per_inhabitant(1),
        per_inhabitant=True,
    )


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric(
            "measures",
            _l("Measures"),
            _l(
                "Number of validated measures of the territory's councils and of the "
                "territories inside it."
            ),
            "count",
            # count(*): the measures' index answers it alone on PostgreSQL too.
            sums=lambda: (func.count(),),
            value=lambda sums, population: float(sums[0]),
        ),
        Metric(
            "measures_per_100k",
            _l("Measures per 100,000 inhabitants"),
            _l("Validated measures per 100,000 inhabitants (HCP population 2024)."),
            "ratio",
            sums=lambda: (func.count(),),
            value=_per_inhabitant(100_000),
            per_inhabitant=True,
        ),
        _budget_per_inhabitant(
            "budget_planned_per_inhabitant",
            _l("Budget planned per inhabitant (MAD)"),
            _l(
                "Sum of the budgets planned for the validated measures, in dirhams, divided "
                "by the HCP population 2024."
            ),
            Measure.budget_planned,
        ),
        _budget_per_inhabitant(
            "budget_spent_per_inhabitant",
            _l("Budget spent per inhabitant (MAD)"),
            _l(
                "Sum of the budgets spent on the validated measures, in dirhams, divided by "
                "the HCP population 2024."
            ),
            Measure.budget_spent,
        ),
        Metric(
            "sectors_covered",
            _l("SNIA sectors covered (of 11)"),
            _l(
                "How many of the 11 programmes of the National Strategy for Immigration and "
                "Asylum at least one validated measure addresses."
            ),
            "count",
            compute=sectors_covered,
        ),
        Metric(
            "completed_share",
            _l("Share of measures completed (%)"),
            _l(
                "Completed measures as a percentage of all validated measures (the status "
                "filter does not apply)."
            ),
            "percent",
            sums=lambda: (
                func.count(),
                func.count(case((Measure.status == "completed", 1), else_=None)),
            ),
            value=_completed_share,
            every_status=True,  # the share is over every status
            empty=None,
        ),
        Metric(
            "beneficiaries",
            _l("Beneficiaries"),
            privacy.WithThreshold(
                _l(
                    "Sum of the beneficiary counts of the validated measures. A count under "
                    "%(threshold)d is shown only as <%(threshold)d and is left out of every "
                    "sum, so that no figure gives it away: 40 + <%(threshold)d is 40 and "
                    "one such count."
                )
            ),
            "count",
            sums=lambda: (
                func.count(Measure.beneficiaries_total),
                privacy.public_sum(Measure.beneficiaries_total),
                privacy.small_counts(Measure.beneficiaries_total),
            ),
            value=_beneficiaries,
            counts_people=True,
        ),
        Metric(
            "programme_integration",
            _l("How the collectivity's programme integrates migration"),
            _l(
                "How the programme of the territory's own council running in the year "
                "chosen (this year when none is) integrates migration: a commune's PAC, a "
                "provincial council's PDP, a regional council's PDR, validated. When "
                "several run, the one adopted for the latest first year. Only the year "
                "filter applies."
            ),
            "category",
            compute=own_programmes,
            categories={
                **INTEGRATION_LEVELS,
                NO_PROGRAMME: _l("No programme recorded"),
            },
            empty=NO_PROGRAMME,
            levels=("region", "province", "commune"),
            by_programme_year=True,
        ),
        Metric(
            "communes_integrating_share",
            _l("Share of communes whose programme integrates migration (%)"),
            _l(
                "Communes of the territory whose validated PAC running in the year chosen "
                "(this year when none is) mentions migration or gives it a dedicated axis "
                "or measures, as a percentage of all the communes of the territory, those "
                "with no programme recorded included. Only the year filter applies."
            ),
            "percent",
            compute=communes_integrating,
            levels=("region", "province", "country"),
            by_programme_year=True,
        ),
        _score(
            OVERALL,
            _l("Self-assessment score (0-100)"),
            _l(
                "The overall score of the collectivity's own published self-assessment for "
                "the year chosen (its latest when none is): the mean of its dimensions' "
                "scores. For a province or a region, its own council's score, never an "
                "average of its communes. Only the year filter applies; a territory without "
                "a validated assessment is not assessed, which is not 0."
            ),
            None,
        ),
        # The dimensions are the indicator set's data: a new version's come with it.
        *(
            _score(f"assessment_{key}", dimension_label(key), dimension_definition(key), key)
            for key in dimension_keys()
        ),
        Metric(
            "communes_assessed_share",
            _l("Share of communes assessed (%)"),
            _l(
                "Communes of the territory with a validated self-assessment for the year "
                "chosen (for any year when none is), as a percentage of all the communes of "
                "the territory. Only the year filter applies."
            ),
            "percent",
            compute=communes_assessed,
            levels=("region", "province", "country"),
            by_assessment=True,
        ),
    )
}
