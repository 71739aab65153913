"""Bounds of scenario and config quantities.

Each bound is far beyond any real study yet small enough that a typo
(``duration_h = 1e300``, a rate of ``1e9``) is refused while the file is read
instead of hanging a run or filling the machine's memory.
"""

from __future__ import annotations

#: Longest scenario (or run horizon, or event) in hours: one leap year.
MAX_DURATION_H = 366 * 24
#: The same in minutes (run horizons are in minutes).
MAX_DURATION_MIN = MAX_DURATION_H * 60
#: Highest rate of one hazard, incidents per day over the whole network.
MAX_RATE_PER_DAY = 100_000.0
#: Highest multiplier of rates (``background.scale``, an event's ``rate_multiplier``).
MAX_MULTIPLIER = 1_000.0
#: Highest expected incidents per node of an event model (an earthquake's collapses).
MAX_PER_NODE = 10.0
#: Most incidents one part of a scenario (its background, one event) may be expected to
#: hold; the whole stream lives in memory, and the simulator handles every incident.
MAX_INCIDENTS = 1_000_000
#: Most teams of one capability an incident of one grade may ask for.
MAX_TEAMS_PER_INCIDENT = 1_000
#: Most units of one supply item an incident of one grade may ask for.
MAX_SUPPLIES_PER_INCIDENT = 1_000_000
#: Most generations of secondary incidents.
MAX_CASCADE_DEPTH = 100
#: Shortest follow-up report interval, minutes, in a run config's or a drill file's
#: reporting rules (a shorter one is not a reporting rule, and would make millions of
#: reports in a long event).
MIN_FOLLOW_UP_INTERVAL = 10.0
