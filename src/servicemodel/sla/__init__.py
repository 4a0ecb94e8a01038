"""Service-level agreements: business calendars and the time arithmetic on them.

>>> import pendulum
>>> from servicemodel.sla import BusinessCalendar
>>> cal = BusinessCalendar.weekly("Europe/London", {"mon-fri": "09:00-17:00"})
>>> cal.add(pendulum.datetime(2024, 6, 7, 17, 30, tz="Europe/London"), pendulum.duration(hours=4))
DateTime(2024, 6, 10, 13, 0, 0, tzinfo=Timezone('Europe/London'))
"""

from ._calendar import BusinessCalendar, Combine, Overnight
from ._holidays import public_holidays

__all__ = [
    "BusinessCalendar",
    "Combine",
    "Overnight",
    "public_holidays",
]
