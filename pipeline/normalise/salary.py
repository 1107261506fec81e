"""Salaries to annual figures. The constants are documented in the data dictionary."""

from __future__ import annotations

from pipeline.extract.models import Salary

HOURS_PER_WEEK = 37.0  # NJC standard full-time week for local government
WEEKS_PER_YEAR = 52.143  # 365 / 7
DAYS_PER_WEEK = 5.0
MONTHS_PER_YEAR = 12.0
ANNUAL_FACTORS = {
    "year": 1.0,
    "month": MONTHS_PER_YEAR,
    "week": WEEKS_PER_YEAR,
    "day": DAYS_PER_WEEK * WEEKS_PER_YEAR,
    "hour": HOURS_PER_WEEK * WEEKS_PER_YEAR,
}
PERIODS = tuple(ANNUAL_FACTORS)


def annualise(amount: float | None, period: str | None) -> float | None:
    """An amount in its period as a full-time annual figure, rounded to pounds; None when unknown."""
    if amount is None or period not in ANNUAL_FACTORS:
        return None
    return round(amount * ANNUAL_FACTORS[period], 0)


def salary_columns(salary: Salary | None) -> dict[str, object]:
    """The salary columns of a vacancy row; all null when no salary was stated."""
    if salary is None:
        return {
            "salary_min": None,
            "salary_max": None,
            "salary_period": None,
            "salary_annual_min": None,
            "salary_annual_max": None,
            "salary_text": None,
            "salary_up_to": None,
            "salary_pro_rata": None,
            "salary_plus_enhancements": None,
        }
    low, high = salary.min, salary.max
    if low is not None and high is not None and low > high:
        low, high = high, low
    return {
        "salary_min": low,
        "salary_max": high,
        "salary_period": salary.period,
        "salary_annual_min": annualise(low, salary.period),
        "salary_annual_max": annualise(high, salary.period),
        "salary_text": salary.text,
        "salary_up_to": salary.up_to,
        "salary_pro_rata": salary.pro_rata,
        "salary_plus_enhancements": salary.plus_enhancements,
    }
